//! Properties over generated input: whatever the authoring builders make is
//! written as YAML that reads back to the same model through the same path
//! `incident validate` takes, the state fold survives any order of
//! updates, and an internal entry changes no file of the public site.

use incidentkit::check;
use incidentkit::compose::{self, NewFiles};
use incidentkit::model::incident::Roles;
use incidentkit::model::{
    ComponentStatus, Config, Declaration, Incident, Repository, Severity, Status, Update,
    Visibility,
};
use incidentkit::repo::Files;
use incidentkit::templates::Templates;
use jiff::Timestamp;
use proptest::prelude::*;
use std::collections::BTreeMap;
use std::path::Path;

const CONFIG: &str = include_str!("../examples/acme/incidentkit.yaml");
const COMPONENTS: [&str; 7] = [
    "website",
    "search",
    "checkout",
    "payments-api",
    "orders-api",
    "notifications",
    "help-center",
];

fn config() -> Config {
    serde_yaml::from_str(CONFIG).unwrap()
}

/// Any text people may type, hostile or not: any Unicode, line breaks,
/// YAML's own syntax and the words YAML 1.1 reads as booleans or numbers.
fn text() -> impl Strategy<Value = String> {
    prop_oneof![
        any::<String>(),
        "\\PC{0,40}",
        "[ \t\n#:&*!|>'\"%@`{}\\[\\],?-]{0,12}",
        Just("no".to_string()),
        Just("~".to_string()),
        Just("0x1F".to_string()),
        Just("2026-11-26".to_string()),
        Just("- item\n  nested: yes\n".to_string()),
        Just("{{ 7*7 }}".to_string()),
    ]
}

/// A title the schema accepts: 3 to 200 characters with something visible.
fn title() -> impl Strategy<Value = String> {
    (text(), "\\PC{3,20}")
        .prop_map(|(t, tail)| format!("{}{tail}", t.chars().take(150).collect::<String>()))
        .prop_filter("a title has something visible", |t| {
            t.chars().any(|c| !c.is_whitespace()) && t.chars().count() <= 200
        })
}

/// Who posts or owns something, as the schema's `person` allows it.
fn person() -> impl Strategy<Value = String> {
    "@?\\PC{1,30}".prop_filter("a person has a visible name", |p| {
        p.trim() == p && !p.is_empty()
    })
}

/// Seconds since the epoch from 1970 to 2200 (every time `--at` can give).
fn timestamp() -> impl Strategy<Value = Timestamp> {
    (0i64..7_258_118_400).prop_map(|s| Timestamp::from_second(s).unwrap())
}

fn severity() -> impl Strategy<Value = Severity> {
    prop::sample::select(Severity::ALL.to_vec())
}

fn component_status() -> impl Strategy<Value = ComponentStatus> {
    use ComponentStatus::*;
    prop::sample::select(vec![
        Operational,
        UnderMaintenance,
        DegradedPerformance,
        PartialOutage,
        MajorOutage,
    ])
}

fn status() -> impl Strategy<Value = Status> {
    use Status::*;
    prop::sample::select(vec![Investigating, Identified, Monitoring])
}

fn components() -> impl Strategy<Value = BTreeMap<String, ComponentStatus>> {
    prop::collection::btree_map(
        prop::sample::select(COMPONENTS.to_vec()).prop_map(str::to_string),
        component_status(),
        0..3,
    )
}

/// What `incident declare` builds from its flags.
fn declared() -> impl Strategy<Value = (Declaration, Update)> {
    (
        (
            title(),
            severity(),
            timestamp(),
            components(),
            any::<bool>(),
        ),
        (
            prop::option::of(person()),
            prop::option::of(person()),
            prop::collection::btree_set(person(), 0..3),
        ),
        (
            prop::option::of(text()),
            prop::option::of(text()),
            person(),
            1i64..1440,
        ),
    )
        .prop_map(
            |(
                (title, severity, at, components, internal),
                (commander, communications, investigators),
                (message, impact, author, minutes),
            )| {
                let roles = Roles {
                    commander,
                    communications,
                    investigators: investigators.into_iter().collect(),
                };
                let mut declaration = compose::new_declaration(
                    title.clone(),
                    severity,
                    at,
                    components.keys().cloned().collect(),
                    roles,
                );
                if internal {
                    declaration.visibility = Visibility::Internal;
                }
                let first = Update {
                    at,
                    status: Status::Investigating,
                    message: Some(message.unwrap_or(title)),
                    message_translations: Default::default(),
                    internal_note: None,
                    impact: compose::impact(impact, None, None),
                    severity: None,
                    components: components.into(),
                    next_update_at: Some(at + jiff::SignedDuration::from_mins(minutes)),
                    author,
                    reopen: false,
                    decision: None,
                    exempt: Default::default(),
                };
                (declaration, first)
            },
        )
}

