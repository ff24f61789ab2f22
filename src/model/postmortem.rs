//! postmortem.yaml: the learning phase.

use super::incident::UsersAffected;
use jiff::Timestamp;
use jiff::civil::Date;
use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Postmortem {
    pub status: PostmortemStatus,
    pub due: Option<Date>,
    pub published_at: Option<Timestamp>,
    #[serde(default)]
    pub authors: Vec<String>,
    pub summary: Option<String>,
    pub impact: Option<PostmortemImpact>,
    pub mitigated_at: Option<Timestamp>,
    #[serde(default)]
    pub timeline: Vec<TimelineEntry>,
    pub trigger: Option<String>,
    #[serde(default)]
    pub root_causes: Vec<String>,
    #[serde(default)]
    pub contributing_factors: Vec<String>,
    pub detection: Option<Detection>,
    pub response: Option<ResponseReview>,
    pub communication: Option<CommunicationReview>,
    #[serde(default)]
    pub action_items: Vec<ActionItem>,
    #[serde(default)]
    pub lessons: Vec<String>,
    pub customer_report: Option<CustomerReport>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostmortemStatus {
    Draft,
    InReview,
    Published,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PostmortemImpact {
    pub summary: Option<String>,
    pub users_affected: Option<UsersAffected>,
    pub scope: Option<String>,
    pub data_loss: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct TimelineEntry {
    pub at: Timestamp,
    pub event: String,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Detection {
    pub how: Option<String>,
    #[serde(default)]
    pub improvements: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResponseReview {
    #[serde(default)]
    pub went_well: Vec<String>,
    #[serde(default)]
    pub went_wrong: Vec<String>,
    #[serde(default)]
    pub got_lucky: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CommunicationReview {
    #[serde(default)]
    pub went_well: Vec<String>,
    #[serde(default)]
    pub to_improve: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ActionItem {
    pub id: String,
    pub title: String,
    #[serde(rename = "type")]
    pub kind: Option<ActionType>,
    pub owner: Option<String>,
    pub due: Option<Date>,
    pub priority: Option<Priority>,
    #[serde(default)]
    pub done: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ActionType {
    Mitigate,
    Prevent,
    Detect,
    Process,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Priority {
    P0,
    P1,
    P2,
    P3,
}

/// The seed's five-part customer report.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CustomerReport {
    pub apology: Option<String>,
    pub what_happened: Option<String>,
    pub root_cause: Option<String>,
    pub fix: Option<String>,
    pub prevention: Option<String>,
    pub revised_at: Option<Timestamp>,
    pub revision_reason: Option<String>,
}
