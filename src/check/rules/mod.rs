//! Every rule has a stable id, a default level and a one-line summary; one
//! file per rule family. The registry below is the list `README.md` shows.

pub mod config;
pub mod history;
pub mod layout;
pub mod postmortem;
pub mod references;
pub mod timeline;

use crate::diagnostics::{Diagnostic, Level};

#[derive(Debug)]
pub struct Rule {
    pub id: &'static str,
    pub level: Level,
    pub summary: &'static str,
}

impl Rule {
    pub fn diag(&'static self, file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.id, self.level, file, message)
    }
}

macro_rules! rules {
    ($($name:ident = $id:literal, $level:ident, $summary:literal;)*) => {
        $(pub static $name: Rule = Rule { id: $id, level: Level::$level, summary: $summary };)*
        /// Every rule, in the order they are documented.
        pub static ALL: &[&Rule] = &[$(&$name),*];
    };
}

rules! {
    FILE_UNREADABLE = "file/unreadable", Error, "a file cannot be read";
    FILE_TOO_LARGE = "file/too-large", Error, "a file is larger than 1 MiB";
    FILE_NOT_UTF8 = "file/not-utf8", Error, "a file is not UTF-8 text";
    FILE_EMPTY = "file/empty", Error, "a file holds nothing";
    YAML_SYNTAX = "yaml/syntax", Error, "a file is not valid YAML (or expands aliases beyond the limit)";
    YAML_DUPLICATE_KEY = "yaml/duplicate-key", Error, "a key appears twice in one mapping";
    SCHEMA_UNKNOWN_KEY = "schema/unknown-key", Error, "a key the schema does not know";
    SCHEMA_MISSING_KEY = "schema/missing-key", Error, "a required key is missing";
    SCHEMA_TYPE = "schema/type", Error, "a value has the wrong type";
    SCHEMA_VALUE = "schema/value", Error, "a value is not allowed by the schema";
    SCHEMA_TIMESTAMP = "schema/timestamp", Error, "a timestamp without an explicit offset";
    LAYOUT_STRAY_FILE = "layout/stray-file", Warning, "a file incidentkit does not read";
    LAYOUT_MISSING_INCIDENT = "layout/missing-incident", Error, "an incident folder without incident.yaml";
    LAYOUT_FOLDER_NAME = "layout/folder-name", Error, "an incident folder not named <declared date>-<slug>";
    LAYOUT_UPDATE_NAME = "layout/update-name", Error, "an update file not named after its `at` time";
    CONFIG_DUPLICATE_ID = "config/duplicate-id", Error, "two components or groups share an id";
    CONFIG_UNKNOWN_GROUP = "config/unknown-group", Error, "a component names a group that does not exist";
    CONFIG_TIMEZONE = "config/timezone", Error, "the site time zone is not an IANA time zone";
    REF_UNKNOWN_COMPONENT = "ref/unknown-component", Error, "a component id that incidentkit.yaml does not list";
    TIMELINE_BEFORE_DECLARATION = "timeline/before-declaration", Error, "an update earlier than the declaration";
    TIMELINE_AFTER_RESOLVED = "timeline/after-resolved", Error, "an update after the resolving one without `reopen: true`";
    TIMELINE_NEEDLESS_REOPEN = "timeline/needless-reopen", Warning, "`reopen: true` on an incident that is not resolved";
    TIMELINE_NEXT_UPDATE = "timeline/next-update", Error, "`next_update_at` not later than `at`";
    TIMELINE_STATUS_KIND = "timeline/status-kind", Error, "a maintenance status on an incident, or the reverse";
    TIMELINE_ORDER = "timeline/order", Warning, "impact start, detection and declaration out of order";
    TIMELINE_SCHEDULE = "timeline/schedule", Error, "maintenance that ends before it starts";
    UPDATE_DECISION_CHOICE = "update/decision-choice", Error, "a decision whose chosen option is not among its options";
    POSTMORTEM_DUPLICATE_ACTION = "postmortem/duplicate-action-id", Error, "two action items share an id";
    POSTMORTEM_PUBLISHED_UNRESOLVED = "postmortem/published-unresolved", Error, "a published post-mortem on an unresolved incident";
    HISTORY_UPDATE_REWRITTEN = "history/update-rewritten", Error, "a published update changed (--changed-since)";
    HISTORY_UPDATE_DELETED = "history/update-deleted", Error, "a published update was deleted (--changed-since)";
    HISTORY_UPDATE_BACKDATED = "history/update-backdated", Error, "a new update earlier than a published one (--changed-since)";
    HISTORY_INCIDENT_REMOVED = "history/incident-removed", Error, "an incident deleted or renamed (--changed-since)";
    HISTORY_REPORT_REVISED = "history/report-revised", Error, "a published customer report changed without revised_at and revision_reason (--changed-since)";
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_readme_documents_every_rule() {
        let readme = include_str!("../../../README.md");
        for rule in super::ALL {
            assert!(
                readme.contains(&format!("`{}`", rule.id)),
                "README.md does not list `{}`",
                rule.id
            );
        }
    }
}
