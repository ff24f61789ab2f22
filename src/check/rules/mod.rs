//! Every rule has a stable id, a default level and a one-line summary; one
//! file per rule family. The registry below is the list `README.md` shows.

pub(crate) mod actions;
pub(crate) mod amend;
pub(crate) mod blameless;
pub(crate) mod cadence;
pub(crate) mod config;
pub(crate) mod exempt;
pub(crate) mod history;
pub(crate) mod imported;
pub(crate) mod layout;
pub(crate) mod levels;
pub(crate) mod phase;
pub(crate) mod postmortem;
pub(crate) mod references;
pub(crate) mod report;
pub(crate) mod roles;
pub(crate) mod timeline;
pub(crate) mod translation;
pub(crate) mod update;

use crate::check::IncidentFiles;
use crate::check::lexicon::Lexicon;
use crate::diagnostics::{Diagnostic, Level};
use crate::model::{Config, Incident};
use crate::repo::layout::Layout;
use jiff::Timestamp;
use jiff::tz::TimeZone;

/// One incident as every per-incident rule family reads it.
pub(crate) struct Subject<'a> {
    pub incident: &'a Incident,
    /// The incident's facts over every entry (`Incident::internal_facts`),
    /// folded once for all the rules that read them.
    pub facts: crate::model::facts::Facts<'a>,
    pub files: &'a IncidentFiles,
}

/// What the clocked families judge by besides the incident: now, and the
/// site's days.
pub(crate) struct Clock<'a> {
    pub now: Timestamp,
    /// The site's time zone, UTC while incidentkit.yaml is broken. Its
    /// rules come from the machine's time zone database.
    pub timezone: &'a TimeZone,
}

impl Clock<'_> {
    /// `t`'s day in the site's time zone, as due dates are written.
    pub fn day(&self, t: Timestamp) -> jiff::civil::Date {
        self.timezone.to_datetime(t).date()
    }
}

/// What the practice rules read besides the incident: the team's policy
/// and the word lists.
pub(crate) struct Practice<'a> {
    pub config: &'a Config,
    pub lexicon: &'a Lexicon,
    /// Of incidentkit.yaml as read (`document::load_fingerprinted`): what
    /// the families found under the same one, they find again.
    pub fingerprint: u64,
}

