//! From post-mortems to the issues their action items should have, and
//! from GitHub's issues back to the action items they track.
//!
//! An issue is tied to its item by a key, `<incident-id>/<item-id>`, on the
//! body's first line as a hidden marker and on its second as visible text
//! (some tools strip HTML comments). Both lines are written here, not by the
//! template, and only those two lines are read: text people wrote goes into
//! the body escaped and on lines of its own, so it can neither forge a key
//! nor break the body's table.

use super::plan::{Desired, Existing};
use super::{GithubError, Repo};
use crate::model::postmortem::{ActionItem, PostmortemStatus};
use crate::model::{Incident, Repository, Severity, Visibility};
use crate::templates::{TemplateError, Templates};
use crate::text::{markdown_inline, no_mentions, one_line, safe_url};
use octocrab::models::issues::Issue;
use serde::Serialize;
use std::collections::BTreeSet;

pub const DEFAULT_LABEL: &str = "incident-action";
const TYPES: [&str; 4] = ["mitigate", "prevent", "detect", "process"];
/// GitHub refuses longer titles.
const MAX_TITLE: usize = 256;

/// Where the issues go and what links they carry.
pub struct Target {
    pub repo: Repo,
    pub label: String,
    /// The web server, e.g. https://github.com (GITHUB_SERVER_URL).
    pub server: String,
    /// The incident repository's folder inside its git repository
    /// (`examples/acme/`), for links to the post-mortem file.
    pub prefix: String,
}

/// One action item with its incident.
pub struct Item<'a> {
    pub incident: &'a Incident,
    pub item: &'a ActionItem,
}

impl Item<'_> {
    pub fn key(&self) -> String {
        format!("{}/{}", self.incident.id, self.item.id)
    }
}

/// Every action item of every post-mortem (drafts only when asked), in
/// incident order.
pub fn items(repo: &Repository, include_drafts: bool) -> Vec<Item<'_>> {
    items_where(repo, |draft| include_drafts || !draft)
}

/// The keys of the items `items` leaves out: those of draft post-mortems.
/// Their issues are held as they are, never taken for orphans: a
/// post-mortem going back to draft has not dropped its items.
pub fn held(repo: &Repository, include_drafts: bool) -> BTreeSet<String> {
    if include_drafts {
        return BTreeSet::new();
    }
    items_where(repo, |draft| draft)
        .iter()
        .map(Item::key)
        .collect()
}

/// The items of the post-mortems `keep` takes (told whether one is a draft).
fn items_where(repo: &Repository, keep: impl Fn(bool) -> bool) -> Vec<Item<'_>> {
    repo.incidents
        .iter()
        .filter_map(|incident| Some((incident, incident.postmortem.as_ref()?)))
        .filter(|(_, pm)| keep(pm.status == PostmortemStatus::Draft))
        .flat_map(|(incident, pm)| {
            pm.action_items
                .iter()
                .map(move |item| Item { incident, item })
        })
        .collect()
}

pub fn marker(key: &str) -> String {
    format!("<!-- incidentkit:action {key} -->")
}

fn visible_key(key: &str) -> String {
    format!("*Action item `{key}`, kept in sync by incidentkit from its post-mortem.*")
}

/// The key of an issue incidentkit wrote: from the marker on the first
/// line, or the visible key on the first line when a tool stripped the
/// comment. Nothing further down the body counts.
pub fn key_of(body: &str) -> Option<String> {
    // A tool that strips the comment may leave its line empty.
    let mut lines = body.trim_start_matches('\u{feff}').trim_start().lines();
    let first = lines.next()?.trim();
    let key = first
        .strip_prefix("<!-- incidentkit:action ")
        .and_then(|rest| rest.strip_suffix(" -->"))
        .or_else(|| {
            first
                .strip_prefix("*Action item `")
                .and_then(|rest| rest.split_once('`'))
                .map(|(key, _)| key)
        })?;
    is_key(key).then(|| key.to_string())
}

/// `<incident-id>/<item-id>` as the schemas allow them.
fn is_key(key: &str) -> bool {
    let Some((incident, item)) = key.split_once('/') else {
        return false;
    };
    let incident_ok = incident.starts_with(|c: char| c.is_ascii_alphanumeric())
        && incident
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
    let item_ok = item.starts_with(|c: char| c.is_ascii_alphanumeric())
        && item
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
    incident_ok && item_ok
}

/// Whether incidentkit sets this label (it replaces those, keeps others).
pub fn is_managed_label(base: &str, label: &str) -> bool {
    let label = label.to_lowercase();
    label == base.to_lowercase()
        || Severity::ALL.iter().any(|s| s.as_str() == label)
        || TYPES.contains(&label.as_str())
}

