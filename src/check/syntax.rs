//! Help for the YAML mistakes incident files see most, in the file's own
//! words: an unquoted `@handle`, a `: ` inside a text, a key without its
//! colon. Worked out only for a file that failed to parse, from the error's
//! place and the lines around it; any other error gets the general help.

use crate::repo::yaml::YamlError;
use crate::text::cut;

/// The most characters of the file's text quoted back in a hint: a message
/// of a thousand characters would otherwise be printed again in full.
const QUOTED: usize = 40;

/// What to do about `error` in `text`, when it is one of the common mistakes.
pub(super) fn hint(text: &str, error: &YamlError) -> Option<String> {
    // The message says where both are; either may be the one to keep.
    if error.duplicate_key {
        return Some("keep one of the two and delete the other (or merge them)".to_string());
    }
    let (line, column) = (error.line?, error.column?);
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?;
    let message = error.message.as_str();
    if message.contains("cannot start any token") {
        unquoted(here, column)
    } else if message.contains("mapping values are not allowed") {
        colon_in_text(here, column).or_else(|| missing_colon(&lines, line, column))
    } else if message.contains("could not find expected ':'") {
        missing_colon(&lines, line, column)
    } else {
        None
    }
}

/// `commander: @alice`: `@` and `` ` `` are reserved, so a value cannot
/// start with them unquoted.
fn unquoted(line: &str, column: usize) -> Option<String> {
    let at = line.char_indices().nth(column.checked_sub(1)?)?.0;
    let (before, value) = line.split_at(at);
    if !value.starts_with(['@', '`']) {
        return None;
    }
    // In `[@carol, @dan]` the value ends at the next item, and the key, if
    // any, is somewhere before.
    if before.contains(['[', '{']) {
        let value = value.split([',', ']', '}']).next().unwrap_or(value);
        return Some(format!("quote it: `{}`", quoted(value.trim_end())));
    }
    let value = quoted(uncommented(value));
    let shown = format!("{} {value}", before.trim());
    Some(format!("quote it: `{}`", shown.trim_start()))
}

/// `message: Cause: a bad deploy.`: a second `: ` on the line of a plain
/// text would start a mapping inside it.
fn colon_in_text(line: &str, column: usize) -> Option<String> {
    let content = line.trim_start();
    let content = content.strip_prefix("- ").unwrap_or(content);
    let (key, text) = content.split_once(": ")?;
    // The first `: ` is the key's, in characters from the start of the line.
    let colon = line.chars().count() - content.chars().count() + key.chars().count() + 1;
    let text = text.trim_start();
    if column <= colon + 1 || !is_word(key) || text.starts_with(['"', '\'', '|', '>']) {
        return None;
    }
    Some(format!(
        "quote the text or write it as a block: `{key}: |` and the text on the next lines, indented"
    ))
}

/// `severity sev3`: libyaml reads it as the start of a text and finds the
/// error only on the next line (or at the end of the file), where it
/// points; the line to fix is the one before.
fn missing_colon(lines: &[&str], line: usize, column: usize) -> Option<String> {
    let at = line.checked_sub(1)?;
    let here = lines.get(at)?;
    let suspect = if column > here.trim_end().chars().count() {
        at
    } else {
        previous_content(lines, at)?
    };
    let (key, value) = word_value(lines[suspect])?;
    let indent = indentation(lines[suspect]);
    if suspect != at && indentation(here) != indent {
        return None;
    }
    // Under a line that is less indented and opens nothing, the line goes
    // on with that line's text (a value over several lines), and is fine.
    if let Some(above) = previous_content(lines, suspect)
        && indentation(lines[above]) < indent
        && !uncommented(lines[above]).ends_with(':')
    {
        return None;
    }
    let value = if value.starts_with(['@', '`']) {
        quoted(value)
    } else {
        cut(value, QUOTED)
    };
    Some(format!(
        "line {} `{}` has no `:` — did you mean `{key}: {value}`?",
        suspect + 1,
        cut(uncommented(lines[suspect].trim_start()), QUOTED)
    ))
}

/// A line that reads `word value` with nothing YAML takes for a key's `: `.
fn word_value(line: &str) -> Option<(&str, &str)> {
    let content = uncommented(line.trim_start());
    if content.contains(": ") || content.ends_with(':') {
        return None;
    }
    let (key, value) = content.split_once([' ', '\t'])?;
    let value = value.trim();
    (is_word(key) && !value.is_empty()).then_some((key, value))
}

