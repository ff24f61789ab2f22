//! `components` of an update (each component it names and the status it
//! gives it) and of an incident's state, in id order, as a `BTreeMap` would
//! keep them. A sorted vector: an update names one or two components, a
//! build holds every update and the facts of every incident, and a B-tree's
//! first leaf is 300 bytes.

use super::vocab::ComponentStatus;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use std::collections::BTreeMap;

/// Component id → status, sorted by id, each id once.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes(Vec<(String, ComponentStatus)>);

impl Changes {
    /// None named.
    pub fn new() -> Self {
        Self::default()
    }

    /// Whether no component is named.
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn find(&self, id: &str) -> Result<usize, usize> {
        self.0.binary_search_by(|(k, _)| k.as_str().cmp(id))
    }

    /// The status given to `id`.
    pub fn get(&self, id: &str) -> Option<&ComponentStatus> {
        self.find(id).ok().map(|n| &self.0[n].1)
    }

    /// Sets `id`'s status; the one it had, if any.
    pub fn insert(&mut self, id: String, status: ComponentStatus) -> Option<ComponentStatus> {
        match self.find(&id) {
            Ok(n) => Some(std::mem::replace(&mut self.0[n].1, status)),
            Err(n) => {
                self.0.insert(n, (id, status));
                None
            }
        }
    }

    /// (id, status), by id.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (&String, &ComponentStatus)> {
        self.0.iter().map(|(k, v)| (k, v))
    }

    /// The ids, in order.
    pub fn keys(&self) -> impl DoubleEndedIterator<Item = &String> {
        self.0.iter().map(|(k, _)| k)
    }

    /// The statuses, in the order of their ids.
    pub fn values(&self) -> impl DoubleEndedIterator<Item = &ComponentStatus> {
        self.0.iter().map(|(_, v)| v)
    }

    /// The statuses, to change, in the order of their ids.
    pub fn values_mut(&mut self) -> impl DoubleEndedIterator<Item = &mut ComponentStatus> {
        self.0.iter_mut().map(|(_, v)| v)
    }
}

/// `changes["api"]`, as a map is read: panics when `id` is not named.
impl std::ops::Index<&str> for Changes {
    type Output = ComponentStatus;

    fn index(&self, id: &str) -> &ComponentStatus {
        self.get(id).expect("a component the changes name")
    }
}

impl FromIterator<(String, ComponentStatus)> for Changes {
    /// As a `BTreeMap` collects: sorted, the last status of an id kept.
    fn from_iter<I: IntoIterator<Item = (String, ComponentStatus)>>(iter: I) -> Self {
        Changes(
            iter.into_iter()
                .collect::<BTreeMap<_, _>>()
                .into_iter()
                .collect(),
        )
    }
}

impl<'a> IntoIterator for &'a Changes {
    type Item = (&'a String, &'a ComponentStatus);
    type IntoIter = std::iter::Map<
        std::slice::Iter<'a, (String, ComponentStatus)>,
        fn(&'a (String, ComponentStatus)) -> (&'a String, &'a ComponentStatus),
    >;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter().map(|(k, v)| (k, v))
    }
}

impl IntoIterator for Changes {
    type Item = (String, ComponentStatus);
    type IntoIter = std::vec::IntoIter<(String, ComponentStatus)>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl From<BTreeMap<String, ComponentStatus>> for Changes {
    fn from(map: BTreeMap<String, ComponentStatus>) -> Self {
        Changes(map.into_iter().collect())
    }
}

/// A map, as the files and records spell it.
impl Serialize for Changes {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_map(self.iter())
    }
}

impl<'de> Deserialize<'de> for Changes {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        BTreeMap::deserialize(deserializer).map(Changes::from)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ComponentStatus::*;

    /// Kept, found, replaced and written as a `BTreeMap` does.
    #[test]
    fn behaves_as_the_map_it_replaces() {
        let pairs = [
            ("web", MajorOutage),
            ("api", PartialOutage),
            ("web", Operational),
        ];
        let owned = || pairs.iter().map(|(k, v)| (k.to_string(), *v));
        let map: BTreeMap<String, ComponentStatus> = owned().collect();
        let mut changes: Changes = owned().collect();
        assert_eq!(
            changes.iter().collect::<Vec<_>>(),
            map.iter().collect::<Vec<_>>()
        );
        assert_eq!(changes.get("web"), Some(&Operational));
        assert_eq!(changes["web"], Operational);
        assert_eq!(changes.get("db"), None);
        assert_eq!(changes.insert("db".into(), DegradedPerformance), None);
        assert_eq!(
            changes.insert("api".into(), Operational),
            Some(PartialOutage)
        );
        assert_eq!(
            changes.keys().map(String::as_str).collect::<Vec<_>>(),
            ["api", "db", "web"]
        );
        let json = serde_json::to_string(&changes).unwrap();
        assert_eq!(
            json,
            r#"{"api":"operational","db":"degraded_performance","web":"operational"}"#
        );
        assert_eq!(serde_json::from_str::<Changes>(&json).unwrap(), changes);
    }
}
