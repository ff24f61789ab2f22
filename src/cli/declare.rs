//! `incident declare --title … --severity …`: a new incident folder, its
//! declaration and its first update, refused when an open incident has the
//! same title.

use super::CliError;
use super::authoring::{self, Common, Session};
use crate::compose::{self, slug};
use crate::model::incident::Roles;
use crate::model::{
    ComponentStatus, Declaration, Repository, Severity, Status, Update, Visibility,
};
use jiff::Timestamp;
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;
use std::process::ExitCode;

const DETECTED_BY: &[&str] = &[
    "alert",
    "monitoring",
    "customer",
    "employee",
    "third_party",
    "other",
];

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Example: incident declare --title \"Checkout fails for EU customers\" --severity sev1 --component website --commander @alice --comms @bob --branch"
)]
pub struct Args {
    /// What customers experience, in one line.
    #[arg(long)]
    title: String,
    /// sev1 (critical) … sev4 (low).
    #[arg(long)]
    severity: String,
    /// Affected component, optionally with its status: checkout or checkout=major_outage.
    /// Without a status: major_outage for sev1, partial_outage for sev2, degraded_performance for sev3/sev4.
    #[arg(long = "component", value_name = "ID[=STATUS]")]
    components: Vec<String>,
    /// Incident commander.
    #[arg(long)]
    commander: Option<String>,
    /// Communications lead.
    #[arg(long)]
    comms: Option<String>,
    /// Investigator (repeatable).
    #[arg(long = "investigator")]
    investigators: Vec<String>,
    /// The first public message (default: we are investigating <title>).
    #[arg(long)]
    message: Option<String>,
    /// Read the public message from FILE (`-`: standard input) instead of --message.
    #[arg(long, value_name = "FILE", conflicts_with = "message")]
    message_file: Option<std::path::PathBuf>,
    /// When the impact began (RFC 3339 or 10:05), if before the declaration.
    #[arg(long, value_name = "TIME")]
    started_at: Option<String>,
    /// When it was noticed (RFC 3339 or 10:05).
    #[arg(long, value_name = "TIME")]
    detected_at: Option<String>,
    /// How it was noticed: alert, monitoring, customer, employee, third_party, other.
    #[arg(long, value_name = "HOW")]
    detected_by: Option<String>,
    /// Who is affected and how.
    #[arg(long)]
    impact: Option<String>,
    /// How many users: a number or an estimate ("~12,000").
    #[arg(long)]
    users_affected: Option<String>,
    /// Keep it off the public status page.
    #[arg(long)]
    internal: bool,
    /// Declare it even though an open incident has the same title.
    #[arg(long)]
    force: bool,
    #[command(flatten)]
    common: Common,
}

pub fn run(start: &Path, args: Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start, None)?;
    let repo = session.repo();
    let severity: Severity = authoring::word("--severity", &args.severity, authoring::SEVERITIES)?;
    if !args.force {
        refuse_duplicate(&session, &args.title)?;
    }
    let at = session.time("--at", args.common.at.as_deref())?;
    let parsed = args
        .components
        .iter()
        .map(|c| authoring::component_arg(c))
        .collect::<Result<Vec<_>, _>>()?;
    refuse_retired(repo, parsed.iter().map(|(c, _)| c.as_str()))?;
    let date = at.strftime("%Y-%m-%d").to_string();
    let id = slug::unique_id(&date, &args.title, |id| {
        session.root.join(crate::paths::incident_dir(id)).exists()
    });
    let declaration = declaration(
        &session,
        &args,
        &id,
        severity,
        at,
        parsed.iter().map(|(c, _)| c.clone()).collect(),
    )?;
    let cadence = repo.config.policy(severity).update_every;
    let next = at.checked_add(cadence.as_signed()).unwrap_or(at);
    let first = first_update(&args, repo, severity, at, next, parsed)?;
    let files = compose::declare(&id, &declaration, &first).map_err(CliError::from)?;
    let commit = format!("incident({id}): declare {severity} \"{}\"", args.title);
    if !session.finish(&args.common, &id, files, &commit)? {
        return Ok(ExitCode::from(1));
    }
    println!();
    println!("declared {id}: {severity:#} {}", args.title);
    println!("war room:    #incident-{id}");
    println!(
        "next update: by {} (every {cadence} for {severity})",
        authoring::local_time(next, repo)
    );
    if !args.common.branch {
        println!(
            "next:        git switch -c incident/{id} && git add incidents/{id} && git commit, then open a pull request (or rerun with --branch)"
        );
    }
    Ok(ExitCode::SUCCESS)
}

/// A retired component is kept so past incidents keep its name; a new
/// incident on it would show on the page a component the page no longer lists.
fn refuse_retired<'a>(
    repo: &Repository,
    ids: impl Iterator<Item = &'a str>,
) -> Result<(), CliError> {
    let components = &repo.config.components;
    for id in ids {
        if components.iter().any(|c| c.id == id && c.retired) {
            let current: Vec<&str> = components
                .iter()
                .filter(|c| !c.retired)
                .map(|c| c.id.as_str())
                .collect();
            return Err(CliError::Usage(format!(
                "--component `{id}` is retired (`retired: true` in {}): it is kept for the history of past incidents, not for new ones; name a current component ({}), or remove `retired: true` if it is back in service",
                crate::repo::CONFIG_FILE,
                current.join(", ")
            )));
        }
    }
    Ok(())
}

