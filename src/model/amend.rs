//! Corrections and redactions of published updates. A published update is
//! never rewritten, with one sanctioned exception: a redaction replaces the
//! text of named fields with a placeholder, and records who, when, why and a
//! hash of what was removed. A correction leaves the update alone and
//! records the text that replaces its public message.

// Each field is described once, in schemas/correction.schema.json and
// schemas/redaction.schema.json, which editors show.
#![allow(missing_docs)]

use super::incident::{Update, UsersAffected};
use jiff::Timestamp;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// What a redacted field holds instead of its text.
pub const PLACEHOLDER: &str = "[removed]";

/// `corrections/<update>--<at>.yaml`: the public message of an update,
/// corrected. Every public output shows the latest correction and says so.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Correction {
    /// The `at` of the corrected update.
    pub update: Timestamp,
    pub at: Timestamp,
    pub author: String,
    /// Why (internal outputs only).
    pub reason: String,
    /// The corrected public message (Markdown).
    pub message: String,
}

/// `redactions/<update>--<at>.yaml`: which fields of an update were
/// replaced by the placeholder, when, by whom and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Redaction {
    /// The `at` of the redacted update.
    pub update: Timestamp,
    pub at: Timestamp,
    pub author: String,
    /// Why, shown with the note on every output that shows the update.
    pub reason: String,
    pub fields: Vec<RedactedField>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RedactedField {
    pub field: Field,
    /// SHA-256 (hex) of the removed value as compact JSON: lets `validate`
    /// match the rewrite to the record without keeping the text.
    pub sha256: String,
}

/// The fields of an update that hold text a person wrote.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize, clap::ValueEnum,
)]
#[serde(rename_all = "snake_case")]
#[value(rename_all = "snake_case")]
pub enum Field {
    Message,
    MessageTranslations,
    InternalNote,
    Impact,
    Decision,
}

impl Field {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Message => "message",
            Self::MessageTranslations => "message_translations",
            Self::InternalNote => "internal_note",
            Self::Impact => "impact",
            Self::Decision => "decision",
        }
    }

    /// Whether the public view shows this field.
    pub fn is_public(self) -> bool {
        matches!(
            self,
            Self::Message | Self::MessageTranslations | Self::Impact
        )
    }

    /// The field's value in `update` as JSON (null when absent).
    pub fn value(self, update: &Update) -> serde_json::Value {
        let value = match self {
            Self::Message => serde_json::to_value(&update.message),
            Self::MessageTranslations => serde_json::to_value(&update.message_translations),
            Self::InternalNote => serde_json::to_value(&update.internal_note),
            Self::Impact => serde_json::to_value(&update.impact),
            Self::Decision => serde_json::to_value(&update.decision),
        };
        value.unwrap_or(serde_json::Value::Null)
    }

    /// Whether the update has text in this field to remove.
    pub fn is_set(self, update: &Update) -> bool {
        match self.value(update) {
            serde_json::Value::Null => false,
            serde_json::Value::Object(map) => !map.is_empty(),
            _ => true,
        }
    }

    /// The hash a redaction records for this field of `update`.
    pub fn hash(self, update: &Update) -> String {
        let json = serde_json::to_vec(&self.value(update)).unwrap_or_default();
        Sha256::digest(json)
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect()
    }

    /// Replaces every text of this field with the placeholder; what makes
    /// the update valid (ids, the chosen option) stays.
    pub fn blank(self, update: &mut Update) {
        let removed = || PLACEHOLDER.to_string();
        match self {
            Self::Message => update.message = update.message.as_ref().map(|_| removed()),
            Self::MessageTranslations => update
                .message_translations
                .values_mut()
                .for_each(|t| *t = removed()),
            Self::InternalNote => {
                update.internal_note = update.internal_note.as_ref().map(|_| removed())
            }
            Self::Impact => {
                if let Some(i) = &mut update.impact {
                    for text in [&mut i.summary, &mut i.scope] {
                        *text = text.as_ref().map(|_| removed());
                    }
                    if i.users_affected.is_some() {
                        i.users_affected = Some(UsersAffected::Estimate(removed()));
                    }
                }
            }
            Self::Decision => {
                if let Some(d) = &mut update.decision {
                    d.question = d.question.as_ref().map(|_| removed());
                    d.rationale = removed();
                    for o in &mut d.options {
                        o.summary = removed();
                        for text in [&mut o.time_to_restore, &mut o.risk, &mut o.data_loss] {
                            *text = text.as_ref().map(|_| removed());
                        }
                    }
                }
            }
        }
    }
}

