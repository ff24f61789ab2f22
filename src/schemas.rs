//! The JSON Schemas of the file kinds, embedded in the binary.

use serde_json::Value;
use std::sync::LazyLock;

/// Each file kind of an incident repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    /// `incidentkit.yaml`.
    Config,
    /// `incidents/<id>/incident.yaml`, the declaration.
    Incident,
    /// `incidents/<id>/updates/<time>.yaml`.
    Update,
    /// `incidents/<id>/postmortem.yaml`.
    Postmortem,
    /// `incidents/<id>/corrections/<update>--<time>.yaml`.
    Correction,
    /// `incidents/<id>/redactions/<update>--<time>.yaml`.
    Redaction,
}

impl FileKind {
    /// Every kind, in the order above.
    pub const ALL: [FileKind; 6] = [
        Self::Config,
        Self::Incident,
        Self::Update,
        Self::Postmortem,
        Self::Correction,
        Self::Redaction,
    ];

    /// The schema's name, as `incident schema NAME` takes it.
    pub fn name(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Incident => "incident",
            Self::Update => "update",
            Self::Postmortem => "postmortem",
            Self::Correction => "correction",
            Self::Redaction => "redaction",
        }
    }

    /// The schema's file name in `schemas/`.
    pub fn schema_file(self) -> String {
        format!("{}.schema.json", self.name())
    }

    /// The schema, parsed once.
    pub fn schema_json(self) -> &'static Value {
        static PARSED: LazyLock<[Value; 6]> = LazyLock::new(|| {
            // The schemas are part of the binary and tested; failing here is a bug.
            FileKind::ALL
                .map(|k| serde_json::from_str(k.schema_text()).expect("embedded schema is JSON"))
        });
        &PARSED[self as usize]
    }

    /// The schema's JSON text, as embedded.
    pub fn schema_text(self) -> &'static str {
        match self {
            Self::Config => include_str!("../schemas/config.schema.json"),
            Self::Incident => include_str!("../schemas/incident.schema.json"),
            Self::Update => include_str!("../schemas/update.schema.json"),
            Self::Postmortem => include_str!("../schemas/postmortem.schema.json"),
            Self::Correction => include_str!("../schemas/correction.schema.json"),
            Self::Redaction => include_str!("../schemas/redaction.schema.json"),
        }
    }
}

/// The node a local `$ref` (`#/$defs/…`) in `node` points to, within `schema`.
pub fn follow_ref<'a>(schema: &'a Value, node: &Value) -> Option<&'a Value> {
    let target = node.get("$ref")?.as_str()?.strip_prefix('#')?;
    schema.pointer(target)
}