/// A key as incident files spell them: `declared_at`, `next-update`.
fn is_word(key: &str) -> bool {
    key.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// The closest line before `at` that holds more than a comment.
fn previous_content(lines: &[&str], at: usize) -> Option<usize> {
    (0..at).rev().find(|&i| {
        let line = lines[i].trim();
        !line.is_empty() && !line.starts_with('#')
    })
}

/// The spaces a line starts with.
fn indentation(line: &str) -> usize {
    line.len() - line.trim_start_matches(' ').len()
}

/// Without a trailing ` # comment`, as YAML reads a plain value.
fn uncommented(text: &str) -> &str {
    let end = text
        .char_indices()
        .find(|&(i, c)| c == '#' && text[..i].ends_with([' ', '\t']))
        .map_or(text.len(), |(i, _)| i);
    text[..end].trim_end()
}

/// `text` double-quoted, cut short when long.
fn quoted(text: &str) -> String {
    let text = cut(text, QUOTED);
    format!("\"{}\"", text.replace('\\', "\\\\").replace('"', "\\\""))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::repo::yaml;

    /// The hint for `text` as `validate` finds it: after `yaml::parse`.
    fn hint_for(text: &str) -> Option<String> {
        hint(text, &yaml::parse(text).expect_err(text))
    }

    #[test]
    fn a_handle_or_backtick_is_quoted_where_it_stands() {
        let cases = [
            ("roles:\n  commander: @alice\n", "commander: \"@alice\""),
            (
                "roles:\r\n  commander: @alice # lead\r\n",
                "commander: \"@alice\"",
            ),
            ("roles:\n  investigators:\n    - @carol\n", "- \"@carol\""),
            ("roles: {commander: @carol}\n", "\"@carol\""),
            ("investigators: [@carol, @dan]\n", "\"@carol\""),
            ("title: é\nroles: {é: `x`}\n", "\"`x`\""),
            ("author: @al\"i\\ce\n", "author: \"@al\\\"i\\\\ce\""),
        ];
        for (text, quoted) in cases {
            assert_eq!(
                hint_for(text),
                Some(format!("quote it: `{quoted}`")),
                "{text:?}"
            );
        }
        let long = format!("message: @alice {}\n", "x".repeat(500));
        let hint = hint_for(&long).unwrap();
        assert!(hint.ends_with("xxx…\"`"), "{hint}");
    }

    #[test]
    fn a_colon_in_a_text_suggests_quotes_or_a_block() {
        for text in [
            "message: Cause: a bad deploy.\n",
            "impact:\n  summary: Cause: a bad deploy.\n",
            "timeline:\n  - message: Cause: a bad deploy.\n",
        ] {
            let hint = hint_for(text).unwrap_or_default();
            assert!(
                hint.starts_with("quote the text or write it as a block: `"),
                "{text:?}: {hint}"
            );
        }
        assert_eq!(
            hint_for("message: Cause: a bad deploy.\n").unwrap(),
            "quote the text or write it as a block: `message: |` and the text on the next lines, indented"
        );
    }

    #[test]
    fn a_key_without_its_colon_is_named_from_the_next_line() {
        let said = |line: usize, text: &str, meant: &str| {
            format!("line {line} `{text}` has no `:` — did you mean `{meant}`?")
        };
        let cases = [
            (
                "title: x\nseverity sev3\nkind: x\n",
                said(2, "severity sev3", "severity: sev3"),
            ),
            (
                "title: x\nseverity sev3 # c\n\n# c\nkind: x\n",
                said(2, "severity sev3", "severity: sev3"),
            ),
            (
                "title: x\nseverity sev3\n",
                said(2, "severity sev3", "severity: sev3"),
            ),
            (
                "title: x\r\nseverity sev3\r\nkind: x\r\n",
                said(2, "severity sev3", "severity: sev3"),
            ),
            (
                "severity sev3\nkind: x\n",
                said(1, "severity sev3", "severity: sev3"),
            ),
            (
                "roles:\n  commander @alice\n  comms: x\n",
                said(2, "commander @alice", "commander: \"@alice\""),
            ),
            (
                "roles:\n  comms: x\n  commander @alice\n  x: y\n",
                said(3, "commander @alice", "commander: \"@alice\""),
            ),
            (
                "message: |\n  text\ndeclared_at 2026-11-26T10:30:00Z\nkind: x\n",
                said(
                    3,
                    "declared_at 2026-11-26T10:30:00Z",
                    "declared_at: 2026-11-26T10:30:00Z",
                ),
            ),
        ];
        for (text, hint) in cases {
            assert_eq!(hint_for(text), Some(hint), "{text:?}");
        }
    }

    #[test]
    fn other_mistakes_keep_the_general_help() {
        for text in [
            // A value over several lines, not a key.
            "message: We rolled back\n  the deploy\n  status: x\n",
            "title: x\nseverity\nkind: x\n",
            "components: [checkout\n",
            "title: 'x\n",
            "message: \"a\": b\n",
        ] {
            assert_eq!(hint_for(text), None, "{text:?}");
        }
    }

    #[test]
    fn odd_places_give_no_hint_and_no_panic() {
        let error = |message: &str, line, column| YamlError {
            message: message.to_string(),
            line: Some(line),
            column: Some(column),
            duplicate_key: false,
        };
        let texts = [
            "",
            "\n",
            "é",
            "\té: @x\t",
            "a\r\n\r\n@",
            "x y\n\u{2028}: : @",
        ];
        let messages = [
            "found character that cannot start any token",
            "mapping values are not allowed in this context",
            "could not find expected ':'",
        ];
        for text in texts {
            for message in messages {
                for (line, column) in [
                    (0, 0),
                    (1, 0),
                    (0, 1),
                    (1, 1),
                    (1, 3),
                    (2, 1),
                    (9, 9),
                    (usize::MAX, usize::MAX),
                ] {
                    let _ = hint(text, &error(message, line, column));
                }
            }
        }
    }

    use proptest::prelude::*;

    proptest! {
        /// Whatever the text and wherever the error, a hint is no panic.
        #[test]
        fn any_text_and_place_is_no_panic(
            text in "[a-c:@`#\\- \t\r\n\"'é\u{2028}{}\\[\\],|]{0,40}",
            line in 0usize..6,
            column in 0usize..20,
            message in 0usize..3,
        ) {
            let message = ["cannot start any token", "mapping values are not allowed", "could not find expected ':'"][message];
            let error = YamlError { message: message.to_string(), line: Some(line), column: Some(column), duplicate_key: false };
            let _ = hint(&text, &error);
            if let Err(e) = yaml::parse(&text) {
                let _ = hint(&text, &e);
            }
        }
    }
}