/// A rule family, by what it reads: one signature per kind, so `check`
/// runs the list below rather than a hand-written sequence.
pub(crate) enum Family {
    /// Judges incidentkit.yaml (the file's name given).
    Config(fn(&Config, &str, &mut Vec<Diagnostic>)),
    /// Judges the folders and files as found.
    Layout(fn(&Layout, &mut Vec<Diagnostic>)),
    /// Judges one incident on its own: runs even while incidentkit.yaml is
    /// broken.
    Incident(fn(&Subject<'_>, &mut Vec<Diagnostic>)),
    /// Judges one incident against the team's practice: skipped while
    /// incidentkit.yaml is broken (there is no policy to judge by).
    Practice(fn(&Subject<'_>, &Practice<'_>, &mut Vec<Diagnostic>)),
    /// `Incident`, by the clock: the same files are judged differently as
    /// time passes (later than now, overdue), or by days in the site's time
    /// zone, whose rules the machine's database may change. Only these see
    /// the `Clock`, so only these run again on an incident the others found
    /// nothing in before (`on_incident`).
    Clocked(fn(&Subject<'_>, &Clock<'_>, &mut Vec<Diagnostic>)),
    /// `Practice`, by the clock.
    ClockedPractice(fn(&Subject<'_>, &Practice<'_>, &Clock<'_>, &mut Vec<Diagnostic>)),
}

/// Every rule family, in the order they run. Not here: `history` (it reads
/// a change against its base, only on `--changed-since`) and what is applied
/// to the findings afterwards (`imported` by `on_incident`, then `exempt`
/// and `levels`).
pub(crate) static FAMILIES: &[Family] = &[
    Family::Config(config::check),
    Family::Config(levels::check),
    Family::Layout(layout::refused),
    Family::Layout(layout::strays),
    Family::Incident(layout::names),
    Family::Incident(timeline::check),
    Family::Clocked(timeline::window_passed),
    Family::Clocked(timeline::future),
    Family::Incident(postmortem::check),
    Family::Incident(roles::check),
    Family::Incident(update::check),
    Family::Incident(amend::check),
    Family::Incident(actions::check),
    Family::Clocked(actions::due_before_incident),
    Family::Practice(references::check),
    Family::Practice(translation::check),
    Family::Practice(cadence::check),
    Family::ClockedPractice(cadence::overdue),
    Family::ClockedPractice(phase::check),
    Family::Practice(blameless::check),
    Family::Practice(report::check),
];

/// Runs the families that judge incidentkit.yaml.
pub(crate) fn on_config(config: &Config, file: &str, out: &mut Vec<Diagnostic>) {
    for family in FAMILIES {
        if let Family::Config(check) = family {
            check(config, file, out);
        }
    }
}

/// Runs the families that judge the folders and files as found.
pub(crate) fn on_layout(layout: &Layout, out: &mut Vec<Diagnostic>) {
    for family in FAMILIES {
        if let Family::Layout(check) = family {
            check(layout, out);
        }
    }
}

/// Runs the families that judge one incident on `s` (the practice ones
/// only with a practice), then spares what is imported (`imported`).
/// With `settled`, only the clocked families run: the others found nothing
/// in these same files under this same configuration before (`check::kept`
/// records it), and what they read has not changed. Returns whether the
/// families that do not see the clock found nothing (true when skipped).
pub(crate) fn on_incident(
    s: &Subject<'_>,
    practice: Option<&Practice<'_>>,
    clock: &Clock<'_>,
    settled: bool,
    out: &mut Vec<Diagnostic>,
) -> bool {
    let (mut found, mut clocked) = (Vec::new(), Vec::new());
    for family in FAMILIES {
        match (family, practice) {
            (Family::Incident(check), _) if !settled => check(s, &mut found),
            (Family::Practice(check), Some(practice)) if !settled => check(s, practice, &mut found),
            (Family::Clocked(check), _) => check(s, clock, &mut clocked),
            (Family::ClockedPractice(check), Some(practice)) => {
                check(s, practice, clock, &mut clocked)
            }
            _ => {}
        }
    }
    imported::apply(s.incident, s.files, &mut found);
    imported::apply(s.incident, s.files, &mut clocked);
    let clean = found.is_empty();
    out.append(&mut found);
    out.append(&mut clocked);
    clean
}

/// A rule of the registry, as `README.md` lists it.
#[derive(Debug)]
pub struct Rule {
    /// Stable, `<family>/<name>`: what `rules:` and `exempt:` name.
    pub id: &'static str,
    /// The level before the team's `rules:` apply.
    pub level: Level,
    /// One line, for the README's table.
    pub summary: &'static str,
}

impl Rule {
    /// Whether a team may change its level or exempt a finding: not for a
    /// file that cannot be read or parsed (it would be silently skipped),
    /// nor for a link (a hostile pull request could silence its own).
    pub fn configurable(&self) -> bool {
        !["file/", "yaml/", "schema/"]
            .iter()
            .any(|p| self.id.starts_with(p))
            && self.id != LAYOUT_SYMLINK.id
    }

    /// Whether an `exempt:` in a file may silence it: not the history rules
    /// (a rewrite cannot excuse itself) nor the exemption rules themselves.
    pub fn exemptable(&self) -> bool {
        self.configurable() && !self.id.starts_with("history/") && !self.id.starts_with("exempt/")
    }

    pub(crate) fn find(id: &str) -> Option<&'static Rule> {
        ALL.iter().copied().find(|r| r.id == id)
    }

    pub(crate) fn diag(&'static self, file: &str, message: impl Into<String>) -> Diagnostic {
        Diagnostic::new(self.id, self.level, file, message)
    }
}

macro_rules! rules {
    ($($name:ident = $id:literal, $level:ident, $summary:literal;)*) => {
        $(pub(crate) static $name: Rule = Rule { id: $id, level: Level::$level, summary: $summary };)*
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
    LAYOUT_SYMLINK = "layout/symlink", Error, "a symbolic link, submodule, FIFO or device where incidentkit reads files (never followed)";
    LAYOUT_STRAY_FILE = "layout/stray-file", Warning, "a file incidentkit does not read";
    LAYOUT_MISNAMED_FILE = "layout/misnamed-file", Error, "a file in an incident folder named almost as one incidentkit reads (`.yml`, `post-mortem.yaml`, `Incident.yaml`), so it is ignored";
    LAYOUT_MISSING_INCIDENT = "layout/missing-incident", Error, "an incident folder without incident.yaml";
    LAYOUT_FOLDER_NAME = "layout/folder-name", Error, "an incident folder not named <declared date>-<slug>";
    LAYOUT_UPDATE_NAME = "layout/update-name", Error, "an update file not named after its `at` time";
    CONFIG_DUPLICATE_ID = "config/duplicate-id", Error, "two components or groups share an id";
    CONFIG_UNKNOWN_GROUP = "config/unknown-group", Error, "a component names a group that does not exist";
    CONFIG_NOTIFY_TARGET = "config/notify-target", Error, "a notify target `incident notify` cannot use: an unknown component, a name used twice, a missing field";
    CONFIG_TIMEZONE = "config/timezone", Error, "the site time zone is not an IANA time zone";
    CONFIG_UNKNOWN_LANGUAGE = "config/unknown-language", Error, "a language of the site with no built-in locale and no `templates/locale/<lang>.yaml`";
    CONFIG_UNKNOWN_RULE = "config/unknown-rule", Error, "`rules:` names a rule that does not exist or cannot be configured";
    REF_UNKNOWN_COMPONENT = "ref/unknown-component", Error, "a component id that incidentkit.yaml does not list";
    TIMELINE_BEFORE_DECLARATION = "timeline/before-declaration", Error, "an update earlier than the declaration";
    TIMELINE_AFTER_RESOLVED = "timeline/after-resolved", Error, "an update after the resolving one without `reopen: true`";
    TIMELINE_NEEDLESS_REOPEN = "timeline/needless-reopen", Warning, "`reopen: true` on an incident that is not resolved";
    TIMELINE_NEXT_UPDATE = "timeline/next-update", Error, "`next_update_at` not later than `at`";
    TIMELINE_STATUS_KIND = "timeline/status-kind", Error, "a maintenance status on an incident, or the reverse";
    TIMELINE_ORDER = "timeline/order", Warning, "impact start, detection and declaration out of order";
    TIMELINE_FUTURE = "timeline/future", Error, "a declaration, update or post-mortem time later than now (beyond 2 min of clock skew)";
    TIMELINE_SCHEDULE = "timeline/schedule", Error, "maintenance that ends before it starts";
    TIMELINE_ENDS_BEFORE_START = "timeline/ends-before-start", Error, "an incident mitigated or resolved before its impact started";
    TIMELINE_MITIGATED_AFTER_RESOLVED = "timeline/mitigated-after-resolved", Error, "a post-mortem's `mitigated_at` after the incident was resolved";
    TIMELINE_POSTMORTEM_BEFORE_START = "timeline/postmortem-before-start", Error, "a post-mortem published, or its customer report revised, before the incident began";
    TIMELINE_RESOLVED_INTERNALLY = "timeline/resolved-internally", Error, "a public incident resolved (or a maintenance completed or cancelled) by an internal entry: the public view stays open";
    TIMELINE_WINDOW_PASSED = "timeline/window-passed", Warning, "a maintenance whose `scheduled_until` has passed with no update saying it started, completed or was called off";
    TIMELINE_REVISED_BEFORE_PUBLISHED = "timeline/revised-before-published", Error, "a customer report revised before its post-mortem was published";
    UPDATE_DECISION_CHOICE = "update/decision-choice", Error, "a decision whose chosen option is not among its options";
    UPDATE_DECISION_DUPLICATE_OPTION = "update/decision-duplicate-option", Error, "a decision with two options of the same id";
    POSTMORTEM_DUPLICATE_ACTION = "postmortem/duplicate-action-id", Error, "two action items share an id";
    POSTMORTEM_PUBLISHED_UNRESOLVED = "postmortem/published-unresolved", Error, "a published post-mortem on an unresolved incident";
    POSTMORTEM_PUBLISHED_UNDATED = "postmortem/published-undated", Warning, "a published post-mortem without `published_at`";
    POSTMORTEM_PLACEHOLDER = "postmortem/placeholder", Warning, "a summary, trigger, root cause or action item title that is only a placeholder (in review or published)";
    EXEMPT_NO_REASON = "exempt/no-reason", Error, "an exemption without a reason (it is not honoured)";
    EXEMPT_UNKNOWN_RULE = "exempt/unknown-rule", Error, "an exemption names a rule that does not exist or cannot be exempted";
    EXEMPT_UNUSED = "exempt/unused", Warning, "an exemption that silences nothing in its file";
    CADENCE_BLACK_HOLE = "cadence/black-hole", Warning, "a gap between stakeholder updates longer than the cadence of the severity in force";
    CADENCE_LATE = "cadence/late", Warning, "an update later than the `next_update_at` the previous one promised";
    CADENCE_ETA_BEYOND_POLICY = "cadence/eta-beyond-policy", Warning, "a `next_update_at` further ahead than the cadence of the severity in force";
    CADENCE_OVERDUE = "cadence/overdue", Warning, "an open incident whose next update is overdue now (by the clock)";
    ROLES_NO_COMMANDER = "roles/no-commander", Warning, "a sev1/sev2 incident without an incident commander";
    ROLES_NO_COMMUNICATIONS = "roles/no-communications", Warning, "a sev1/sev2 incident without a communications lead";
    ROLES_SAME_PERSON = "roles/same-person", Warning, "one person is both commander and communications lead of a sev1";
    UPDATE_NO_IMPACT = "update/no-impact", Warning, "an unresolved stakeholder update with no impact (scope / users affected) in force";
    UPDATE_NO_ETA = "update/no-eta", Warning, "an unresolved stakeholder update without `next_update_at`";
    UPDATE_EMPTY_MESSAGE = "update/empty-message", Error, "a public message with no information in it";
    PHASE_POSTMORTEM_OVERDUE = "phase/postmortem-overdue", Warning, "a post-mortem the policy requires is past due and not in review or published (by the clock)";
    PHASE_ACTION_OVERDUE = "phase/action-overdue", Warning, "an action item past its due date and not done (by the clock)";
    PHASE_NO_ACTION_ITEMS = "phase/no-action-items", Warning, "a post-mortem in review or published without action items";
    BLAMELESS_PHRASE = "blameless/blame-phrase", Warning, "post-mortem analysis that blames people (\"human error\", \"careless\", …)";
    BLAMELESS_PERSON = "blameless/person-as-cause", Warning, "a person as the subject of a cause (\"@bob failed to …\")";
    REPORT_INCOMPLETE = "report/incomplete", Error, "a required customer report without all five parts, or a part of any customer report that is only a placeholder (in review or published)";
    REPORT_VAGUE = "report/vague", Warning, "a vague phrase in the customer report (\"technical difficulties\")";
    REPORT_JARGON = "report/jargon", Warning, "jargon in the customer report (status codes, internal names, \"pod\", \"p99\", …)";
    REPORT_READABILITY = "report/readability", Warning, "a customer report below the Flesch reading-ease floor";
    REPORT_BLAME = "report/blame", Warning, "a customer report that blames an individual or a third party";
    ACTIONS_NO_OWNER = "actions/no-owner", Error, "an action item without an owner";
    ACTIONS_NO_DUE = "actions/no-due", Error, "an action item without a due date";
    ACTIONS_NO_TYPE = "actions/no-type", Warning, "an action item without a type (mitigate, prevent, detect, process)";
    ACTIONS_DUE_BEFORE_INCIDENT = "actions/due-before-incident", Error, "an action item due before the incident began";
    TRANSLATION_MISSING = "translation/missing", Warning, "a public update of an open incident without a translation into a language of site.languages";
    AMEND_MISSING_UPDATE = "amend/missing-update", Error, "a correction or redaction record names an update the incident does not have";
    AMEND_INTERNAL_ENTRY = "amend/internal-entry", Error, "a correction of an internal entry (correcting it would publish it)";
    AMEND_NOT_REMOVED = "amend/not-removed", Error, "a redaction record names a field of its update that does not hold the placeholder";
    AMEND_FILE_NAME = "amend/file-name", Error, "a correction or redaction record not named <update>--<at>.yaml";
    AMEND_BEFORE_UPDATE = "amend/before-update", Error, "a correction or redaction record earlier than the update it amends";
    HISTORY_UPDATE_REWRITTEN = "history/update-rewritten", Error, "a published update changed without a matching redaction record in the same change (--changed-since)";
    HISTORY_AMENDMENT_CHANGED = "history/amendment-changed", Error, "a published correction or redaction record changed or was deleted (--changed-since)";
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
