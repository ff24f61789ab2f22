//! incidentkit.yaml: the site, its components and the severity policy.

// Each field is described once, in schemas/config.schema.json, which
// editors show.
#![allow(missing_docs)]

use super::duration::Duration;
use super::vocab::{Impact, PostmortemRequirement, Severity};
use serde::Deserialize;
use std::collections::BTreeMap;

/// incidentkit.yaml as a whole (schemas/config.schema.json).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Config {
    pub site: Site,
    #[serde(default)]
    pub groups: Vec<Group>,
    pub components: Vec<Component>,
    #[serde(default)]
    pub severity_policy: PolicyOverrides,
    pub github: Option<GithubTarget>,
    /// Who may have an append-only pull request merged without review.
    pub fast_lane: Option<FastLane>,
    /// Rule id → level, as in clippy: the team's choice over the defaults.
    #[serde(default)]
    pub rules: BTreeMap<String, RuleLevel>,
    #[serde(default)]
    pub language: Language,
    /// Where `incident notify` delivers stakeholder updates.
    #[serde(default)]
    pub notify: Vec<NotifyTarget>,
}

/// A rule's level under `rules:` (config schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLevel {
    Deny,
    Warn,
    Allow,
}

/// Additions to the built-in word lists of the text rules.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Language {
    #[serde(default)]
    pub blame: Vec<String>,
    #[serde(default)]
    pub vague: Vec<String>,
    #[serde(default)]
    pub jargon: Vec<String>,
    pub reading_ease: Option<f64>,
}

/// `site:` (config schema): the status page's name, address, zone and languages.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Site {
    pub name: String,
    pub url: Option<String>,
    pub timezone: Option<String>,
    pub description: Option<String>,
    /// A mailing-list or chat invite link for the page's "Subscribe" section.
    pub subscribe: Option<Subscribe>,
    /// The language of the page's words and dates (default en).
    pub language: Option<String>,
    /// Every language to build the page in: the first tree is `language`,
    /// each other one is built under `/<lang>/`.
    #[serde(default)]
    pub languages: Vec<String>,
}

impl Site {
    /// The page's language, `en` when unset.
    pub fn language(&self) -> &str {
        self.language.as_deref().unwrap_or("en")
    }

    /// The page's language first, then every other configured one.
    pub fn languages(&self) -> Vec<&str> {
        let main = self.language();
        std::iter::once(main)
            .chain(
                self.languages
                    .iter()
                    .map(String::as_str)
                    .filter(|l| *l != main),
            )
            .collect()
    }
}

/// `site.subscribe` (config schema).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Subscribe {
    pub url: String,
    pub label: Option<String>,
}

/// One place `incident notify` delivers to. Secrets (webhook URLs, the
/// signing secret, the SMTP URL) are never written here: only the names of
/// the environment variables that hold them.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NotifyTarget {
    pub name: String,
    #[serde(rename = "type")]
    pub kind: TargetKind,
    pub audience: TargetAudience,
    /// slack, teams, discord, webhook: the variable holding the URL.
    pub url_env: Option<String>,
    /// webhook: the variable holding the HMAC-SHA256 signing secret.
    pub secret_env: Option<String>,
    /// email: the variable holding the SMTP URL.
    pub smtp_url_env: Option<String>,
    #[serde(default)]
    pub to: Vec<String>,
    pub from: Option<String>,
    /// email and webhook: where a subscriber unsubscribes (a URL or mailto:).
    pub unsubscribe: Option<String>,
    /// Only incidents at these severities (maintenance has none: use kinds).
    #[serde(default)]
    pub severities: Vec<Severity>,
    /// Only incidents touching one of these components.
    #[serde(default)]
    pub components: Vec<String>,
    /// Only these kinds (incident, maintenance).
    #[serde(default)]
    pub kinds: Vec<super::vocab::Kind>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Deserialize,
    serde::Serialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum TargetKind {
    Slack,
    Teams,
    Discord,
    Webhook,
    Email,
}

impl TargetKind {
    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `notify[].audience` (config schema): which view the target reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum TargetAudience {
    Internal,
    External,
}

/// One entry of `groups:` (config schema).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
}

/// One entry of `components:` (config schema).
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Component {
    pub id: String,
    pub name: String,
    pub description: Option<String>,
    pub group: Option<String>,
    /// The day the component went live (site time zone): uptime counts
    /// from it; earlier days show "no data".
    pub since: Option<jiff::civil::Date>,
    /// No longer on the page; kept because history names it.
    #[serde(default)]
    pub retired: bool,
}

