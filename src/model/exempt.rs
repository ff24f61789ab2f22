//! `exempt:` on a declaration, an update or a post-mortem: findings of a rule
//! silenced in that file, each with the reason people agreed on.

use serde::{Deserialize, Deserializer, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Exemption {
    pub rule: String,
    /// Optional here so that a missing reason is a finding of its own,
    /// with a message that says what to write, not a schema error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// One exemption or a list of them, as people write it. A slice: every
/// update has one, almost always empty, and a build holds every update.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[serde(transparent)]
pub struct Exemptions(pub Box<[Exemption]>);

impl Exemptions {
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl<'de> Deserialize<'de> for Exemptions {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum OneOrMany {
            One(Exemption),
            Many(Vec<Exemption>),
        }
        Ok(Self(match OneOrMany::deserialize(d)? {
            OneOrMany::One(e) => Box::new([e]),
            OneOrMany::Many(list) => list.into_boxed_slice(),
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_or_a_list() {
        let one: Exemptions =
            serde_yaml::from_str("{rule: cadence/black-hole, reason: chat was down}").unwrap();
        let many: Exemptions =
            serde_yaml::from_str("- {rule: cadence/black-hole, reason: chat was down}").unwrap();
        assert_eq!(one, many);
        assert_eq!(one.0[0].reason.as_deref(), Some("chat was down"));
    }
}