/// What `incident update` and `incident decide` add on top of the state.
#[derive(Debug, Clone)]
struct Change {
    after_minutes: i64,
    status: Status,
    message: Option<String>,
    internal_note: Option<String>,
    severity: Option<Severity>,
    components: BTreeMap<String, ComponentStatus>,
    impact: (Option<String>, Option<String>, Option<String>),
    decision: Option<(Vec<String>, String)>,
}

fn change() -> impl Strategy<Value = Change> {
    (
        (
            1i64..600,
            status(),
            prop::option::of(text()),
            prop::option::of(text()),
        ),
        (
            prop::option::of(severity()),
            components(),
            (
                prop::option::of(text()),
                prop::option::of(prop_oneof!["[0-9]{1,6}", text()]),
                prop::option::of(text()),
            ),
        ),
        // As `decide` takes them: options of distinct ids, a reason.
        prop::option::of((
            prop::collection::vec(text(), 1..3).prop_map(|summaries| {
                summaries
                    .iter()
                    .zip(["A", "B"])
                    .map(|(s, id)| format!("{id}: {s}"))
                    .collect()
            }),
            text().prop_filter("a reason", |why| !why.trim().is_empty()),
        )),
    )
        .prop_map(
            |(
                (after_minutes, status, message, internal_note),
                (severity, components, impact),
                decision,
            )| {
                Change {
                    after_minutes,
                    status,
                    message,
                    internal_note,
                    severity,
                    components,
                    impact,
                    decision,
                }
            },
        )
}