/// `fast_lane:` in incidentkit.yaml (see `github::fast_lane`).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FastLane {
    /// GitHub handles (`@alice`) whose append-only pull requests merge.
    #[serde(default)]
    pub responders: Vec<String>,
    /// Teams (`org/team-slug`) whose members' pull requests merge.
    #[serde(default)]
    pub teams: Vec<String>,
    /// The check run that must be green on the head commit.
    pub check: Option<String>,
    pub merge_method: Option<MergeMethod>,
}

/// `fast_lane.merge_method` (config schema).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, serde::Serialize)]
#[serde(rename_all = "lowercase")]
pub enum MergeMethod {
    #[default]
    Squash,
    Merge,
    Rebase,
}

/// `github:` (config schema): where action items become issues.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GithubTarget {
    pub repo: Option<String>,
    pub label: Option<String>,
}

/// `severity_policy:` (config schema): per severity, what differs from the defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverrides {
    pub sev1: Option<PolicyOverride>,
    pub sev2: Option<PolicyOverride>,
    pub sev3: Option<PolicyOverride>,
    pub sev4: Option<PolicyOverride>,
}

/// Only the fields a team sets; the rest come from the seed's defaults.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PolicyOverride {
    pub label: Option<String>,
    pub update_every: Option<Duration>,
    pub postmortem: Option<PostmortemRequirement>,
    pub postmortem_due: Option<Duration>,
    pub impact: Option<Impact>,
}

/// The policy in force for one severity.
#[derive(Debug, Clone, PartialEq)]
pub struct Policy {
    pub label: String,
    pub update_every: Duration,
    pub postmortem: PostmortemRequirement,
    pub postmortem_due: Option<Duration>,
    pub impact: Impact,
}

impl Policy {
    /// The seed's table: cadence, post-mortem and status-page impact per severity.
    pub fn default_for(severity: Severity) -> Self {
        let (label, every, postmortem, due, impact) = match severity {
            Severity::Sev1 => (
                "Critical",
                Duration::minutes(15),
                PostmortemRequirement::RequiredWithReport,
                Some(Duration::days(3)),
                Impact::Critical,
            ),
            Severity::Sev2 => (
                "High",
                Duration::hours(1),
                PostmortemRequirement::Required,
                Some(Duration::days(5)),
                Impact::Major,
            ),
            Severity::Sev3 => (
                "Medium",
                Duration::hours(4),
                PostmortemRequirement::Optional,
                None,
                Impact::Minor,
            ),
            Severity::Sev4 => (
                "Low",
                Duration::hours(24),
                PostmortemRequirement::None,
                None,
                Impact::None,
            ),
        };
        Self {
            label: label.to_string(),
            update_every: every,
            postmortem,
            postmortem_due: due,
            impact,
        }
    }
}

impl Config {
    /// The policy for `severity`: the defaults with `severity_policy` over them.
    pub fn policy(&self, severity: Severity) -> Policy {
        let mut policy = Policy::default_for(severity);
        let o = &self.severity_policy;
        let overrides = match severity {
            Severity::Sev1 => &o.sev1,
            Severity::Sev2 => &o.sev2,
            Severity::Sev3 => &o.sev3,
            Severity::Sev4 => &o.sev4,
        };
        if let Some(o) = overrides {
            if let Some(label) = &o.label {
                policy.label.clone_from(label);
            }
            policy.update_every = o.update_every.unwrap_or(policy.update_every);
            policy.postmortem = o.postmortem.unwrap_or(policy.postmortem);
            policy.postmortem_due = o.postmortem_due.or(policy.postmortem_due);
            policy.impact = o.impact.unwrap_or(policy.impact);
        }
        policy
    }

    /// The component with id `id`.
    pub fn component(&self, id: &str) -> Option<&Component> {
        self.components.iter().find(|c| c.id == id)
    }

    /// The components on the page in group `group` (none when no group has
    /// that id), in configuration order.
    pub fn members<'c>(&'c self, group: &'c str) -> impl Iterator<Item = &'c Component> + 'c {
        (self.components.iter()).filter(move |c| !c.retired && c.group.as_deref() == Some(group))
    }

    /// The IANA name of the site's time zone, `UTC` when unset.
    pub fn timezone_name(&self) -> &str {
        self.site.timezone.as_deref().unwrap_or("UTC")
    }

    /// The site's time zone; UTC when unset or unknown (validate reports that).
    pub fn timezone(&self) -> jiff::tz::TimeZone {
        jiff::tz::db()
            .get(self.timezone_name())
            .unwrap_or(jiff::tz::TimeZone::UTC)
    }
}