impl Redaction {
    /// Whether `after` is `before` with exactly the recorded fields blanked,
    /// and each hash matches the text `before` held. The first mismatch, in
    /// words, otherwise.
    pub fn explains(&self, before: &Update, after: &Update) -> Result<(), String> {
        let mut expected = before.clone();
        for f in &self.fields {
            if f.field.hash(before) != f.sha256 {
                return Err(format!(
                    "the recorded sha256 of `{}` does not match the text that was removed",
                    f.field.as_str()
                ));
            }
            f.field.blank(&mut expected);
        }
        if let Some(f) = self
            .fields
            .iter()
            .find(|f| f.field.value(&expected) != f.field.value(after))
        {
            return Err(format!(
                "`{}` does not hold the placeholder `{PLACEHOLDER}` the redaction records",
                f.field.as_str()
            ));
        }
        if expected != *after {
            return Err(
                "the update changed beyond the fields the redaction record names".to_string(),
            );
        }
        Ok(())
    }

    /// Whether the public view shows any field it removed.
    pub fn is_public(&self) -> bool {
        self.fields.iter().any(|f| f.field.is_public())
    }

    /// The fields, as `message, impact`.
    pub fn field_names(&self) -> String {
        let names: Vec<&str> = self.fields.iter().map(|f| f.field.as_str()).collect();
        names.join(", ")
    }
}

/// The corrections and redactions of one incident, each in time order.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Amendments {
    pub corrections: Vec<Correction>,
    pub redactions: Vec<Redaction>,
}

impl Amendments {
    pub fn is_empty(&self) -> bool {
        self.corrections.is_empty() && self.redactions.is_empty()
    }

    /// The corrections of `update`, oldest first. Only a public message is
    /// corrected: a correction of an internal entry would publish it
    /// (`amend/internal-entry`).
    pub fn corrections_of<'a>(
        &'a self,
        update: &'a Update,
    ) -> impl Iterator<Item = &'a Correction> {
        let public = update.is_public();
        (self.corrections.iter()).filter(move |c| public && c.update == update.at)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn update(text: &str) -> Update {
        serde_yaml::from_str(text).unwrap()
    }

    #[test]
    fn a_redaction_explains_only_its_own_rewrite() {
        let before = update(
            "at: 2026-11-26T10:05:00Z\nstatus: investigating\nmessage: token ghp_x leaked\nauthor: x\nimpact: {summary: Acme Corp cannot pay, users_affected: 3}\n",
        );
        let mut after = before.clone();
        Field::Message.blank(&mut after);
        let record = Redaction {
            update: before.at,
            at: before.at,
            author: "x".into(),
            reason: "a secret".into(),
            fields: vec![RedactedField {
                field: Field::Message,
                sha256: Field::Message.hash(&before),
            }],
        };
        assert_eq!(after.message.as_deref(), Some(PLACEHOLDER));
        assert_eq!(record.explains(&before, &after), Ok(()));
        let mut more = after.clone();
        Field::Impact.blank(&mut more);
        assert!(
            record
                .explains(&before, &more)
                .unwrap_err()
                .contains("beyond")
        );
        let mut edited = before.clone();
        edited.message = Some("token leaked".into());
        assert!(
            record
                .explains(&before, &edited)
                .unwrap_err()
                .contains("placeholder")
        );
        let wrong = Redaction {
            fields: vec![RedactedField {
                field: Field::Message,
                sha256: "00".into(),
            }],
            ..record
        };
        assert!(
            wrong
                .explains(&before, &after)
                .unwrap_err()
                .contains("sha256")
        );
    }
}
