//! GitHub Actions workflow commands, so findings appear on the pull request's
//! diff. Escaped exactly as the Actions toolkit (`@actions/core`) escapes.

use super::{Diagnostic, Level};
use std::io::{self, Write};

/// A workflow command's message, escaped.
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

/// GitHub shows at most this many annotations of each level per step.
const SHOWN_PER_LEVEL: usize = 10;

/// The first ten errors and ten warnings as annotations, then one line that
/// says how many more there are (the full list goes to the job summary).
pub fn print_github(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let mut hidden = [0usize; 2];
    let mut shown = [0usize; 2];
    for d in diagnostics {
        let slot = d.level as usize;
        if shown[slot] == SHOWN_PER_LEVEL {
            hidden[slot] += 1;
            continue;
        }
        shown[slot] += 1;
        let command = match d.level {
            Level::Error => "error",
            Level::Warning => "warning",
        };
        let mut props = format!("file={}", escape_property(&d.file));
        if let Some(line) = d.line {
            props.push_str(&format!(",line={line}"));
        }
        if let Some(col) = d.column {
            props.push_str(&format!(",col={col}"));
        }
        props.push_str(&format!(",title={}", escape_property(d.rule)));
        let mut message = d.message.clone();
        if let Some(hint) = &d.hint {
            message.push_str("\nhelp: ");
            message.push_str(hint);
        }
        writeln!(out, "::{command} {props}::{}", escape_data(&message))?;
    }
    if hidden != [0, 0] {
        writeln!(
            out,
            "::notice title=incidentkit::{} more errors and {} more warnings are not annotated (GitHub shows ten of each); the job summary lists them all",
            hidden[0], hidden[1]
        )?;
    }
    Ok(())
}

/// The full list as Markdown, for `$GITHUB_STEP_SUMMARY`.
pub fn summary_markdown(diagnostics: &[Diagnostic]) -> String {
    let cell = |s: &str| s.replace('|', "\\|").replace('\n', " ");
    let mut md = String::from(
        "### incidentkit validate\n\n| level | file | line | rule | message |\n|---|---|---|---|---|\n",
    );
    for d in diagnostics {
        md.push_str(&format!(
            "| {} | `{}` | {} | `{}` | {} |\n",
            d.level.as_str(),
            cell(&d.file),
            d.line.map_or_else(String::new, |l| l.to_string()),
            d.rule,
            cell(&d.message)
        ));
    }
    md
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_ten_of_each_level_and_counts_the_rest() {
        let many: Vec<Diagnostic> = (0..13)
            .map(|i| Diagnostic::new("r/x", Level::Error, "f.yaml", format!("e{i}")))
            .chain(
                (0..2).map(|i| Diagnostic::new("r/y", Level::Warning, "f.yaml", format!("w{i}"))),
            )
            .collect();
        let mut out = Vec::new();
        print_github(&mut out, &many).unwrap();
        let text = String::from_utf8(out).unwrap();
        assert_eq!(
            text.lines().filter(|l| l.starts_with("::error")).count(),
            10
        );
        assert_eq!(
            text.lines().filter(|l| l.starts_with("::warning")).count(),
            2
        );
        assert!(
            text.lines()
                .last()
                .unwrap()
                .contains("3 more errors and 0 more warnings"),
            "{text}"
        );
        assert_eq!(
            summary_markdown(&many)
                .lines()
                .filter(|l| l.starts_with("| error"))
                .count(),
            13
        );
    }

    #[test]
    fn escapes_as_the_actions_toolkit_does() {
        let d = Diagnostic::new(
            "a/b",
            Level::Error,
            "in,cidents/x:y.yaml",
            "100% bad\r\nnext: line, too",
        )
        .at_line(3, 7)
        .hint("fix it");
        let mut out = Vec::new();
        print_github(&mut out, &[d]).unwrap();
        assert_eq!(
            String::from_utf8(out).unwrap(),
            "::error file=in%2Ccidents/x%3Ay.yaml,line=3,col=7,title=a/b::100%25 bad%0D%0Anext: line, too%0Ahelp: fix it\n"
        );
    }
}
