//! The files incidentkit writes and people type, read straight from their
//! text: indented mappings, `- ` lists, plain and one-line quoted scalars,
//! `|` and `|-` blocks, flows on one line and comments, with no parser
//! events in between (saphyr's scanner was a third of `validate`'s time).
//!
//! Like `events`, it answers only where it reads exactly as serde_yaml does,
//! and says `None` at the first thing outside that subset: nested flows, anchors,
//! tags, quoted keys, escapes, scalars over several lines, `>` and `|+`
//! blocks, a key repeated, a character libyaml treats apart. `yaml::parse`
//! then asks `events`, then serde_yaml, whose values and errors stay the
//! reference; the tests of `yaml` hold the three to that.

use super::events::{INDICATORS, flow_safe, resolve};
use serde_json::{Map, Value};

/// As in `events`: deeper than this, serde_yaml's own limit (128) is near.
const MAX_DEPTH: usize = 100;

pub(super) fn parse(text: &str) -> Option<Value> {
    if unlike_libyaml(text) {
        return None;
    }
    let mut reader = Reader {
        text,
        at: 0,
        peeked: None,
        depth: 0,
    };
    let first = reader.peek()?;
    let map = reader.mapping(first.indent)?;
    // Anything left (a line less indented than the first) is not ours.
    match reader.peek() {
        None => Some(Value::Object(map)),
        Some(_) => None,
    }
}

/// Bytes libyaml reads apart from YAML 1.2 or refuses: tabs, carriage
/// returns, control characters, NEL and the C1 controls (U+0080–U+009F),
/// the line and paragraph separators, a byte-order mark, U+FFFE and U+FFFF.
/// A fold every byte passes through without a branch (it vectorises); the
/// multi-byte ones are then looked at only in files that have their lead.
/// `events` leaves these to serde_yaml too.
pub(super) fn unlike_libyaml(text: &str) -> bool {
    let bytes = text.as_bytes();
    let suspect = bytes.iter().fold(false, |seen, &b| {
        seen | ((b < 0x20) & (b != b'\n')) | (b == 0x7f) | (b == 0xc2) | (b == 0xe2) | (b == 0xef)
    });
    suspect
        && bytes.iter().enumerate().any(|(at, &b)| {
            let next = |n: usize| bytes.get(at + n).copied().unwrap_or(0);
            match b {
                0x7f => true,
                b if b < 0x20 => b != b'\n',
                0xc2 => (0x80..=0x9f).contains(&next(1)),
                0xe2 => next(1) == 0x80 && matches!(next(2), 0xa8 | 0xa9),
                0xef => matches!((next(1), next(2)), (0xbb, 0xbf) | (0xbf, 0xbe | 0xbf)),
                _ => false,
            }
        })
}

/// One line: its indentation (spaces) and what follows, without the break.
#[derive(Clone, Copy)]
struct Line<'a> {
    indent: usize,
    body: &'a str,
}

struct Reader<'a> {
    text: &'a str,
    /// Where the next line not yet taken starts.
    at: usize,
    /// The line `peek` found, and where the line after it starts. Also the
    /// rest of a `- ` line that opens a mapping (`- key: value`), at the
    /// column of its key: that mapping's first line.
    peeked: Option<(Line<'a>, usize)>,
    depth: usize,
}

