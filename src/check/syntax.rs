//! Help for the YAML mistakes incident files see most, in the file's own
//! words: an unquoted `@handle`, a `: ` inside a text. Worked out only for a
//! file that failed to parse, from the error's place and its line; any other
//! error gets the general help.

use crate::repo::yaml::YamlError;
use crate::text::cut;

/// The most characters of the file's text quoted back in a hint: a message
/// of a thousand characters would otherwise be printed again in full.
const QUOTED: usize = 40;

/// What to do about `error` in `text`, when it is one of the common mistakes.
pub(super) fn hint(text: &str, error: &YamlError) -> Option<String> {
    let (line, column) = (error.line?, error.column?);
    let lines: Vec<&str> = text.lines().collect();
    let here = lines.get(line.checked_sub(1)?)?;
    let message = error.message.as_str();
    if message.contains("cannot start any token") {
        unquoted(here, column)
    } else if message.contains("mapping values are not allowed") {
        colon_in_text(here, column)
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

/// A key as incident files spell them: `declared_at`, `next-update`.
fn is_word(key: &str) -> bool {
    key.starts_with(|c: char| c.is_alphabetic() || c == '_')
        && key
            .chars()
            .all(|c| c.is_alphanumeric() || c == '_' || c == '-')
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
    fn other_mistakes_keep_the_general_help() {
        for text in [
            "title: x\nseverity sev3\nkind: x\n",
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
