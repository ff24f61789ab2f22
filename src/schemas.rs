//! The JSON Schemas of the four file kinds, embedded in the binary.

/// Each file kind of an incident repository.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, clap::ValueEnum)]
pub enum FileKind {
    Config,
    Incident,
    Update,
    Postmortem,
}

impl FileKind {
    pub const ALL: [FileKind; 4] = [Self::Config, Self::Incident, Self::Update, Self::Postmortem];

    pub fn name(self) -> &'static str {
        match self {
            Self::Config => "config",
            Self::Incident => "incident",
            Self::Update => "update",
            Self::Postmortem => "postmortem",
        }
    }

    /// The schema's file name in `schemas/`.
    pub fn schema_file(self) -> String {
        format!("{}.schema.json", self.name())
    }

    pub fn schema_text(self) -> &'static str {
        match self {
            Self::Config => include_str!("../schemas/config.schema.json"),
            Self::Incident => include_str!("../schemas/incident.schema.json"),
            Self::Update => include_str!("../schemas/update.schema.json"),
            Self::Postmortem => include_str!("../schemas/postmortem.schema.json"),
        }
    }
}