impl<'a> Reader<'a> {
    /// The next line that holds a node, passing blank and comment lines
    /// (where `peek` is called, they mean nothing), without taking it.
    fn peek(&mut self) -> Option<Line<'a>> {
        if let Some((line, _)) = self.peeked {
            return Some(line);
        }
        while self.at < self.text.len() {
            let (raw, next) = self.raw_line();
            let body = raw.trim_start_matches(' ');
            if !body.is_empty() && !body.starts_with('#') {
                let line = Line {
                    indent: raw.len() - body.len(),
                    body,
                };
                self.peeked = Some((line, next));
                return Some(line);
            }
            self.at = next;
        }
        None
    }

    /// Takes the line `peek` gave.
    fn take(&mut self) {
        if let Some((_, next)) = self.peeked.take() {
            self.at = next;
        }
    }

    /// The line at `at`, without its break, and where the next one starts.
    fn raw_line(&self) -> (&'a str, usize) {
        let rest = &self.text[self.at..];
        match rest.find('\n') {
            Some(end) => (&rest[..end], self.at + end + 1),
            None => (rest, self.text.len()),
        }
    }

    fn deeper(&mut self) -> Option<()> {
        self.depth += 1;
        (self.depth <= MAX_DEPTH).then_some(())
    }

    /// The block mapping whose keys stand at `indent`.
    fn mapping(&mut self, indent: usize) -> Option<Map<String, Value>> {
        self.deeper()?;
        let mut map = Map::new();
        while let Some(line) = self.peek() {
            if line.indent < indent {
                break;
            }
            if line.indent > indent {
                return None;
            }
            let (key, rest) = split_key(line.body)?;
            self.take();
            let value = self.value(rest, indent, true)?;
            // A repeated key: serde_yaml's path says which, and where.
            if map.insert(key.to_owned(), value).is_some() {
                return None;
            }
        }
        self.depth -= 1;
        Some(map)
    }

    /// The block sequence whose `- ` stand at `indent`.
    fn sequence(&mut self, indent: usize) -> Option<Vec<Value>> {
        self.deeper()?;
        let mut items = Vec::new();
        while let Some(line) = self.peek() {
            if line.indent < indent || (line.indent == indent && !is_item(line.body)) {
                break;
            }
            if line.indent > indent {
                return None;
            }
            self.take();
            let rest = &line.body[1..];
            let body = rest.trim_start_matches(' ');
            let item = match split_key(body) {
                // `- key: value`: a mapping whose keys stand where this one does.
                Some(_) => {
                    let column = indent + 1 + rest.len() - body.len();
                    let line = Line {
                        indent: column,
                        body,
                    };
                    self.peeked = Some((line, self.at));
                    Value::Object(self.mapping(column)?)
                }
                None => self.value(rest, indent, false)?,
            };
            items.push(item);
        }
        self.depth -= 1;
        Some(items)
    }

    /// The node after a key's `:` or an item's `-` (`rest`, which starts
    /// with a space or is empty), in a collection standing at `parent`.
    fn value(&mut self, rest: &'a str, parent: usize, in_map: bool) -> Option<Value> {
        let body = rest.trim_start_matches(' ');
        let Some(&first) = body.as_bytes().first() else {
            return self.nested(parent, in_map);
        };
        let value = match first {
            b'#' => return self.nested(parent, in_map),
            b'|' => return self.literal(body, parent),
            b'"' | b'\'' => match quoted(body)? {
                (text, after) if ends_line(after) => Value::String(text),
                _ => return None,
            },
            b'[' => Value::Array(flow_list(body)?),
            b'{' => Value::Object(flow_map(body)?),
            b'-' if is_item(body) => return None,
            _ if body.starts_with(INDICATORS) => return None,
            _ => plain(body)?,
        };
        // A scalar over several lines (or a deeper line after it) is not ours.
        match self.peek() {
            Some(next) if next.indent > parent => None,
            _ => Some(value),
        }
    }

    /// The node on the lines after an empty value: a deeper collection, a
    /// list at the key's own column (YAML lets a mapping's value do that),
    /// or nothing.
    fn nested(&mut self, parent: usize, in_map: bool) -> Option<Value> {
        match self.peek() {
            Some(next) if next.indent > parent && is_item(next.body) => {
                self.sequence(next.indent).map(Value::Array)
            }
            Some(next) if next.indent > parent => self.mapping(next.indent).map(Value::Object),
            Some(next) if in_map && next.indent == parent && is_item(next.body) => {
                self.sequence(parent).map(Value::Array)
            }
            _ => Some(Value::Null),
        }
    }

    /// A `|` (clip) or `|-` (strip) block whose lines are indented further
    /// than `parent`, from the line after its header.
    fn literal(&mut self, header: &str, parent: usize) -> Option<Value> {
        let strip = match before_comment(header) {
            "|" => false,
            "|-" => true,
            _ => return None,
        };
        // The first line with text sets the indentation. Lines of spaces
        // before it (where libyaml compares lengths) are not ours.
        let (first, _) = self.raw_line();
        let indent = first.len() - first.trim_start_matches(' ').len();
        if first.len() == indent || indent <= parent {
            return None;
        }
        let mut out = String::with_capacity(self.text.len() - self.at);
        let mut breaks = 0;
        let mut ended_by_break = true;
        while self.at < self.text.len() {
            let (raw, next) = self.raw_line();
            let spaces = raw.len() - raw.trim_start_matches(' ').len();
            if spaces == raw.len() {
                // An empty line; spaces past the indentation would be text.
                if spaces > indent {
                    return None;
                }
                breaks += 1;
            } else if spaces < indent {
                break;
            } else {
                if !out.is_empty() {
                    breaks += 1;
                }
                out.extend(std::iter::repeat_n('\n', breaks));
                breaks = 0;
                out.push_str(&raw[indent..]);
                ended_by_break = next > self.at + raw.len();
            }
            self.at = next;
        }
        // Clip keeps the last text line's break, which the file must have.
        if !strip {
            if !ended_by_break {
                return None;
            }
            out.push('\n');
        }
        // (Blank lines after the text mean nothing to clip or strip.)
        out.shrink_to_fit();
        Some(Value::String(out))
    }
}

/// Whether a line's body is a list item: `-` then a space or nothing.
fn is_item(body: &str) -> bool {
    let bytes = body.as_bytes();
    bytes.first() == Some(&b'-') && matches!(bytes.get(1), None | Some(b' '))
}

