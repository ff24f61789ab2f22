//! incidentkit: a git repository of YAML files as a team's whole incident
//! process. Data flows one way: `repo` reads files, `check` validates them
//! and builds the `model`, printers and renderers read the model.

pub mod author;
pub mod check;
pub mod cli;
pub mod clock;
pub mod describe;
pub mod diagnostics;
pub mod git;
pub mod github;
pub mod import;
pub mod model;
pub mod notify;
pub mod paths;
pub mod render;
pub mod repo;
pub mod schemas;
pub mod stats;
pub mod templates;
pub mod text;
