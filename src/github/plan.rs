//! What `apply` would do: the desired issues (one per action item) against
//! the existing ones, matched by key. Pure: no network, no files.

use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

/// The issue an action item should have.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Desired {
    /// `<incident-id>/<item-id>`.
    pub key: String,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    /// The owner, when it is a GitHub handle (without the `@`).
    pub assignee: Option<String>,
    /// The post-mortem marks the item done.
    #[serde(skip)]
    pub done: bool,
}

/// An issue found on GitHub under the base label.
#[derive(Debug, Clone, PartialEq)]
pub struct Existing {
    pub number: u64,
    /// From the issue's marker; `None` for issues incidentkit did not write.
    pub key: Option<String>,
    pub title: String,
    pub body: String,
    pub labels: Vec<String>,
    pub assignees: Vec<String>,
    pub open: bool,
    /// `completed`, `not_planned`, `reopened`, …
    pub state_reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum Step {
    Create {
        #[serde(flatten)]
        issue: Desired,
    },
    Update {
        number: u64,
        /// The fields that drifted from the files.
        changes: Vec<&'static str>,
        /// Closed by `--prune` (as not planned), and its item is back.
        reopen: bool,
        #[serde(flatten)]
        issue: Desired,
        /// The labels to set: the issue's own, with incidentkit's replaced.
        #[serde(skip)]
        labels: Vec<String>,
        #[serde(skip)]
        assignees: Vec<String>,
    },
    Unchanged {
        number: u64,
        key: String,
    },
    /// The issue of an item held back (its post-mortem is a draft and
    /// drafts were not asked for): neither synced nor an orphan.
    Skipped {
        number: u64,
        key: String,
    },
    /// An open issue whose action item no longer exists (or a second issue
    /// for one item): reported, closed only with `--prune`.
    Orphan {
        number: u64,
        key: String,
        title: String,
        close: bool,
    },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Summary {
    pub create: usize,
    pub update: usize,
    pub reopen: usize,
    pub unchanged: usize,
    pub orphaned: usize,
    pub close: usize,
    pub skipped: usize,
}

impl Summary {
    pub fn of(steps: &[Step]) -> Self {
        let mut s = Self::default();
        for step in steps {
            match step {
                Step::Create { .. } => s.create += 1,
                Step::Update { reopen, .. } => {
                    s.update += 1;
                    s.reopen += usize::from(*reopen);
                }
                Step::Unchanged { .. } => s.unchanged += 1,
                Step::Skipped { .. } => s.skipped += 1,
                Step::Orphan { close, .. } => {
                    s.orphaned += 1;
                    s.close += usize::from(*close);
                }
            }
        }
        s
    }

    pub fn has_changes(&self) -> bool {
        self.create + self.update + self.close > 0
    }

    /// `Plan: 2 to create, 1 to update, 0 orphaned.`
    pub fn line(&self) -> String {
        let reopen = if self.reopen > 0 {
            format!(" ({} to reopen)", self.reopen)
        } else {
            String::new()
        };
        let close = if self.close > 0 {
            format!(" ({} to close)", self.close)
        } else {
            String::new()
        };
        let skipped = if self.skipped > 0 {
            format!(", {} skipped (draft post-mortems)", self.skipped)
        } else {
            String::new()
        };
        format!(
            "Plan: {} to create, {} to update{reopen}, {} orphaned{close}{skipped}.",
            self.create, self.update, self.orphaned
        )
    }
}

/// Matches `desired` with `existing` by key. `held`: the keys of items
/// left out for now (of draft post-mortems), whose issues are skipped, not
/// orphaned. `managed` tells the labels incidentkit sets (base,
/// severities, item types): those it replaces, any others people added stay.
pub fn plan(
    desired: &[Desired],
    held: &BTreeSet<String>,
    existing: &[Existing],
    managed: &dyn Fn(&str) -> bool,
    prune: bool,
) -> Vec<Step> {
    // The oldest issue of a key is its issue; later ones are duplicates.
    let mut by_key: BTreeMap<&str, Vec<&Existing>> = BTreeMap::new();
    for issue in existing {
        if let Some(key) = &issue.key {
            by_key.entry(key.as_str()).or_default().push(issue);
        }
    }
    for issues in by_key.values_mut() {
        issues.sort_by_key(|i| i.number);
    }
    let mut steps = Vec::new();
    let wanted: BTreeSet<&str> = desired.iter().map(|d| d.key.as_str()).collect();
    for want in desired {
        let Some(issue) = by_key.get(want.key.as_str()).and_then(|v| v.first()) else {
            steps.push(Step::Create {
                issue: want.clone(),
            });
            continue;
        };
        steps.push(compare(want, issue, managed));
    }
    for (key, issues) in &by_key {
        let extra = if wanted.contains(key) {
            &issues[1..]
        } else if held.contains(*key) {
            steps.push(Step::Skipped {
                number: issues[0].number,
                key: (*key).to_string(),
            });
            &issues[1..]
        } else {
            &issues[..]
        };
        for issue in extra.iter().filter(|i| i.open) {
            steps.push(Step::Orphan {
                number: issue.number,
                key: (*key).to_string(),
                title: issue.title.clone(),
                close: prune,
            });
        }
    }
    steps
}

fn compare(want: &Desired, issue: &Existing, managed: &dyn Fn(&str) -> bool) -> Step {
    let mut changes = Vec::new();
    if want.title != issue.title {
        changes.push("title");
    }
    if normalise(&want.body) != normalise(&issue.body) {
        changes.push("body");
    }
    // GitHub matches label names without regard to case: so does the plan.
    let mut labels: BTreeMap<String, String> = BTreeMap::new();
    for label in issue.labels.iter().filter(|l| !managed(&l.to_lowercase())) {
        labels.insert(label.to_lowercase(), label.clone());
    }
    for label in &want.labels {
        labels
            .entry(label.to_lowercase())
            .or_insert_with(|| label.clone());
    }
    let have: BTreeSet<String> = issue.labels.iter().map(|l| l.to_lowercase()).collect();
    if labels.keys().cloned().collect::<BTreeSet<_>>() != have {
        changes.push("labels");
    }
    let mut assignees = issue.assignees.clone();
    if let Some(owner) = &want.assignee
        && !assignees.iter().any(|a| a.eq_ignore_ascii_case(owner))
    {
        assignees.push(owner.clone());
        changes.push("assignee");
    }
    // `not_planned` is how `--prune` closes an orphan: the item is back, so
    // is its issue. People close an issue as completed when the work is
    // done; that stays closed.
    let reopen = !issue.open && issue.state_reason.as_deref() == Some("not_planned") && !want.done;
    if changes.is_empty() && !reopen {
        return Step::Unchanged {
            number: issue.number,
            key: want.key.clone(),
        };
    }
    Step::Update {
        number: issue.number,
        changes,
        reopen,
        issue: want.clone(),
        labels: labels.into_values().collect(),
        assignees,
    }
}

/// GitHub may store line ends as CRLF and drop trailing blanks.
fn normalise(body: &str) -> String {
    body.replace("\r\n", "\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn want(key: &str) -> Desired {
        Desired {
            key: key.to_string(),
            title: format!("title {key}"),
            body: format!("body {key}\n"),
            labels: vec!["incident-action".into(), "prevent".into(), "sev1".into()],
            assignee: Some("carol".into()),
            done: false,
        }
    }

    fn have(number: u64, d: &Desired) -> Existing {
        Existing {
            number,
            key: Some(d.key.clone()),
            title: d.title.clone(),
            body: d.body.replace('\n', "\r\n"),
            labels: d.labels.clone(),
            assignees: vec!["carol".into()],
            open: true,
            state_reason: None,
        }
    }

    fn managed(l: &str) -> bool {
        ["incident-action", "sev1", "sev2", "prevent", "detect"].contains(&l)
    }

    #[test]
    fn creates_updates_keeps_and_reports_orphans() {
        let a = want("inc/AI-1");
        let b = want("inc/AI-2");
        let c = want("inc/AI-3");
        let mut drifted = have(11, &b);
        drifted.body = "edited by hand".into();
        drifted.labels = vec!["incident-action".into(), "sev2".into(), "triage".into()];
        let orphan = Existing {
            key: Some("old/AI-9".into()),
            ..have(5, &a)
        };
        let closed_orphan = Existing {
            key: Some("old/AI-8".into()),
            open: false,
            ..have(4, &a)
        };
        let foreign = Existing {
            key: None,
            ..have(3, &a)
        };
        let steps = plan(
            &[a.clone(), b.clone(), c.clone()],
            &BTreeSet::new(),
            &[have(10, &a), drifted, orphan, closed_orphan, foreign],
            &managed,
            false,
        );
        assert_eq!(
            steps[0],
            Step::Unchanged {
                number: 10,
                key: a.key.clone()
            }
        );
        match &steps[1] {
            Step::Update {
                number,
                changes,
                labels,
                ..
            } => {
                assert_eq!(*number, 11);
                assert_eq!(changes, &["body", "labels"]);
                // People's own label stays; the old severity goes.
                assert_eq!(labels, &["incident-action", "prevent", "sev1", "triage"]);
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(steps[2], Step::Create { issue: c });
        assert_eq!(
            steps[3],
            Step::Orphan {
                number: 5,
                key: "old/AI-9".into(),
                title: a.title.clone(),
                close: false
            }
        );
        assert_eq!(
            steps.len(),
            4,
            "closed orphans and foreign issues are left alone"
        );
        assert_eq!(
            Summary::of(&steps).line(),
            "Plan: 1 to create, 1 to update, 1 orphaned."
        );
    }

    #[test]
    fn a_second_issue_for_one_item_is_an_orphan_and_prune_closes_it() {
        let a = want("inc/AI-1");
        let steps = plan(
            std::slice::from_ref(&a),
            &BTreeSet::new(),
            &[have(21, &a), have(20, &a)],
            &managed,
            true,
        );
        assert!(matches!(steps[0], Step::Unchanged { number: 20, .. }));
        assert!(matches!(
            steps[1],
            Step::Orphan {
                number: 21,
                close: true,
                ..
            }
        ));
        let summary = Summary::of(&steps);
        assert!(summary.has_changes());
        assert_eq!(
            summary.line(),
            "Plan: 0 to create, 0 to update, 1 orphaned (1 to close)."
        );
    }

    #[test]
    fn the_issue_of_a_held_item_is_skipped_even_with_prune() {
        let a = want("inc/AI-1");
        let held = BTreeSet::from(["draft/AI-1".to_string()]);
        let issue = Existing {
            key: Some("draft/AI-1".into()),
            ..have(3, &a)
        };
        let steps = plan(&[], &held, &[issue], &managed, true);
        assert_eq!(
            steps,
            [Step::Skipped {
                number: 3,
                key: "draft/AI-1".into()
            }]
        );
        let summary = Summary::of(&steps);
        assert!(!summary.has_changes());
        assert_eq!(
            summary.line(),
            "Plan: 0 to create, 0 to update, 0 orphaned, 1 skipped (draft post-mortems)."
        );
    }

    #[test]
    fn an_issue_prune_closed_is_reopened_when_its_item_is_back() {
        let a = want("inc/AI-1");
        let closed = |reason: &str| Existing {
            open: false,
            state_reason: Some(reason.into()),
            ..have(1, &a)
        };
        let steps = plan(
            std::slice::from_ref(&a),
            &BTreeSet::new(),
            &[closed("not_planned")],
            &managed,
            false,
        );
        assert!(
            matches!(&steps[0], Step::Update { reopen: true, changes, .. } if changes.is_empty()),
            "{steps:?}"
        );
        assert_eq!(
            Summary::of(&steps).line(),
            "Plan: 0 to create, 1 to update (1 to reopen), 0 orphaned."
        );
        // Closed as done by people, or an item the post-mortem marks done:
        // left closed.
        let done = Desired {
            done: true,
            ..a.clone()
        };
        for (want, issue) in [(&a, closed("completed")), (&done, closed("not_planned"))] {
            let steps = plan(
                std::slice::from_ref(want),
                &BTreeSet::new(),
                &[issue],
                &managed,
                false,
            );
            assert!(matches!(steps[0], Step::Unchanged { .. }), "{steps:?}");
        }
    }

    #[test]
    fn label_names_differing_in_case_are_the_same_label() {
        let a = want("inc/AI-1");
        let mut issue = have(1, &a);
        issue.labels = vec!["Incident-Action".into(), "PREVENT".into(), "Sev1".into()];
        assert!(matches!(
            plan(
                std::slice::from_ref(&a),
                &BTreeSet::new(),
                &[issue],
                &managed,
                false
            )[0],
            Step::Unchanged { .. }
        ));
    }

    #[test]
    fn a_new_owner_is_assigned_beside_others() {
        let a = want("inc/AI-1");
        let mut issue = have(1, &a);
        issue.assignees = vec!["dave".into()];
        match &plan(&[a], &BTreeSet::new(), &[issue], &managed, false)[0] {
            Step::Update {
                changes, assignees, ..
            } => {
                assert_eq!(changes, &["assignee"]);
                assert_eq!(assignees, &["dave", "carol"]);
            }
            other => panic!("{other:?}"),
        }
    }
}