/// `key: rest` with a key of letters, digits, `_`, `-` and `.` (not
/// starting with `-` or `.`): the key and what follows its `:`.
fn split_key(body: &str) -> Option<(&str, &str)> {
    let bytes = body.as_bytes();
    if !bytes.first()?.is_ascii_alphanumeric() && bytes[0] != b'_' {
        return None;
    }
    let end = bytes
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.')))?;
    // libyaml looks no further than 1,024 characters for a key's `:`.
    if end > 1000 || bytes[end] != b':' || !matches!(bytes.get(end + 1), None | Some(b' ')) {
        return None;
    }
    Some((&body[..end], &body[end + 1..]))
}

/// A plain scalar on one line, up to a comment, resolved as serde_yaml
/// resolves it.
fn plain(body: &str) -> Option<Value> {
    let text = before_comment(body);
    // `: ` inside, or a `:` at the end, is a mapping libyaml refuses here.
    if text.contains(": ") || text.ends_with(':') {
        return None;
    }
    resolve(text)
}

/// `[a, "b", 'c']` on one line, of scalars `flow_scalar` reads; no
/// trailing comma.
fn flow_list(body: &str) -> Option<Vec<Value>> {
    let mut items = Vec::new();
    flow_items(body, b']', |rest| {
        let (item, after) = flow_scalar(rest)?;
        items.push(item);
        Some(after)
    })?;
    Some(items)
}

/// `{key: a, other: "b"}` on one line, keys as in block mappings, values
/// scalars `flow_scalar` reads, none repeated; no trailing comma.
fn flow_map(body: &str) -> Option<Map<String, Value>> {
    let mut map = Map::new();
    flow_items(body, b'}', |rest| {
        let (key, rest) = split_key(rest)?;
        let (value, after) = flow_scalar(rest.strip_prefix(' ')?.trim_start_matches(' '))?;
        map.insert(key.to_owned(), value).is_none().then_some(after)
    })?;
    Some(map)
}

/// The items of a one-line flow that `body` opens and `close` ends, each
/// read by `item` from the text it starts, which returns what follows it;
/// then nothing, or a comment, up to the end of the line.
fn flow_items<'a>(
    body: &'a str,
    close: u8,
    mut item: impl FnMut(&'a str) -> Option<&'a str>,
) -> Option<()> {
    let mut rest = body[1..].trim_start_matches(' ');
    if rest.as_bytes().first() == Some(&close) {
        return ends_line(&rest[1..]).then_some(());
    }
    loop {
        let after = item(rest)?.trim_start_matches(' ');
        match after.as_bytes().first()? {
            &b if b == close => return ends_line(&after[1..]).then_some(()),
            b',' => rest = after[1..].trim_start_matches(' '),
            _ => return None,
        }
        if rest.as_bytes().first().is_none_or(|&b| b == close) {
            return None;
        }
    }
}

/// A scalar in a flow, and what follows it: quoted, or plain of the
/// characters `events` also keeps to there (where YAML 1.1 and 1.2 differ
/// most).
fn flow_scalar(rest: &str) -> Option<(Value, &str)> {
    match rest.as_bytes().first()? {
        b'"' | b'\'' => quoted(rest).map(|(text, after)| (Value::String(text), after)),
        _ => {
            let end = rest.find(|c: char| !flow_safe(c)).unwrap_or(rest.len());
            let text = rest[..end].trim_end_matches(' ');
            if text.is_empty() || is_item(text) {
                return None;
            }
            Some((resolve(text)?, &rest[end..]))
        }
    }
}

/// A line's text before its comment (` #`), without the spaces before it.
fn before_comment(text: &str) -> &str {
    let text = match text.find(" #") {
        Some(comment) => &text[..comment],
        None => text,
    };
    text.trim_end_matches(' ')
}

/// What may follow a closing quote: nothing, or a comment.
fn ends_line(after: &str) -> bool {
    let rest = after.trim_start_matches(' ');
    rest.is_empty() || (rest.starts_with('#') && rest.len() < after.len())
}

/// The text of the `"…"` (without escapes) or `'…'` (`''` read as `'`)
/// that `body` starts with, closed on its line, and what follows it.
fn quoted(body: &str) -> Option<(String, &str)> {
    let mut rest = &body[1..];
    if body.starts_with('"') {
        let close = rest.find(['"', '\\'])?;
        return (rest.as_bytes()[close] == b'"')
            .then(|| (rest[..close].to_owned(), &rest[close + 1..]));
    }
    let mut out = String::new();
    loop {
        let quote = rest.find('\'')?;
        out.push_str(&rest[..quote]);
        rest = &rest[quote + 1..];
        match rest.strip_prefix('\'') {
            Some(after) => {
                out.push('\'');
                rest = after;
            }
            None => return Some((out, rest)),
        }
    }
}
