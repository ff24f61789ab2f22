//! The updates tell one story in time: none before the declaration, none
//! after the resolution unless it is reopened, promises in the future; the
//! post-mortem's dates fit the incident's.

use super::*;
use crate::check::IncidentFiles;
use crate::model::facts::Source;
use crate::model::incident::Decision;
use crate::model::{Declaration, Incident, Kind, Status, Update};

pub fn check(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    let decl = &incident.declaration;
    let mut closed_at = None;
    for (update, file) in incident.updates.iter().zip(&files.updates) {
        entry(update, decl, file, out);
        match (closed_at, update.reopen) {
            (Some(when), false) => out.push(
                TIMELINE_AFTER_RESOLVED
                    .diag(
                        file,
                        format!("update after the incident was resolved at {when}"),
                    )
                    .at("/status")
                    .hint("to reopen the incident, say so: add `reopen: true` to this update"),
            ),
            (None, true) => out.push(
                TIMELINE_NEEDLESS_REOPEN
                    .diag(file, "`reopen: true` but the incident is not resolved")
                    .at_key("/reopen")
                    .hint("remove `reopen`; it is only for an update that follows a resolving one"),
            ),
            _ => {}
        }
        closed_at = update.status.is_final().then_some(update.at);
    }
    order(incident, files, out);
    ends_after_start(s, out);
    resolved_internally(s, out);
    postmortem_dates(s, out);
}

/// What one update must be on its own: after the declaration, its promise
/// after itself, a status of its kind, a choice among its options.
fn entry(update: &Update, decl: &Declaration, file: &str, out: &mut Vec<Diagnostic>) {
    if update.at < decl.declared_at {
        out.push(
            TIMELINE_BEFORE_DECLARATION
                .diag(
                    file,
                    format!(
                        "update at {} is before the declaration ({})",
                        update.at, decl.declared_at
                    ),
                )
                .at("/at")
                .hint("an update cannot precede the declaration; correct `at` or `declared_at`"),
        );
    }
    if let Some(next) = update.next_update_at
        && next <= update.at
    {
        out.push(
            TIMELINE_NEXT_UPDATE
                .diag(file, format!("next update promised at {next}, which is not after this update ({})", update.at))
                .at("/next_update_at")
                .hint("`next_update_at` is when stakeholders can expect the next update: a time after `at`"),
        );
    }
    if update.status.kind() != decl.kind {
        let kind = match decl.kind {
            Kind::Incident => "an incident",
            Kind::Maintenance => "a maintenance",
        };
        out.push(
            TIMELINE_STATUS_KIND
                .diag(
                    file,
                    format!("`{}` is not a status of {kind}", update.status),
                )
                .at("/status")
                .hint(format!(
                    "use one of: {}",
                    Status::vocabulary(decl.kind).join(", ")
                )),
        );
    }
    if let Some(decision) = &update.decision {
        decision_options(decision, file, out);
    }
    if let Some(decision) = &update.decision
        && !decision.options.iter().any(|o| o.id == decision.chosen)
    {
        let ids: Vec<&str> = decision.options.iter().map(|o| o.id.as_str()).collect();
        out.push(
            UPDATE_DECISION_CHOICE
                .diag(
                    file,
                    format!(
                        "the chosen option `{}` is not one of the options",
                        decision.chosen
                    ),
                )
                .at("/decision/chosen")
                .hint(format!("choose one of: {}", ids.join(", "))),
        );
    }
}

/// Each option of a decision has an id of its own: the choice names one.
fn decision_options(decision: &Decision, file: &str, out: &mut Vec<Diagnostic>) {
    for (n, option) in decision.options.iter().enumerate() {
        if decision.options[..n].iter().any(|o| o.id == option.id) {
            out.push(
                UPDATE_DECISION_DUPLICATE_OPTION
                    .diag(
                        file,
                        format!("two options of this decision have the id `{}`", option.id),
                    )
                    .at(format!("/decision/options/{n}/id"))
                    .hint("give each option its own id (A, B, C…), so `chosen` names one"),
            );
        }
    }
}

