//! incidentkit.yaml on its own: ids unique, groups exist, time zone known;
//! and each language of the site has its words (`languages`).

use super::*;
use crate::check::suggest::did_you_mean;
use crate::model::Config;
use std::collections::HashSet;

pub fn check(config: &Config, file: &str, out: &mut Vec<Diagnostic>) {
    let mut seen = HashSet::new();
    for (i, group) in config.groups.iter().enumerate() {
        if !seen.insert(group.id.as_str()) {
            out.push(
                CONFIG_DUPLICATE_ID
                    .diag(file, format!("group id `{}` is used twice", group.id))
                    .at(format!("/groups/{i}/id"))
                    .hint("give each group its own id"),
            );
        }
    }
    let groups: Vec<&str> = config.groups.iter().map(|g| g.id.as_str()).collect();
    let mut seen = HashSet::new();
    for (i, component) in config.components.iter().enumerate() {
        if !seen.insert(component.id.as_str()) {
            out.push(
                CONFIG_DUPLICATE_ID
                    .diag(
                        file,
                        format!("component id `{}` is used twice", component.id),
                    )
                    .at(format!("/components/{i}/id"))
                    .hint("give each component its own id; incidents refer to components by id"),
            );
        }
        if let Some(group) = &component.group
            && !groups.contains(&group.as_str())
        {
            let hint = match did_you_mean(group, &groups) {
                Some(near) => format!("did you mean `{near}`?"),
                None => {
                    "add the group under `groups:` or remove `group:` from the component".into()
                }
            };
            out.push(
                CONFIG_UNKNOWN_GROUP
                    .diag(
                        file,
                        format!(
                            "component `{}` is in group `{group}`, which is not defined",
                            component.id
                        ),
                    )
                    .at(format!("/components/{i}/group"))
                    .hint(hint),
            );
        }
    }
    // What `incident notify` would refuse after the merge.
    for problem in crate::notify::check_targets(config) {
        out.push(
            CONFIG_NOTIFY_TARGET
                .diag(file, problem.message)
                .at(problem.pointer)
                .hint(problem.hint),
        );
    }
    if let Some(tz) = &config.site.timezone
        && jiff::tz::db().get(tz).is_err()
    {
        let names: Vec<String> = jiff::tz::db()
            .available()
            .map(|n| n.as_str().to_string())
            .collect();
        let names: Vec<&str> = names.iter().map(String::as_str).collect();
        let hint = match crate::check::suggest::did_you_mean(tz, &names) {
            Some(name) => format!("did you mean `{name}`? (an IANA time zone name)"),
            None => "use an IANA name such as Europe/Berlin, America/New_York or UTC".to_string(),
        };
        out.push(
            CONFIG_TIMEZONE
                .diag(file, format!("`{tz}` is not a known time zone"))
                .at("/site/timezone")
                .hint(hint),
        );
    }
}

/// Each language of the site has its page's words: a built-in locale or
/// the repository's `templates/locale/<lang>.yaml` (read through `files`),
/// so the pull request's check fails where `build` would.
pub fn languages(
    config: &Config,
    files: &crate::repo::Files,
    file: &str,
    out: &mut Vec<Diagnostic>,
) {
    let named = std::iter::once((
        "/site/language".to_string(),
        config.site.language.as_deref(),
    ))
    .chain(
        config
            .site
            .languages
            .iter()
            .enumerate()
            .map(|(i, l)| (format!("/site/languages/{i}"), Some(l.as_str()))),
    );
    for (pointer, lang) in named {
        let Some(lang) = lang else { continue };
        let own = format!("{}/locale/{lang}.yaml", crate::paths::TEMPLATES);
        let built_in = crate::templates::built_in_locale(lang);
        // The repository's words merge over English and the built-in ones,
        // as `build` merges them: a file that does not merge stops it too.
        let why = match files.read(&own) {
            Ok(text) => {
                let en = crate::templates::built_in_locale("en").unwrap_or_default();
                let sources = [("en", en), (own.as_str(), text.as_str())];
                match crate::render::locale::Locale::merge(lang, &sources) {
                    Ok(_) => continue,
                    Err(e) => e,
                }
            }
            Err(e) if !e.is_absent() => format!("{own}: {e}"),
            Err(_) if built_in.is_some() => continue,
            Err(_) => "no built-in locale".to_string(),
        };
        out.push(
            CONFIG_UNKNOWN_LANGUAGE
                .diag(
                    file,
                    format!("no locale for the language `{lang}` ({why}): `build` would stop"),
                )
                .at(pointer)
                .hint(format!(
                    "use a built-in language ({}), or give the page's words in {own} (its keys are those of the built-in locale files; one overrides any of them)",
                    crate::templates::LOCALES
                        .iter()
                        .map(|(l, _)| *l)
                        .collect::<Vec<_>>()
                        .join(", ")
                )),
        );
    }
}
