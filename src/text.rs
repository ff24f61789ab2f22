//! Untrusted text: what people (or a hostile pull request) wrote, made safe
//! for the one place it goes. Every command and renderer that prints or
//! embeds people's text uses these, so a control character, a terminal
//! escape or a crafted link is handled the same way everywhere.

/// One line without control characters: titles, labels, list rows.
pub fn one_line(text: &str) -> String {
    text.split(|c: char| c.is_whitespace() || c.is_control() || is_bidi_control(c))
        .filter(|w| !w.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Text for a terminal: line breaks and tabs kept, every other control
/// character (an escape sequence would recolour or rewrite the screen) and
/// bidirectional override shown as U+FFFD, so nothing hides and columns
/// still line up.
pub fn terminal(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '\n' | '\t' => c,
            c if c.is_control() || is_bidi_control(c) => '\u{FFFD}',
            c => c,
        })
        .collect()
}

/// At most `max` characters, the last an ellipsis when cut.
pub fn cut(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    text.chars()
        .take(max.saturating_sub(1))
        .chain(['…'])
        .collect()
}

/// The first line that holds something, for a terminal.
pub fn first_line(text: &str) -> String {
    terminal(text.lines().find(|l| !l.trim().is_empty()).unwrap_or(""))
}

/// Markdown that shows exactly this text on one line: no HTML (so no
/// comments, no forged marker), no table-cell break, no links or emphasis
/// the writer did not mean.
pub fn markdown_inline(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in one_line(text).chars() {
        if matches!(
            c,
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '|' | '#' | '!' | '~'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// Text read on GitHub without an `@user` or `@org/team` that GitHub would
/// notify: a word joiner (U+2060) after each `@` reads the same. Every text
/// from the files that reaches GitHub goes through this one function.
pub fn no_mentions(text: &str) -> String {
    text.replace('@', "@\u{2060}")
}

/// An http(s) URL with nothing that could end a Markdown link early; `None`
/// for any other scheme.
pub fn safe_url(url: &str) -> Option<String> {
    let lower = url.to_ascii_lowercase();
    if !(lower.starts_with("https://") || lower.starts_with("http://")) {
        return None;
    }
    Some(
        url.chars()
            .map(|c| match c {
                ' ' | '(' | ')' | '<' | '>' | '"' | '\'' | '`' | '[' | ']' | '\\' | '|' => {
                    format!("%{:02X}", c as u32)
                }
                c if c.is_control() => String::new(),
                c => c.to_string(),
            })
            .collect(),
    )
}

/// HTML text and attribute values.
pub fn html(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
}

/// Slack's mrkdwn escapes: `&`, `<` and `>` only, as Slack asks.
pub fn slack(text: &str) -> String {
    text.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// Discord Markdown: every character that could format, quote, link or
/// mention is escaped with a backslash, so the text shows as written.
pub fn discord(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in terminal(text).chars() {
        if matches!(
            c,
            '\\' | '*'
                | '_'
                | '~'
                | '`'
                | '|'
                | '>'
                | '<'
                | '#'
                | '-'
                | '['
                | ']'
                | '('
                | ')'
                | '@'
        ) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// XML 1.0 has no way to carry most control characters, even escaped: one
/// pasted into a message would make a whole feed unreadable, so they go.
pub fn xml_chars(xml: String) -> String {
    // Nearly every feed has none: a scan of its bytes (the control
    // characters, and 0xEF, which leads U+FFFE and U+FFFF among others)
    // returns it as it is, where going through it character by character
    // cost a tenth of a whole `build`. Without a branch per byte (`&`, `|`,
    // a block at a time), the compiler checks many bytes in one instruction.
    let suspect = |b: u8| (b < 0x20) & (b != b'\t') & (b != b'\n') & (b != b'\r') | (b == 0xEF);
    let in_block = |block: &[u8]| block.iter().fold(false, |any, &b| any | suspect(b));
    if !xml.as_bytes().chunks(64).any(in_block) {
        return xml;
    }
    xml.chars()
        .filter(|&c| {
            matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
                || c >= '\u{10000}'
        })
        .collect()
}

/// A secret shorter than this is no real token (GitHub's are 40 characters
/// and more) and would mangle ordinary words if replaced: `x` in
/// `expired`.
const MIN_SECRET_CHARS: usize = 20;

/// `text` with every occurrence of `secret` replaced by `[token]`.
pub fn redact(text: &str, secret: &str) -> String {
    if secret.trim().chars().count() < MIN_SECRET_CHARS {
        return text.to_string();
    }
    text.replace(secret, "[token]")
}

/// Explicit bidirectional formatting characters: they can reorder what a
/// reader sees (a title that reads as another status).
fn is_bidi_control(c: char) -> bool {
    matches!(c, '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_terminal_sees_no_escape_and_no_override() {
        assert_eq!(
            terminal("ok\u{1b}[2J\tgone\u{7}\nnext \u{202E}txet"),
            "ok\u{FFFD}[2J\tgone\u{FFFD}\nnext \u{FFFD}txet"
        );
        assert_eq!(
            first_line("\n  \nfirst\u{1b}]0;x\u{7}\nsecond"),
            "first\u{FFFD}]0;x\u{FFFD}"
        );
    }

    #[test]
    fn one_line_collapses_breaks_and_controls() {
        assert_eq!(one_line(" a\n\tb\u{1b}c \u{202E} d "), "a b c d");
    }

    #[test]
    fn markdown_inline_escapes_markup() {
        assert_eq!(
            markdown_inline("<!-- x --> [a](b) | *c*"),
            "\\<\\!-- x --\\> \\[a\\](b) \\| \\*c\\*"
        );
    }

    #[test]
    fn no_mention_survives() {
        assert_eq!(
            no_mentions("@acme/oncall and a@b"),
            "@\u{2060}acme/oncall and a@\u{2060}b"
        );
    }

    #[test]
    fn only_web_urls_and_nothing_that_ends_a_link() {
        assert_eq!(safe_url("javascript:alert(1)"), None);
        assert_eq!(
            safe_url("https://x.example/a b)(\u{7}").as_deref(),
            Some("https://x.example/a%20b%29%28")
        );
    }

    #[test]
    fn only_a_real_token_is_redacted_and_other_text_is_never_mangled() {
        assert_eq!(
            redact("missing, expired or wrong", "x"),
            "missing, expired or wrong"
        );
        let token = "ghp_0123456789abcdefghijklmnopqrstuvwxyz";
        assert_eq!(redact(&format!("bad {token}!"), token), "bad [token]!");
    }

    #[test]
    fn discord_markdown_and_mentions_are_escaped() {
        assert_eq!(
            discord("**x** @everyone [a](b)\u{1b}"),
            "\\*\\*x\\*\\* \\@everyone \\[a\\]\\(b\\)\u{FFFD}"
        );
    }

    #[test]
    fn control_characters_leave_xml() {
        assert_eq!(
            xml_chars("a\u{7}b\u{1b}[0m\tc\u{FFFE}🔥".into()),
            "ab[0m\tc🔥"
        );
        // Each alone, as the scan of bytes must find it.
        for (text, kept) in [
            ("x\u{0}", "x"),
            ("\u{1f}x", "x"),
            ("x\u{FFFF}", "x"),
            ("\u{FFFE}", ""),
            ("\r\n\t<p>é ∑ 🔥</p>", "\r\n\t<p>é ∑ 🔥</p>"),
            // Led by 0xEF as U+FFFE is, and allowed.
            ("\u{FEFF}a\u{FF0C}\u{FFFD}", "\u{FEFF}a\u{FF0C}\u{FFFD}"),
        ] {
            assert_eq!(xml_chars(text.into()), kept, "{text:?}");
        }
        // Found in any block of the scan, at its edges too.
        for at in [0, 63, 64, 65, 127, 200] {
            let text = "a".repeat(at) + "\u{1}" + &"b".repeat(70);
            assert_eq!(xml_chars(text.clone()), text.replace('\u{1}', ""), "{at}");
        }
    }
}