/// The declaration: title, severity, components and roles as given, the
/// optional times and how it was detected, and its war room.
fn declaration(
    session: &Session,
    args: &Args,
    id: &str,
    severity: Severity,
    at: Timestamp,
    components: Vec<String>,
) -> Result<Declaration, CliError> {
    let roles = Roles {
        commander: args.commander.clone(),
        communications: args.comms.clone(),
        investigators: args.investigators.clone(),
    };
    let mut declaration =
        compose::new_declaration(args.title.clone(), severity, at, components, roles);
    if args.internal {
        declaration.visibility = Visibility::Internal;
    }
    for (flag, text, field) in [
        (
            "--started-at",
            &args.started_at,
            &mut declaration.started_at,
        ),
        (
            "--detected-at",
            &args.detected_at,
            &mut declaration.detected_at,
        ),
    ] {
        if let Some(text) = text {
            *field = Some(session.time(flag, Some(text))?);
        }
    }
    declaration.detected_by = args
        .detected_by
        .as_deref()
        .map(|d| authoring::word("--detected-by", d, DETECTED_BY))
        .transpose()?;
    declaration.channel = Some(format!("#incident-{id}"));
    Ok(declaration)
}

/// The first update: investigating, with the given or a default message,
/// the title as the impact until told more, and the next update due.
fn first_update(
    args: &Args,
    repo: &Repository,
    severity: Severity,
    at: Timestamp,
    next: Timestamp,
    parsed: Vec<(String, Option<ComponentStatus>)>,
) -> Result<Update, CliError> {
    let components: BTreeMap<_, _> = parsed
        .into_iter()
        .map(|(c, s)| {
            (
                c,
                s.unwrap_or_else(|| compose::default_component_status(severity)),
            )
        })
        .collect();
    let message = authoring::message(args.message.clone(), args.message_file.as_deref())?;
    let message = message.unwrap_or_else(|| {
        format!(
            "We are investigating: {}. Next update by {}.",
            args.title,
            authoring::local_time(next, repo)
        )
    });
    Ok(Update {
        at,
        status: Status::Investigating,
        message: Some(message),
        message_translations: Default::default(),
        internal_note: None,
        // The title is what customers experience: the impact until told more.
        impact: compose::impact(
            args.impact.clone().or_else(|| Some(args.title.clone())),
            args.users_affected.clone(),
            None,
        ),
        severity: None,
        components: components.into(),
        next_update_at: Some(next),
        author: authoring::author(args.common.author.clone()),
        reopen: false,
        decision: None,
        exempt: Default::default(),
    })
}

/// The same title as an open incident is most often the same incident,
/// declared again by a second responder: point them to it. The same words
/// make the same title, whatever their case and the punctuation and spaces
/// between them ("search is slow!" typed at 3 a.m.). Its id is the date it
/// was declared and the slug of that title (`-2`, … when taken), so only
/// the folders named so are read.
fn refuse_duplicate(session: &Session, title: &str) -> Result<(), CliError> {
    let words = |t: &str| {
        t.split(|c: char| !c.is_alphanumeric())
            .filter(|w| !w.is_empty())
            .collect::<Vec<_>>()
            .join(" ")
            .to_lowercase()
    };
    let slug = slug::slugify(title);
    let named: BTreeSet<String> = session
        .ids
        .iter()
        .filter(|id| may_be_titled(id, &slug))
        .cloned()
        .collect();
    let candidates = session.read(named)?;
    let Some(open) = candidates
        .iter()
        .find(|i| i.current().resolved_at.is_none() && words(&i.declaration.title) == words(title))
    else {
        return Ok(());
    };
    let repo = session.repo();
    Err(CliError::Refused(format!(
        "{} is open with the same title, \"{}\" (declared {}): post to it with `incident update {} --message …`, or declare a separate incident with --force",
        open.id,
        open.declaration.title,
        authoring::local_time(open.declaration.declared_at, repo),
        open.id
    )))
}

/// Whether `id` is `<anything>-<slug>`, or that with `-<n>`.
fn may_be_titled(id: &str, slug: &str) -> bool {
    let numbered = id
        .rsplit_once('-')
        .filter(|(_, n)| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
        .map(|(base, _)| base);
    std::iter::once(id).chain(numbered).any(|name| {
        name.strip_suffix(slug)
            .is_some_and(|head| head.ends_with('-'))
    })
}

#[cfg(test)]
mod tests {
    use super::may_be_titled;

    #[test]
    fn an_id_may_be_titled_by_its_slug_with_or_without_a_number() {
        assert!(may_be_titled("2026-11-26-api-down", "api-down"));
        assert!(may_be_titled("2026-11-26-api-down-3", "api-down"));
        assert!(may_be_titled("2026-11-26-api-down-2", "api-down-2"));
        assert!(!may_be_titled("2026-11-26-api-down-2", "down-3"));
        assert!(!may_be_titled("2026-11-26-search-api-down", "search"));
        assert!(!may_be_titled("2026-11-26-xapi-down", "api-down"));
    }
}
