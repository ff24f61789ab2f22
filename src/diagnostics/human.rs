//! rustc-style output: the finding, where it is, the source line with the
//! span underlined, and what to do about it.

use super::{Counts, Diagnostic, Level};
use anstyle::{AnsiColor, Style};
use std::io::{self, Write};

fn level_style(level: Level) -> Style {
    let color = match level {
        Level::Error => AnsiColor::Red,
        Level::Warning => AnsiColor::Yellow,
    };
    Style::new().fg_color(Some(color.into())).bold()
}

/// Writes ANSI styles; wrap `out` in `anstream` to strip them where colour is
/// unwanted (not a terminal, `NO_COLOR`).
pub fn print_human(out: &mut dyn Write, diagnostics: &[Diagnostic]) -> io::Result<()> {
    let bold = Style::new().bold();
    let blue = Style::new().fg_color(Some(AnsiColor::Blue.into())).bold();
    for d in diagnostics {
        let style = level_style(d.level);
        writeln!(
            out,
            "{style}{}[{}]{style:#}{bold}: {}{bold:#}",
            d.level.as_str(),
            d.rule,
            crate::text::terminal(&d.message)
        )?;
        let location = match (d.line, d.column) {
            (Some(line), Some(col)) => format!("{}:{line}:{col}", d.file),
            (Some(line), None) => format!("{}:{line}", d.file),
            _ => d.file.clone(),
        };
        let gutter = d.line.map_or(1, |l| l.to_string().len());
        let pad = " ".repeat(gutter);
        writeln!(out, "{pad}{blue}-->{blue:#} {location}")?;
        if let (Some(line), Some(col), Some((text, width))) = (d.line, d.column, &d.snippet) {
            let (text, col, width) = shown(text, col, *width);
            // One character for one, so the carets stay under the place.
            let text = crate::text::terminal(&text);
            writeln!(out, "{pad} {blue}|{blue:#}")?;
            writeln!(out, "{blue}{line}{blue:#} {blue}|{blue:#} {text}")?;
            let indent: String = text
                .chars()
                .take(col - 1)
                .map(|c| if c == '\t' { '\t' } else { ' ' })
                .collect();
            let carets = "^".repeat(width.max(1));
            writeln!(
                out,
                "{pad} {blue}|{blue:#} {indent}{style}{carets}{style:#}"
            )?;
        }
        if let Some(hint) = &d.hint {
            let hint = crate::text::terminal(hint);
            writeln!(out, "{pad} {blue}={blue:#} {bold}help{bold:#}: {hint}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}

/// The most characters of a source line shown: a message of half a
/// megabyte on one line would otherwise print a megabyte.
const SHOWN: usize = 120;

/// The part of the line `text` shown for a span at `col` (1-based, in
/// characters) `width` characters wide: the whole line when short, else
/// from a little before the span, `…` where it was cut; with the span's
/// column and width in what is shown.
fn shown(text: &str, col: usize, width: usize) -> (String, usize, usize) {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= SHOWN {
        return (text.to_string(), col, width);
    }
    let at = col.saturating_sub(1).min(chars.len());
    let start = at.saturating_sub(SHOWN / 6);
    let end = (start + SHOWN).min(chars.len());
    let mut out: String = if start > 0 {
        "…".into()
    } else {
        String::new()
    };
    let lead = out.chars().count();
    out.extend(&chars[start..end]);
    if end < chars.len() {
        out.push('…');
    }
    (
        out,
        at - start + lead + 1,
        width.min(end.saturating_sub(at)),
    )
}

/// The last line: what was checked and what was found.
pub fn summary_line(counts: Counts, what: &str) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    if counts.errors == 0 && counts.warnings == 0 {
        format!("ok: {what}, no findings")
    } else {
        format!(
            "{}, {} ({what})",
            plural(counts.errors, "error"),
            plural(counts.warnings, "warning")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::shown;

    #[test]
    fn a_long_line_is_cut_around_the_span() {
        assert_eq!(shown("key: value", 6, 5), ("key: value".into(), 6, 5));
        let long = format!("message: {}", "x".repeat(500_000));
        let (text, col, width) = shown(&long, 10, 500_000);
        assert_eq!(text.chars().count(), 121, "{text}");
        assert_eq!((col, width), (10, 111));
        assert!(text.starts_with("message: x") && text.ends_with('…'));
        let far = format!("{}ERR{}", "a".repeat(1000), "b".repeat(1000));
        let (text, col, width) = shown(&far, 1001, 3);
        assert!(text.starts_with('…') && text.ends_with('…'));
        let chars: Vec<char> = text.chars().collect();
        assert_eq!(
            chars[col - 1..col - 1 + width].iter().collect::<String>(),
            "ERR"
        );
    }
}