/// A GitHub login from an owner such as `@carol` (not a team, not a name).
pub fn github_handle(owner: &str) -> Option<String> {
    let login = owner.trim().strip_prefix('@')?;
    let ok = (1..=39).contains(&login.len())
        && !login.starts_with('-')
        && !login.ends_with('-')
        && !login.contains("--")
        && login.chars().all(|c| c.is_ascii_alphanumeric() || c == '-');
    ok.then(|| login.to_string())
}

#[derive(Serialize)]
struct IncidentCtx {
    id: String,
    title: String,
    severity: String,
    page: Option<String>,
}

#[derive(Serialize)]
struct ItemCtx {
    id: String,
    title: String,
    r#type: String,
    owner: String,
    due: String,
    priority: String,
    done: bool,
}

#[derive(Serialize)]
struct IssueCtx {
    key: String,
    incident: IncidentCtx,
    item: ItemCtx,
    postmortem_url: String,
}

/// Text people wrote, for the issue body: Markdown that shows it as written
/// and notifies no one it names (an `@org/team` in a title would ping the
/// whole team). The owner is assigned instead, when it is a handle.
fn inline(text: &str) -> String {
    no_mentions(&markdown_inline(text))
}

/// The issue each item should have. Every text people wrote reaches the
/// template already escaped (see `inline`), so templates need no care.
pub fn desired(
    repo: &Repository,
    items: &[Item<'_>],
    target: &Target,
    templates: &Templates,
) -> Result<Vec<Desired>, TemplateError> {
    items
        .iter()
        .map(|it| desired_issue(repo, it, target, templates))
        .collect()
}

/// The issue one item should have.
fn desired_issue(
    repo: &Repository,
    it: &Item<'_>,
    target: &Target,
    templates: &Templates,
) -> Result<Desired, TemplateError> {
    let (incident, item) = (it.incident, it.item);
    let key = it.key();
    let severity = incident.internal_facts().peak_severity;
    let context = IssueCtx {
        key: key.clone(),
        incident: incident_ctx(repo, incident, severity),
        item: item_ctx(item),
        postmortem_url: postmortem_url(target, incident),
    };
    let rendered = templates.render(
        "github/issue.md",
        minijinja::Value::from(minijinja::value::Serde(&context)),
    )?;
    let mut labels = vec![target.label.clone()];
    labels.extend(severity.map(|s| s.as_str().to_string()));
    labels.extend(item.kind.map(|k| type_name(k).to_string()));
    labels.sort();
    labels.dedup();
    Ok(Desired {
        title: title(&incident.id, &item.id, &item.title),
        body: format!(
            "{}\n{}\n\n{}\n",
            marker(&key),
            visible_key(&key),
            rendered.trim()
        ),
        key,
        labels,
        assignee: item.owner.as_deref().and_then(github_handle),
        done: item.done,
    })
}

/// The incident as the issue template sees it; `page` only for a public
/// incident of a site with a URL.
fn incident_ctx(repo: &Repository, incident: &Incident, severity: Option<Severity>) -> IncidentCtx {
    let page = repo
        .config
        .site
        .url
        .as_deref()
        .filter(|_| incident.declaration.visibility == Visibility::Public)
        .and_then(|url| {
            safe_url(&crate::paths::site_link(
                Some(url),
                &crate::paths::incident_page(&incident.id),
            ))
        });
    IncidentCtx {
        id: incident.id.clone(),
        title: inline(&incident.declaration.title),
        severity: severity.map_or_else(
            || "not set".to_string(),
            |s| format!("{s:#} ({})", inline(&repo.config.policy(s).label)),
        ),
        page,
    }
}

/// The action item as the issue template sees it.
fn item_ctx(item: &ActionItem) -> ItemCtx {
    ItemCtx {
        id: item.id.clone(),
        title: inline(&item.title),
        r#type: item.kind.map_or("not set", type_name).to_string(),
        owner: item
            .owner
            .as_deref()
            .map_or_else(|| "not set".to_string(), inline),
        due: item
            .due
            .map_or_else(|| "not set".to_string(), |d| d.to_string()),
        priority: item.priority.map_or_else(
            || "not set".to_string(),
            |p| format!("{p:?}").to_lowercase(),
        ),
        done: item.done,
    }
}

/// The incident's post-mortem file on the target's server (empty when that
/// is no safe URL).
fn postmortem_url(target: &Target, incident: &Incident) -> String {
    safe_url(&format!(
        "{}/{}/blob/HEAD/{}{}",
        target.server.trim_end_matches('/'),
        target.repo,
        target.prefix,
        crate::paths::postmortem(&incident.id)
    ))
    .unwrap_or_default()
}

fn type_name(kind: crate::model::postmortem::ActionType) -> &'static str {
    use crate::model::postmortem::ActionType;
    match kind {
        ActionType::Mitigate => "mitigate",
        ActionType::Prevent => "prevent",
        ActionType::Detect => "detect",
        ActionType::Process => "process",
    }
}

