//! incidentkit: a git repository of YAML files as a team's whole incident
//! process. Data flows one way: `repo` reads files, `check` validates them
//! and builds the `model`, printers and renderers read the model.

#![warn(missing_docs)]

mod alloc;
pub mod check;
pub mod cli;
mod clock;
pub mod compose;
mod describe;
pub mod diagnostics;
mod git;
mod github;
mod import;
pub mod model;
mod notify;
mod paths;
pub mod render;
pub mod repo;
pub mod schemas;
mod stats;
pub mod templates;
mod text;