/// The files as `check` reads them, with the example's configuration.
fn check_files(files: &NewFiles) -> check::Outcome {
    let mut pending = files.clone();
    pending.insert("incidentkit.yaml".into(), CONFIG.into());
    check::check(&Files::with_pending(
        Path::new("/nonexistent/incidentkit-properties"),
        pending,
    ))
    .unwrap()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn a_declared_incident_reads_back_as_written((declaration, first) in declared()) {
        let id = "2026-11-26-generated";
        let files = compose::declare(id, &declaration, &first).unwrap();
        let outcome = check_files(&files);
        let repo = outcome.repository.expect("the configuration loads");
        let read = repo.incidents.iter().find(|i| i.id == id);
        let read = read.unwrap_or_else(|| panic!("not read back: {:#?}\n{files:#?}", outcome.diagnostics));
        prop_assert_eq!(&read.declaration, &declaration);
        prop_assert_eq!(&read.updates, &vec![first]);
    }

    #[test]
    fn every_update_reads_back_as_written(
        (declaration, first) in declared(),
        changes in prop::collection::vec(change(), 1..6),
    ) {
        let id = "2026-11-26-generated";
        let mut files = compose::declare(id, &declaration, &first).unwrap();
        let mut incident = Incident {
            id: id.into(),
            declaration,
            updates: vec![first],
            postmortem: None,
            amendments: Default::default(),
        };
        for change in changes {
            let at = incident.updates.last().unwrap().at
                + jiff::SignedDuration::from_mins(change.after_minutes);
            let mut update = compose::base_update(&incident, at, "@responder".into());
            update.status = change.status;
            // `update` always posts a message; `decide` posts a decision.
            update.message = match &change.decision {
                None => Some(change.message.unwrap_or_else(|| "Still investigating.".into())),
                Some(_) => change.message,
            };
            update.internal_note = change.internal_note;
            update.severity = change.severity;
            update.components = change.components.into();
            let (summary, users, scope) = change.impact;
            if let Some(impact) = compose::impact(summary, users, scope) {
                update.impact = Some(impact);
            }
            if let Some((options, why)) = change.decision {
                let chosen = options[0].split(':').next().unwrap().to_string();
                update.decision = Some(compose::decision(&options, &chosen, &why, None).unwrap());
            }
            files.extend(compose::update(&incident, &update).unwrap());
            incident.updates.push(update);
        }
        let outcome = check_files(&files);
        let repo = outcome.repository.expect("the configuration loads");
        let read = repo.incidents.iter().find(|i| i.id == id);
        let read = read.unwrap_or_else(|| panic!("not read back: {:#?}", outcome.diagnostics));
        prop_assert_eq!(&read.updates, &incident.updates, "{:#?}", outcome.diagnostics);
        prop_assert_eq!(read.current(), incident.current());
    }

    #[test]
    fn the_state_fold_survives_any_order_of_updates(
        (declaration, first) in declared(),
        changes in prop::collection::vec((timestamp(), change(), any::<bool>()), 0..12),
        at in timestamp(),
    ) {
        let updates: Vec<Update> = std::iter::once(first)
            .chain(changes.into_iter().map(|(when, c, fin)| Update {
                at: when,
                status: if fin { Status::Resolved } else { c.status },
                message: c.message,
                message_translations: Default::default(),
                internal_note: c.internal_note,
                impact: compose::impact(c.impact.0, c.impact.1, c.impact.2),
                severity: c.severity,
                components: c.components.into(),
                next_update_at: Some(when),
                author: "@x".into(),
                reopen: fin,
                decision: None,
                exempt: Default::default(),
            }))
            .collect();
        let incident = Incident {
            id: "2026-11-26-generated".into(),
            declaration,
            updates,
            postmortem: None,
            amendments: Default::default(),
        };
        let config = config();
        // In any order: an answer, never a panic.
        let _ = incident.state_at(at);
        let _ = incident.current();
        let _ = incident.phase(&config);
        // In time order (as `check` reads them) the latest values are in force.
        let mut sorted = incident.clone();
        sorted.updates.sort_by_key(|u| u.at);
        let now = sorted.current();
        let last = sorted.updates.last().unwrap();
        prop_assert_eq!(now.status, Some(last.status));
        prop_assert_eq!(now.last_update_at, Some(last.at));
        let severity = sorted
            .updates
            .iter()
            .rev()
            .find_map(|u| u.severity)
            .or(sorted.declaration.severity);
        prop_assert_eq!(now.severity, severity);
        prop_assert_eq!(now.resolved_at.is_some(), last.status.is_final());
    }

    #[test]
    fn an_internal_entry_changes_no_public_file(
        (declaration, first) in declared(),
        changes in prop::collection::vec(change(), 0..5),
        internal in change(),
        position in any::<prop::sample::Index>(),
    ) {
        let mut declaration = declaration;
        declaration.visibility = Visibility::Public;
        let mut updates = vec![first];
        for change in changes {
            let at = updates.last().unwrap().at
                + jiff::SignedDuration::from_mins(change.after_minutes);
            updates.push(Update {
                at,
                status: change.status,
                message: Some(change.message.unwrap_or_else(|| "No change.".into())),
                message_translations: Default::default(),
                internal_note: change.internal_note,
                impact: compose::impact(change.impact.0, change.impact.1, change.impact.2),
                severity: change.severity,
                components: change.components.into(),
                next_update_at: None,
                author: "@x".into(),
                reopen: false,
                decision: None,
                exempt: Default::default(),
            });
        }
        let last = updates.last().unwrap().at;
        let now = last + jiff::SignedDuration::from_hours(48);
        let public = Repository {
            config: config(),
            incidents: vec![Incident {
                id: "2026-11-26-generated".into(),
                declaration,
                updates: updates.clone(),
                postmortem: None,
                amendments: Default::default(),
            }],
        };
        // An internal entry anywhere after the declaration: between two
        // public ones, or after the last.
        let after = updates[position.index(updates.len())].at;
        let (options, why) = internal.decision.clone().unwrap_or_default();
        let entry = Update {
            at: after + jiff::SignedDuration::from_secs(30),
            status: internal.status,
            message: None,
            message_translations: Default::default(),
            internal_note: internal.internal_note.or(Some("note".into())),
            impact: compose::impact(internal.impact.0, internal.impact.1, internal.impact.2),
            severity: internal.severity,
            components: internal.components.into(),
            next_update_at: None,
            author: "@x".into(),
            reopen: false,
            decision: (!options.is_empty()).then(|| {
                let chosen = options[0].split(':').next().unwrap().to_string();
                compose::decision(&options, &chosen, &why, None).unwrap()
            }),
            exempt: Default::default(),
        };
        let mut with_entry = public.clone();
        let incident = &mut with_entry.incidents[0];
        incident.updates.push(entry);
        incident.updates.sort_by_key(|u| u.at);
        let templates = Templates::load(None).unwrap();
        let site = |repo| {
            let files = std::sync::Mutex::new(std::collections::BTreeMap::new());
            incidentkit::render::site(repo, None, &templates, now, &files).unwrap();
            files.into_inner().unwrap()
        };
        let (before, after) = (site(&public), site(&with_entry));
        prop_assert_eq!(before.len(), after.len());
        for (path, bytes) in &before {
            prop_assert!(after.get(path) == Some(bytes), "{} changed", path);
        }
    }
}