/// `AI-1: Canary payments config changes (2026-11-26-checkout-502s)`:
/// one line, no control characters, no mention, within GitHub's limit.
pub fn title(incident: &str, item: &str, text: &str) -> String {
    let suffix = format!(" ({incident})");
    let head = format!("{item}: ");
    let room = MAX_TITLE.saturating_sub(head.chars().count() + suffix.chars().count());
    let text = crate::text::cut(&no_mentions(&one_line(text)), room);
    format!("{head}{text}{suffix}")
}

/// An issue as the plan needs it; `None` for pull requests (the issues
/// list holds them too).
pub fn existing(issue: &Issue) -> Option<Existing> {
    if issue.pull_request.is_some() {
        return None;
    }
    let body = issue.body.clone().unwrap_or_default();
    Some(Existing {
        number: issue.number,
        key: key_of(&body),
        title: issue.title.clone(),
        body,
        labels: issue.labels.iter().map(|l| l.name.clone()).collect(),
        assignees: issue.assignees.iter().map(|a| a.login.clone()).collect(),
        open: matches!(issue.state, octocrab::models::IssueState::Open),
        state_reason: issue
            .state_reason
            .as_ref()
            .and_then(|r| serde_json::to_value(r).ok())
            .and_then(|v| v.as_str().map(str::to_string)),
    })
}

/// Every issue under the base label, open and closed (`since`: only those
/// updated at or after it). The issues list, not the search API: search's
/// index lags, and a lagging index makes duplicates.
pub fn list(
    client: &mut super::Client,
    target: &Target,
    since: Option<&str>,
) -> Result<Vec<Existing>, GithubError> {
    let mut path = target.repo.path(&format!(
        "/issues?labels={}&state=all&sort=created&direction=asc",
        super::query_value(&target.label)
    ));
    if let Some(since) = since {
        path.push_str(&format!("&since={}", super::query_value(since)));
    }
    let issues: Vec<Issue> = client.list(&path)?;
    Ok(issues.iter().filter_map(existing).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_key_comes_only_from_the_first_line() {
        let key = "2026-11-26-checkout-502s/AI-1";
        let body = format!("{}\n{}\n\nrest", marker(key), visible_key(key));
        assert_eq!(key_of(&body).as_deref(), Some(key));
        // A tool that strips HTML comments leaves the visible key first.
        assert_eq!(
            key_of(&format!("{}\n\nrest", visible_key(key))).as_deref(),
            Some(key)
        );
        // … or an empty line before it.
        assert_eq!(
            key_of(&format!("\r\n{}\n\nrest", visible_key(key))).as_deref(),
            Some(key)
        );
        // A marker further down (people's text, a quote) is not a key.
        assert_eq!(key_of(&format!("hello\n{}", marker(key))), None);
        assert_eq!(key_of("<!-- incidentkit:action ../../x -->"), None);
        assert_eq!(key_of("<!-- incidentkit:action a/b c -->"), None);
    }

    #[test]
    fn people_text_cannot_become_markup() {
        let hostile = "x <!-- incidentkit:action other/x --> | cell\n# head {{ 7*7 }} [a](b)";
        let safe = inline(hostile);
        assert!(!safe.contains("<!--"), "{safe}");
        assert!(!safe.contains('\n'), "{safe}");
        assert!(safe.contains("\\|"), "{safe}");
        // Template syntax is text: values are never evaluated.
        assert!(safe.contains("{{ 7\\*7 }}"), "{safe}");
        assert_eq!(one_line("a\u{1b}[31mred\n\tb"), "a [31mred b");
    }

    #[test]
    fn titles_fit_githubs_limit() {
        let long = "x".repeat(400);
        let t = title("2026-11-26-checkout-502s", "AI-1", &long);
        assert_eq!(t.chars().count(), MAX_TITLE);
        assert!(t.ends_with("… (2026-11-26-checkout-502s)"), "{t}");
        assert_eq!(title("i", "AI-1", "Fix\nit"), "AI-1: Fix it (i)");
    }

    #[test]
    fn only_handles_are_assigned() {
        assert_eq!(github_handle("@carol").as_deref(), Some("carol"));
        assert_eq!(github_handle("@priya-nair").as_deref(), Some("priya-nair"));
        for not in ["carol", "@acme/sre", "Carol Smith", "@-x", "@a--b", "@"] {
            assert_eq!(github_handle(not), None, "{not}");
        }
    }

    #[test]
    fn urls_cannot_end_a_link_early() {
        assert_eq!(
            safe_url("https://x.example/a (b)").as_deref(),
            Some("https://x.example/a%20%28b%29")
        );
        assert_eq!(safe_url("javascript:alert(1)"), None);
    }
}
