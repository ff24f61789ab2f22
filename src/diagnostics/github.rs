//! GitHub Actions workflow commands, so findings appear on the pull request's
//! diff. Escaped exactly as the Actions toolkit (`@actions/core`) escapes.

use super::{Diagnostic, Level};
use std::io::{self, Write};

fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

pub fn print_github(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    for d in diagnostics {
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
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
