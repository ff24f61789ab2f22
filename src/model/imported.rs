//! `imported:` on a declaration or a post-mortem: this history was brought
//! in by `incident import` from another status page. The practice rules
//! respect it (see `check::rules::imported`): imported history never had
//! roles, cadence or action items to judge.

use jiff::Timestamp;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Imported {
    /// Where it came from.
    pub from: ImportSource,
    /// Its id there (a Statuspage incident id, a cState file name).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub id: Option<String>,
    /// Its public link there.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub shortlink: Option<String>,
    /// The time of the last imported update: updates after it are the
    /// team's own and are judged like any other.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub until: Option<Timestamp>,
}

#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    strum::IntoStaticStr,
    strum::VariantArray,
)]
#[serde(rename_all = "lowercase")]
#[strum(serialize_all = "lowercase")]
pub enum ImportSource {
    Statuspage,
    Cstate,
}

impl ImportSource {
    /// The word files, JSON and labels use (serde spells it the same way).
    pub fn as_str(self) -> &'static str {
        self.into()
    }
}