/// Impact starts, then it is detected, then declared (a maintenance is
/// declared first); maintenance ends after it starts.
fn order(incident: &Incident, files: &IncidentFiles, out: &mut Vec<Diagnostic>) {
    let decl = &incident.declaration;
    // A maintenance is announced before its work starts: its declaration
    // comes first by design (imported ones carry `started_at`).
    let declared = (decl.kind == Kind::Incident).then_some(decl.declared_at);
    let steps = [
        ("started_at", decl.started_at),
        ("detected_at", decl.detected_at),
        ("declared_at", declared),
    ];
    let present: Vec<(&str, jiff::Timestamp)> = steps
        .iter()
        .filter_map(|(name, t)| t.map(|t| (*name, t)))
        .collect();
    for pair in present.windows(2) {
        let ((a, ta), (b, tb)) = (pair[0], pair[1]);
        if tb < ta {
            out.push(
                TIMELINE_ORDER
                    .diag(
                        &files.incident,
                        format!("`{b}` ({tb}) is before `{a}` ({ta})"),
                    )
                    .at(format!("/{b}"))
                    .hint("impact starts, then it is detected, then the incident is declared"),
            );
        }
    }
    if let (Some(start), Some(end)) = (decl.scheduled_for, decl.scheduled_until)
        && end <= start
    {
        out.push(
            TIMELINE_SCHEDULE
                .diag(
                    &files.incident,
                    format!("the maintenance ends ({end}) before it starts ({start})"),
                )
                .at("/scheduled_until")
                .hint("`scheduled_until` must be after `scheduled_for`"),
        );
    }
}

/// An incident's impact starts before it is mitigated and resolved: the
/// other way round, every output would show a negative or contradictory
/// duration. (A maintenance starts with its work, from its entries.)
fn ends_after_start(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    if s.incident.declaration.kind != Kind::Incident {
        return;
    }
    let (facts, files) = (&s.facts, s.files);
    // Mitigated comes no later than resolved: name the resolution when both
    // come first.
    let ends = [
        (
            "resolved",
            facts.resolved.map(|at| (at, Source::ResolvingEntry)),
        ),
        ("mitigated", facts.mitigated.map(|m| (m.at, m.source))),
    ];
    let Some((word, (at, source))) = ends
        .into_iter()
        .find_map(|(word, end)| Some((word, end?)).filter(|(_, (at, _))| *at < facts.started.at))
    else {
        return;
    };
    // An entry before `declared_at` is `timeline/before-declaration`.
    let key = match facts.started.source {
        Source::StartedAt => "started_at",
        Source::DetectedAt => "detected_at",
        _ => return,
    };
    out.push(
        TIMELINE_ENDS_BEFORE_START
            .diag(
                &files.incident,
                format!(
                    "`{key}` ({}) is after the incident was {word} ({at}, {})",
                    facts.started.at,
                    source.as_str()
                ),
            )
            .at(format!("/{key}"))
            .hint(format!(
                "`{key}` is when the impact began, before it was {word}: correct it, or {}",
                source.as_str()
            )),
    );
}

/// A public incident resolved by an internal entry: the public view, which
/// never sees that entry, stays open for good (the page says
/// "Investigating") while `list` and `stats` say resolved, and `update` and
/// `resolve` refuse to post after the resolution.
fn resolved_internally(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let incident = s.incident;
    let Some(resolved) = s.facts.resolved.filter(|_| incident.is_public()) else {
        return;
    };
    if incident
        .facts(crate::model::View::Public, jiff::Timestamp::MAX)
        .is_resolved()
    {
        return;
    }
    let Some((update, file)) = incident
        .updates
        .iter()
        .zip(&s.files.updates)
        .find(|(u, _)| u.at == resolved)
    else {
        return;
    };
    out.push(
        TIMELINE_RESOLVED_INTERNALLY
            .diag(
                file,
                format!("this internal entry sets `status: {}`, but the public page never sees it: the incident stays open there for good", update.status),
            )
            .at("/status")
            .hint("give this entry a public `message` saying it is over (what a resolving update tells customers), so the page closes it too"),
    );
}

/// A maintenance whose window has passed with no entry past `scheduled`:
/// every output takes it as completed at `scheduled_until`, by the
/// schedule alone; the entry that says so is owed.
pub fn window_passed(s: &Subject<'_>, clock: &Clock<'_>, out: &mut Vec<Diagnostic>) {
    let Some(ended) = s.incident.schedule(&s.facts, clock.now).ended else {
        return;
    };
    out.push(
        TIMELINE_WINDOW_PASSED
            .diag(&s.files.incident, format!("the maintenance window ended at {ended} and no update says it started, completed or was called off"))
            .at("/scheduled_until")
            .hint(format!("post `incident update {} --status completed --message …` (or `--status cancelled` if it did not happen)", s.incident.id)),
    );
}

