use super::{Counts, Diagnostic};
use serde::Serialize;
use std::io::{self, Write};

/// A stable machine format: `{"version": 1, "diagnostics": [...], "summary": {...}}`.
pub fn print_json(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    #[derive(Serialize)]
    struct Report<'a> {
        version: u32,
        diagnostics: &'a [Diagnostic],
        summary: Counts,
    }
    let report = Report {
        version: 1,
        diagnostics,
        summary: Counts::of(diagnostics),
    };
    serde_json::to_writer_pretty(&mut *out, &report)?;
    writeln!(out)
}
