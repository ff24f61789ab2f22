//! The communication black hole (the seed's first pitfall): updates at the
//! cadence of the severity in force, as promised, and none overdue now.

use super::*;
use crate::check::IncidentFiles;
use crate::model::{Duration, Incident};

const HINT: &str = "post on the cadence even when nothing changed (\"no change, investigation ongoing\" is fine); if there was a reason, say so with `exempt: {rule: …, reason: …}` on this update";

/// "10:05 → 10:52 UTC", with dates when the two days differ.
fn span(from: Timestamp, to: Timestamp) -> String {
    let day = |t: Timestamp| t.strftime("%Y-%m-%d").to_string();
    let time = |t: Timestamp| t.strftime("%H:%M").to_string();
    if day(from) == day(to) {
        format!("{} → {} UTC", time(from), time(to))
    } else {
        format!(
            "{} {} → {} {} UTC",
            day(from),
            time(from),
            day(to),
            time(to)
        )
    }
}

pub fn check(s: &Subject<'_>, practice: &Practice<'_>, out: &mut Vec<Diagnostic>) {
    let (incident, files) = (s.incident, s.files);
    for gap in incident.gaps(practice.config) {
        let file = &files.updates[gap.update];
        if gap.breaks_cadence() {
            out.push(
                CADENCE_BLACK_HOLE
                    .diag(
                        file,
                        format!(
                            "{} without an update during {:#} (policy: every {}), {}",
                            gap.length().spoken(),
                            gap.severity,
                            gap.cadence.spoken(),
                            span(gap.from, gap.to)
                        ),
                    )
                    .at("/at")
                    .hint(HINT),
            );
        }
        if let Some(promised) = gap.promised.filter(|_| gap.breaks_promise()) {
            out.push(
                CADENCE_LATE
                    .diag(
                        file,
                        format!(
                            "{} later than the previous update promised ({})",
                            Duration::from(gap.to.duration_since(promised)).spoken(),
                            span(promised, gap.to)
                        ),
                    )
                    .at("/at")
                    .hint("keep the promise of `next_update_at`, or post before it to move it"),
            );
        }
    }
    promises(incident, files, practice, out);
}

/// An open incident whose next update is due before now.
pub fn overdue(
    s: &Subject<'_>,
    practice: &Practice<'_>,
    clock: &Clock<'_>,
    out: &mut Vec<Diagnostic>,
) {
    let (incident, files, now) = (s.incident, s.files, clock.now);
    if let Some(due) = incident.next_update_due(practice.config)
        && now > due
    {
        let file = files.updates.last().unwrap_or(&files.incident);
        let policy = incident
            .current()
            .severity
            .map(|s| {
                format!(
                    ", {s:#} policy: every {}",
                    practice.config.policy(s).update_every.spoken()
                )
            })
            .unwrap_or_default();
        out.push(
            CADENCE_OVERDUE
                .diag(
                    file,
                    format!(
                        "the next update was due at {} and is {} overdue (now {}{policy})",
                        due.strftime("%Y-%m-%d %H:%M UTC"),
                        Duration::from(now.duration_since(due)).spoken(),
                        now.strftime("%Y-%m-%d %H:%M UTC"),
                    ),
                )
                .hint(format!(
                    "post an update now, even if it is \"still investigating\": incident update {} --message …",
                    incident.id
                )),
        );
    }
}

/// A promise further ahead than the policy turns the overdue check off
/// until it comes: "next update in 3d" on a SEV-2 is three silent days.
fn promises(
    incident: &Incident,
    files: &IncidentFiles,
    practice: &Practice,
    out: &mut Vec<Diagnostic>,
) {
    if incident.declaration.kind != crate::model::Kind::Incident {
        return;
    }
    let mut severity = incident.declaration.severity;
    for (update, file) in incident.updates.iter().zip(&files.updates) {
        severity = update.severity.or(severity);
        let (Some(sev), Some(next)) = (severity, update.next_update_at) else {
            continue;
        };
        if update.status.is_final() || next <= update.at {
            continue;
        }
        let cadence = practice.config.policy(sev).update_every;
        let promised = Duration::from(next.duration_since(update.at));
        if promised <= cadence {
            continue;
        }
        out.push(
            CADENCE_ETA_BEYOND_POLICY
                .diag(
                    file,
                    format!(
                        "the next update is promised {} after this one, beyond the {sev:#} policy (an update every {})",
                        promised.spoken(),
                        cadence.spoken()
                    ),
                )
                .at("/next_update_at")
                .hint(format!(
                    "promise the next update within {} (the overdue check waits for the promise), or say why with `exempt: {{rule: cadence/eta-beyond-policy, reason: …}}`",
                    cadence.spoken()
                )),
        );
    }
}
