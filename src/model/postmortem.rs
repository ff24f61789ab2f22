//! postmortem.yaml: the learning phase.

// Each field is described once, in schemas/postmortem.schema.json, which
// editors show.
#![allow(missing_docs)]

use super::exempt::Exemptions;
use super::imported::Imported;
use super::incident::UsersAffected;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::{Deserialize, Serialize};

/// postmortem.yaml (schemas/postmortem.schema.json).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Postmortem {
    pub status: PostmortemStatus,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub published_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub authors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub impact: Option<PostmortemImpact>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub mitigated_at: Option<Timestamp>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub timeline: Vec<TimelineEntry>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub trigger: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub root_causes: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub contributing_factors: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub detection: Option<Detection>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub response: Option<ResponseReview>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub communication: Option<CommunicationReview>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub action_items: Vec<ActionItem>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub lessons: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub customer_report: Option<CustomerReport>,
    #[serde(default, skip_serializing_if = "Exemptions::is_empty")]
    pub exempt: Exemptions,
    /// Brought in by `incident import` (the narrative is the old page's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub imported: Option<Imported>,
}

impl Postmortem {
    /// Empties the analysis, which only the post-mortem itself shows: the
    /// summary, impact, timeline, causes, reviews and lessons.
    pub(crate) fn clear_analysis(&mut self) {
        self.summary = None;
        self.impact = None;
        self.timeline.clear();
        self.trigger = None;
        self.root_causes.clear();
        self.contributing_factors.clear();
        self.detection = None;
        self.response = None;
        self.communication = None;
        self.lessons.clear();
    }
}

/// `status` (postmortem schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostmortemStatus {
    Draft,
    InReview,
    Published,
}

/// `impact` (postmortem schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostmortemImpact {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub summary: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub users_affected: Option<UsersAffected>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data_loss: Option<String>,
}

/// One of `timeline` (postmortem schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    pub at: Timestamp,
    pub event: String,
}

/// `detection` (postmortem schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub how: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub improvements: Vec<String>,
}

/// `response` (postmortem schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseReview {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub went_well: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub went_wrong: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub got_lucky: Vec<String>,
}

/// `communication` (postmortem schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunicationReview {
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub went_well: Vec<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub to_improve: Vec<String>,
}

/// One of `action_items` (postmortem schema).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    #[serde(skip_serializing_if = "Option::is_none")]
    pub kind: Option<ActionType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub owner: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub due: Option<Date>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub priority: Option<Priority>,
    #[serde(default)]
    pub done: bool,
}

impl ActionItem {
    /// Past its due day (in the site's zone) and not done: what validate
    /// warns of, the post-mortem marks and `actions status` flags.
    pub fn overdue_on(&self, today: Date) -> bool {
        !self.done && self.due.is_some_and(|due| today > due)
    }
}

/// `action_items[].type` (postmortem schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionType {
    Mitigate,
    Prevent,
    Detect,
    Process,
}

/// `action_items[].priority` (postmortem schema).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    P0,
    P1,
    P2,
    P3,
}

/// The seed's five-part customer report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerReport {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub apology: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub what_happened: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub root_cause: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub prevention: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revised_at: Option<Timestamp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub revision_reason: Option<String>,
}
