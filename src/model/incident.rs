//! An incident: its declaration, its updates in time order, its post-mortem.

use super::postmortem::Postmortem;
use super::vocab::{ComponentStatus, Kind, Severity, Status, Visibility};
use jiff::Timestamp;
use serde::Deserialize;
use std::collections::BTreeMap;

/// incident.yaml: what is true from the moment the incident is declared.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Declaration {
    pub title: String,
    #[serde(default)]
    pub kind: Kind,
    #[serde(default)]
    pub visibility: Visibility,
    pub severity: Option<Severity>,
    pub declared_at: Timestamp,
    pub started_at: Option<Timestamp>,
    pub detected_at: Option<Timestamp>,
    pub detected_by: Option<DetectedBy>,
    pub scheduled_for: Option<Timestamp>,
    pub scheduled_until: Option<Timestamp>,
    #[serde(default)]
    pub components: Vec<String>,
    #[serde(default)]
    pub roles: Roles,
    pub channel: Option<String>,
    pub summary: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DetectedBy {
    Alert,
    Monitoring,
    Customer,
    Employee,
    ThirdParty,
    Other,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Roles {
    pub commander: Option<String>,
    pub communications: Option<String>,
    #[serde(default)]
    pub investigators: Vec<String>,
}

/// One update file: what changed at `at`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Update {
    pub at: Timestamp,
    pub status: Status,
    pub message: Option<String>,
    pub internal_note: Option<String>,
    pub impact: Option<UpdateImpact>,
    pub severity: Option<Severity>,
    #[serde(default)]
    pub components: BTreeMap<String, ComponentStatus>,
    pub next_update_at: Option<Timestamp>,
    pub author: String,
    #[serde(default)]
    pub reopen: bool,
    pub decision: Option<Decision>,
}

impl Update {
    /// An update without a public message is an internal log entry.
    pub fn is_public(&self) -> bool {
        self.message.is_some()
    }
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UpdateImpact {
    pub summary: Option<String>,
    pub users_affected: Option<UsersAffected>,
    pub scope: Option<String>,
}

/// A count or an estimate as responders say it ("~12,000", "all EU customers").
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(untagged)]
pub enum UsersAffected {
    Count(u64),
    Estimate(String),
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    pub question: Option<String>,
    pub options: Vec<DecisionOption>,
    pub chosen: String,
    pub rationale: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionOption {
    pub id: String,
    pub summary: String,
    pub time_to_restore: Option<String>,
    pub risk: Option<String>,
    pub data_loss: Option<String>,
}

/// The whole incident. `id` is the folder name; `updates` are in time order.
#[derive(Debug, Clone)]
pub struct Incident {
    pub id: String,
    pub declaration: Declaration,
    pub updates: Vec<Update>,
    pub postmortem: Option<Postmortem>,
}

impl Incident {
    /// The war-room channel: declared, or `#incident-<id>` as the seed names it.
    pub fn channel(&self) -> String {
        self.declaration
            .channel
            .clone()
            .unwrap_or_else(|| format!("#incident-{}", self.id))
    }

    pub fn is_public(&self) -> bool {
        self.declaration.visibility == Visibility::Public
    }
}
