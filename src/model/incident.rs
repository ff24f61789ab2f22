//! An incident: its declaration, its updates in time order, its post-mortem.

// Each field is described once, in schemas/incident.schema.json and
// schemas/update.schema.json, which editors show.
#![allow(missing_docs)]

use super::amend::Amendments;
use super::changes::Changes;
use super::exempt::Exemptions;
use super::facts::View;
use super::imported::Imported;
use super::postmortem::Postmortem;
use super::vocab::{Kind, Severity, Status, Visibility};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// incident.yaml: what is true from the moment the incident is declared.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub title: String,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub visibility: Visibility,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    pub declared_at: Timestamp,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub started_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detected_by: Option<DetectedBy>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_for: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scheduled_until: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub components: Vec<String>,
    #[serde(default)]
    pub roles: Roles,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(default, skip_serializing_if = "Exemptions::is_empty")]
    pub exempt: Exemptions,
    /// Brought in by `incident import`: the practice rules spare its history.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported: Option<Imported>,
}

/// `detected_by` (incident schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectedBy {
    Alert,
    Monitoring,
    Customer,
    Employee,
    ThirdParty,
    Other,
}

/// `roles` (incident schema).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub commander: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communications: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub investigators: Vec<String>,
}

/// One update file: what changed at `at`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    pub at: Timestamp,
    pub status: Status,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// The public message in other languages (language → Markdown), for
    /// the page's other language trees.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub message_translations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_note: Option<String>,
    /// Boxed, as `decision`: few updates have one, and a build holds every
    /// update of every incident.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<Box<UpdateImpact>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default, skip_serializing_if = "Changes::is_empty")]
    pub components: Changes,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next_update_at: Option<Timestamp>,
    pub author: String,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub reopen: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub decision: Option<Box<Decision>>,
    #[serde(default, skip_serializing_if = "Exemptions::is_empty")]
    pub exempt: Exemptions,
}

impl Update {
    /// An update without a public message is an internal log entry.
    pub fn is_public(&self) -> bool {
        self.message.is_some()
    }

    /// Whether `other` differs from this update in its exemptions alone:
    /// the team's reasons for a rule, added at the review, publish nothing.
    pub fn same_but_exemptions(&self, other: &Update) -> bool {
        let bare = |u: &Update| Update {
            exempt: Exemptions::default(),
            ..u.clone()
        };
        self.exempt != other.exempt && bare(self) == bare(other)
    }
}

/// `impact` of an update (update schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateImpact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users_affected: Option<UsersAffected>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
}

/// A count or an estimate as responders say it ("~12,000", "all EU customers").
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(untagged)]
pub enum UsersAffected {
    Count(u64),
    Estimate(String),
}

/// `decision` of an internal entry (update schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub question: Option<String>,
    pub options: Vec<DecisionOption>,
    pub chosen: String,
    pub rationale: String,
}

/// One of `decision.options` (update schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionOption {
    pub id: String,
    pub summary: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub time_to_restore: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub risk: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_loss: Option<String>,
}

/// The whole incident. `id` is the folder name; `updates` are in time order.
#[derive(Debug, Clone)]
pub struct Incident {
    pub id: String,
    pub declaration: Declaration,
    pub updates: Vec<Update>,
    /// Boxed: most incidents have none, and a build holds every incident.
    pub postmortem: Option<Box<Postmortem>>,
    /// Corrections and redactions of its published updates.
    pub amendments: Amendments,
}

impl Incident {
    /// The war-room channel: declared, or `#incident-<id>` as the seed names it.
    pub fn channel(&self) -> String {
        self.declaration
            .channel
            .clone()
            .unwrap_or_else(|| format!("#incident-{}", self.id))
    }

    /// Whether the declaration puts it on the status page.
    pub fn is_public(&self) -> bool {
        self.declaration.visibility == Visibility::Public
    }

    /// The times the entries `view` sees record as past, which outputs as
    /// of a time count when they are not later: the declaration, each
    /// update and its corrections (`Amendments::corrections_of`), and the
    /// post-mortem's publication. Nothing of an internal incident or entry
    /// for `View::Public`.
    pub fn recorded_times(&self, view: View) -> impl Iterator<Item = jiff::Timestamp> + '_ {
        let seen = view == View::Internal || self.is_public();
        let updates = self.updates.iter().filter(move |u| view.sees(u));
        let corrected = |u| self.amendments.corrections_of(u).map(|c| c.at);
        std::iter::once(self.declaration.declared_at)
            .chain(updates.clone().map(|u| u.at))
            .chain(updates.flat_map(corrected))
            .chain(self.postmortem.iter().filter_map(|pm| pm.published_at))
            .filter(move |_| seen)
    }
}