/// The post-mortem comes out after the incident began, its report is
/// revised after that, and service is restored no later than the
/// resolution: otherwise `stats` counts it on time or late wrongly, and the
/// post-mortem contradicts itself. (Later than now is `future`.)
fn postmortem_dates(s: &Subject<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(pm), Some(file)) = (&s.incident.postmortem, &s.files.postmortem) else {
        return;
    };
    let started = s.facts.started;
    let revised_at = pm.customer_report.as_ref().and_then(|r| r.revised_at);
    let dates = [
        ("published_at", "the post-mortem came out", pm.published_at),
        (
            "customer_report/revised_at",
            "the customer report was revised",
            revised_at,
        ),
    ];
    for (key, when, t) in dates.into_iter().filter_map(|(k, w, t)| Some((k, w, t?))) {
        let name = key.replace('/', ".");
        if t < started.at {
            out.push(
                TIMELINE_POSTMORTEM_BEFORE_START
                    .diag(file, format!("`{name}` ({t}) is before the incident began ({}, {})", started.at, started.source.as_str()))
                    .at(format!("/{key}"))
                    .hint(format!("`{name}` is when {when}, after the incident: correct the date (a wrong day or year?), or {}", started.source.as_str())),
            );
        }
    }
    if let (Some(published), Some(revised)) = (pm.published_at, revised_at)
        && started.at <= revised
        && revised < published
    {
        out.push(
            TIMELINE_REVISED_BEFORE_PUBLISHED
                .diag(file, format!("`customer_report.revised_at` ({revised}) is before the post-mortem was published ({published})"))
                .at("/customer_report/revised_at")
                .hint("a revision follows publication: set `revised_at` to when this revision was made, or correct `published_at`"),
        );
    }
    if let (Some(mitigated), Some(resolved)) = (pm.mitigated_at, s.facts.resolved)
        && mitigated > resolved
    {
        out.push(
            TIMELINE_MITIGATED_AFTER_RESOLVED
                .diag(file, format!("`mitigated_at` ({mitigated}) is after the incident was resolved ({resolved}, the resolving entry)"))
                .at("/mitigated_at")
                .hint("`mitigated_at` is when service was restored, no later than the resolution: correct it, or the resolving entry"),
        );
    }
}

/// Nothing has happened later than now: a time beyond the clock skew is a
/// typo (a clock time read as tomorrow, a wrong year) or a wrong clock.
/// `next_update_at` and a maintenance schedule are promises, so not here.
pub fn future(s: &Subject<'_>, clock: &Clock<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files, now) = (s.incident, s.files, clock.now);
    let latest = now
        .checked_add(crate::clock::SKEW.as_signed())
        .unwrap_or(now);
    let decl = &incident.declaration;
    let declared = [
        ("declared_at", Some(decl.declared_at)),
        ("started_at", decl.started_at),
        ("detected_at", decl.detected_at),
    ];
    let found = declared
        .into_iter()
        .filter_map(|(key, t)| Some((&files.incident, key.to_string(), t?)))
        .chain(
            incident
                .updates
                .iter()
                .zip(&files.updates)
                .map(|(u, file)| (file, "at".to_string(), u.at)),
        )
        .chain(postmortem_times(incident, files));
    for (file, key, t) in found.filter(|(.., t)| *t > latest) {
        out.push(
            TIMELINE_FUTURE
                .diag(
                    file,
                    format!(
                        "`{}` ({t}) is {} in the future (now is {})",
                        key.replace('/', "."),
                        crate::model::Duration::from(t.duration_since(now)).spoken(),
                        now.strftime("%Y-%m-%d %H:%M:%S UTC")
                    ),
                )
                .at(format!("/{key}"))
                .hint("it records what has already happened: correct the date or time (a clock time typed for today that had not come yet, a wrong year?), or the clock of the machine that wrote it"),
        );
    }
}

/// The post-mortem's times of what has happened (`due` and action items'
/// due days are plans), each with its file and key.
fn postmortem_times<'a>(
    incident: &'a Incident,
    files: &'a IncidentFiles,
) -> impl Iterator<Item = (&'a String, String, jiff::Timestamp)> + 'a {
    let pm = incident.postmortem.as_ref().zip(files.postmortem.as_ref());
    pm.into_iter().flat_map(|(pm, file)| {
        let dates = [
            ("published_at".to_string(), pm.published_at),
            ("mitigated_at".to_string(), pm.mitigated_at),
            (
                "customer_report/revised_at".to_string(),
                pm.customer_report.as_ref().and_then(|r| r.revised_at),
            ),
        ];
        let events = pm
            .timeline
            .iter()
            .enumerate()
            .map(|(i, e)| (format!("timeline/{i}/at"), Some(e.at)));
        dates
            .into_iter()
            .chain(events)
            .filter_map(move |(key, t)| Some((file, key, t?)))
    })
}
