//! The words of the practice: severities, statuses, visibility. Statuspage's
//! words where Statuspage has one, so its consumers read our output unchanged.

// Each word is described once, in the schemas (schemas/*.schema.json),
// which editors show.
#![allow(missing_docs)]

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Severity {
    Sev1,
    Sev2,
    Sev3,
    Sev4,
}

impl Severity {
    pub const ALL: [Severity; 4] = [Self::Sev1, Self::Sev2, Self::Sev3, Self::Sev4];

    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

/// `{}`: "sev1", as files and labels write it; `{:#}`: "SEV-1", as people
/// write it in chat and messages.
impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if f.alternate() {
            write!(f, "SEV-{}", &self.as_str()[3..])
        } else {
            f.write_str(self.as_str())
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    #[default]
    Incident,
    Maintenance,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Visibility {
    #[default]
    Public,
    Internal,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum Status {
    Investigating,
    Identified,
    Monitoring,
    Resolved,
    Scheduled,
    InProgress,
    Verifying,
    Completed,
    /// A maintenance called off: final, and its window never happens.
    Cancelled,
}

impl Status {
    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// The kind of incident whose vocabulary this status belongs to.
    pub fn kind(self) -> Kind {
        match self {
            Self::Investigating | Self::Identified | Self::Monitoring | Self::Resolved => {
                Kind::Incident
            }
            _ => Kind::Maintenance,
        }
    }

    /// Resolved (incident), completed or cancelled (maintenance): the
    /// response is over.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Resolved | Self::Completed | Self::Cancelled)
    }

    pub fn vocabulary(kind: Kind) -> &'static [&'static str] {
        match kind {
            Kind::Incident => &["investigating", "identified", "monitoring", "resolved"],
            Kind::Maintenance => &[
                "scheduled",
                "in_progress",
                "verifying",
                "completed",
                "cancelled",
            ],
        }
    }
}

impl fmt::Display for Status {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Ordered from best to worst, so `max` is the worst status.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "snake_case")]
#[strum(serialize_all = "snake_case")]
pub enum ComponentStatus {
    Operational,
    UnderMaintenance,
    DegradedPerformance,
    PartialOutage,
    MajorOutage,
}

impl ComponentStatus {
    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}

impl fmt::Display for ComponentStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Status-page impact of a severity (Statuspage's indicator words).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Impact {
    None,
    Minor,
    Major,
    Critical,
}

/// Statuspage's indicator of a page or an incident, ordered from best to
/// worst so `max` is the worst: an outage outranks maintenance.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Hash,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum Indicator {
    None,
    Maintenance,
    Minor,
    Major,
    Critical,
}

impl Indicator {
    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }

    /// Statuspage's words for the page indicator.
    pub fn description(self) -> &'static str {
        match self {
            Self::Critical => "Major System Outage",
            Self::Major => "Partial System Outage",
            Self::Minor => "Minor Service Outage",
            Self::Maintenance => "Service Under Maintenance",
            Self::None => "All Systems Operational",
        }
    }
}

impl From<Impact> for Indicator {
    fn from(impact: Impact) -> Self {
        match impact {
            Impact::None => Self::None,
            Impact::Minor => Self::Minor,
            Impact::Major => Self::Major,
            Impact::Critical => Self::Critical,
        }
    }
}

impl From<ComponentStatus> for Indicator {
    fn from(status: ComponentStatus) -> Self {
        match status {
            ComponentStatus::Operational => Self::None,
            ComponentStatus::UnderMaintenance => Self::Maintenance,
            ComponentStatus::DegradedPerformance => Self::Minor,
            ComponentStatus::PartialOutage => Self::Major,
            ComponentStatus::MajorOutage => Self::Critical,
        }
    }
}

/// What the severity policy asks of the learning phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PostmortemRequirement {
    RequiredWithReport,
    Required,
    Optional,
    None,
}

impl PostmortemRequirement {
    pub fn is_required(self) -> bool {
        matches!(self, Self::RequiredWithReport | Self::Required)
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;
    use strum::VariantArray;

    /// `as_str` (strum) and serde must write every variant the same way.
    fn agree<T: Serialize + VariantArray + Copy + Into<&'static str> + std::fmt::Debug>() {
        for v in T::VARIANTS {
            let word: &'static str = (*v).into();
            assert_eq!(serde_json::to_value(v).unwrap(), word, "{v:?}");
        }
    }

    #[test]
    fn strum_and_serde_spell_every_word_alike() {
        agree::<super::Severity>();
        agree::<super::Status>();
        agree::<super::ComponentStatus>();
        agree::<super::Indicator>();
        agree::<crate::model::imported::ImportSource>();
        agree::<crate::model::config::TargetKind>();
        agree::<crate::notify::What>();
        agree::<crate::diagnostics::Level>();
    }
}
