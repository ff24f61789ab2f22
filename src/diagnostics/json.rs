//! Findings as JSON, one object per finding, for machines.

use super::{Counts, Diagnostic};
use serde::Serialize;
use std::io::{self, Write};

/// A finding an `exempt:` silenced, with the reason given.
#[derive(Debug, Serialize)]
pub struct ExemptedJson<'a> {
    #[serde(flatten)]
    pub diagnostic: &'a Diagnostic,
    pub reason: &'a str,
}

/// A stable machine format: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
pub fn print_json(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    print_json_with(out, diagnostics, &[])
}

/// As `print_json`, with the exempted findings under `"exempted"` (only
/// when there are any, so the format is unchanged for everyone else).
pub fn print_json_with(
    out: &mut dyn Write,
    diagnostics: &[Diagnostic],
    exempted: &[ExemptedJson],
) -> io::Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        version: u32,
        diagnostics: &'a [Diagnostic],
        summary: Counts,
        #[serde(skip_serializing_if = "<[_]>::is_empty")]
        exempted: &'a [ExemptedJson<'a>],
    }
    let report = Report {
        version: 1,
        diagnostics,
        summary: Counts::of(diagnostics),
        exempted,
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
