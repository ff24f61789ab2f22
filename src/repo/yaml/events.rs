//! The common case of `yaml::parse`, fast: saphyr-parser's events straight
//! into a JSON value, without serde_yaml's event buffer and visitor layers.
//!
//! It answers only for documents it reads exactly as serde_yaml does: one
//! document of mappings, sequences and scalars, without tags, anchors or
//! aliases, no key repeated, every number one serde_yaml turns into a JSON
//! number. Anything else, or anything saphyr calls an error, is `None`, and
//! `yaml::parse` asks serde_yaml, whose value and error messages (with their
//! places) stay the reference; the tests of `yaml` hold the two to that.

use saphyr_parser::{Event, Parser, ScalarStyle, Span};
use serde_json::{Map, Number, Value};
use std::borrow::Cow;
use std::num::ParseIntError;

/// Deeper than this, serde_yaml's own limit (128) is near: let it answer.
const MAX_DEPTH: usize = 100;

struct Frame {
    node: Node,
    /// The line a flow collection (`[…]`, `{…}`) opens on; `None` in block.
    flow: Option<usize>,
}

enum Node {
    Seq(Vec<Value>),
    Map(Map<String, Value>, Option<String>),
}

/// What cannot start a plain scalar (YAML's c-indicators; `?` and `:`
/// start a key in libyaml's flows where saphyr reads a scalar).
pub(super) const INDICATORS: &[char] = &[
    '|', '>', '%', '@', '`', '!', '&', '*', '#', '\'', '"', '{', '}', '[', ']', ',', '?', ':',
];

/// Flows are where YAML 1.1 (libyaml) and 1.2 (saphyr) differ most: there,
/// only plain scalars of these characters, and flows on one line.
pub(super) fn flow_safe(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, ' ' | '_' | '-' | '.' | '/' | '+')
}

pub(super) fn parse(text: &str) -> Option<Value> {
    if unlike_libyaml(text) {
        return None;
    }
    let mut tree = Tree::default();
    for event in Parser::new_from_str(text) {
        let (event, span) = event.ok()?;
        match event {
            Event::StreamStart | Event::DocumentEnd | Event::Nothing => {}
            Event::StreamEnd => break,
            Event::DocumentStart(_) => tree.start_document()?,
            Event::Alias(_) => return None,
            Event::Scalar(text, style, anchor, tag) => {
                tree.scalar(text, style, anchor != 0 || tag.is_some())?;
            }
            Event::SequenceStart(anchor, tag) => {
                tree.open(true, anchor != 0 || tag.is_some(), span)?;
            }
            Event::MappingStart(anchor, tag) => {
                tree.open(false, anchor != 0 || tag.is_some(), span)?;
            }
            Event::SequenceEnd | Event::MappingEnd => tree.close(span)?,
        }
    }
    tree.done
}

/// libyaml refuses tabs in more places than saphyr (`\ta`), breaks lines
/// at NEL, U+2028 and U+2029 as YAML 1.1 does (saphyr, as 1.2, does not):
/// the bytes `block` also leaves. And it reads a `%` at the start of a line
/// as a directive, even in a block scalar.
fn unlike_libyaml(text: &str) -> bool {
    super::block::unlike_libyaml(text) || text.starts_with('%') || text.contains("\n%")
}

/// The document as its events build it. Each method is `None` where the
/// document is one to leave to serde_yaml.
#[derive(Default)]
struct Tree {
    /// The collections open around the next node, innermost last.
    stack: Vec<Frame>,
    /// The document's mapping, once closed.
    done: Option<Value>,
    documents: usize,
}

impl Tree {
    /// serde_yaml refuses a stream of several documents.
    fn start_document(&mut self) -> Option<()> {
        self.documents += 1;
        (self.documents <= 1).then_some(())
    }

    /// `decorated`: the scalar has an anchor or a tag.
    fn scalar(&mut self, text: Cow<'_, str>, style: ScalarStyle, decorated: bool) -> Option<()> {
        let in_flow = self.stack.last().is_some_and(|f| f.flow.is_some());
        let plain = style == ScalarStyle::Plain;
        if decorated
            || (plain && text.starts_with(INDICATORS))
            || (plain && in_flow && !text.chars().all(flow_safe))
        {
            return None;
        }
        // A key is its text, whatever it looks like (serde_yaml
        // deserializes keys as strings).
        if let Some(Node::Map(_, key @ None)) = self.stack.last_mut().map(|f| &mut f.node) {
            // libyaml has no empty implicit key (`: a`).
            if plain && text.is_empty() {
                return None;
            }
            *key = Some(text.into_owned());
            return Some(());
        }
        let value = if plain {
            resolve(&text)?
        } else {
            Value::String(text.into_owned())
        };
        self.add(value)
    }

    /// A sequence (`list`) or mapping starts; `decorated`: it has an anchor
    /// or a tag.
    fn open(&mut self, list: bool, decorated: bool, span: Span) -> Option<()> {
        // A mapping or list as a key: serde_yaml refuses it. Files are
        // mappings: any other document is left to serde_yaml.
        let at_key = matches!(
            self.stack.last(),
            Some(Frame {
                node: Node::Map(_, None),
                ..
            })
        );
        if decorated || (list && self.stack.is_empty()) || self.stack.len() >= MAX_DEPTH || at_key {
            return None;
        }
        // A block collection starts where its first node does; a flow one
        // spans its bracket.
        let flow = (span.end.index() > span.start.index()).then(|| span.start.line());
        let node = if list {
            Node::Seq(Vec::new())
        } else {
            Node::Map(Map::new(), None)
        };
        self.stack.push(Frame { node, flow });
        Some(())
    }

    /// The innermost collection ends.
    fn close(&mut self, span: Span) -> Option<()> {
        let frame = self.stack.pop()?;
        if frame.flow.is_some_and(|line| line != span.start.line()) {
            return None;
        }
        let value = match frame.node {
            Node::Seq(items) => Value::Array(items),
            Node::Map(map, None) => Value::Object(map),
            Node::Map(_, Some(_)) => return None,
        };
        self.add(value)
    }

    /// A complete node into the collection around it, or as the document.
    fn add(&mut self, value: Value) -> Option<()> {
        match self.stack.last_mut().map(|f| &mut f.node) {
            None if value.is_object() => self.done = Some(value),
            None => return None,
            Some(Node::Seq(items)) => items.push(value),
            Some(Node::Map(map, key)) => {
                let key = key.take()?;
                // A repeated key: serde_yaml's path says which, and where.
                if map.insert(key, value).is_some() {
                    return None;
                }
            }
        }
        Some(())
    }
}

/// A plain scalar as serde_yaml 0.9 reads it (`visit_untagged_scalar`):
/// null, a boolean, an integer, a float, or else the string. `None` for what
/// serde_yaml reads into something `yaml::parse` refuses (integers past
/// 64 bits, infinities, NaN), so that serde_yaml's path says so.
pub(super) fn resolve(v: &str) -> Option<Value> {
    // Most scalars are words: only these first bytes can start a non-string
    // (Rust's float parser also takes `inf` and `nan`, which serde_yaml
    // then refuses as not finite: strings).
    let Some(&first) = v.as_bytes().first() else {
        return Some(Value::Null);
    };
    if !matches!(
        first,
        b'0'..=b'9' | b'+' | b'-' | b'.' | b'~' | b'n' | b'N' | b't' | b'T' | b'f' | b'F'
    ) {
        return Some(Value::String(v.to_string()));
    }
    match v {
        "~" | "null" | "Null" | "NULL" => return Some(Value::Null),
        "true" | "True" | "TRUE" => return Some(Value::Bool(true)),
        "false" | "False" | "FALSE" => return Some(Value::Bool(false)),
        _ => {}
    }
    if let Some(int) = parse_unsigned_int(v, u64::from_str_radix) {
        return Some(Value::Number(int.into()));
    }
    if let Some(int) = parse_negative_int(v, i64::from_str_radix) {
        return Some(Value::Number(int.into()));
    }
    if parse_unsigned_int(v, u128::from_str_radix).is_some()
        || parse_negative_int(v, i128::from_str_radix).is_some()
    {
        return None;
    }
    if !digits_but_not_number(v)
        && let Some(float) = parse_f64(v)
    {
        // Infinities and NaN are no JSON number: serde_yaml's path refuses them.
        return Number::from_f64(float).map(Value::Number);
    }
    Some(Value::String(v.to_string()))
}

// The four functions below are serde_yaml 0.9.34's (src/de.rs), as they are,
// so that numbers resolve alike.

type FromStrRadix<T> = fn(&str, u32) -> Result<T, ParseIntError>;

fn parse_unsigned_int<T>(scalar: &str, from_str_radix: FromStrRadix<T>) -> Option<T> {
    let unpositive = scalar.strip_prefix('+').unwrap_or(scalar);
    for (prefix, radix) in [("0x", 16), ("0o", 8), ("0b", 2)] {
        if let Some(rest) = unpositive.strip_prefix(prefix) {
            if rest.starts_with(['+', '-']) {
                return None;
            }
            if let Ok(int) = from_str_radix(rest, radix) {
                return Some(int);
            }
        }
    }
    if unpositive.starts_with(['+', '-']) || digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(unpositive, 10).ok()
}

fn parse_negative_int<T>(scalar: &str, from_str_radix: FromStrRadix<T>) -> Option<T> {
    for (prefix, radix) in [("-0x", 16), ("-0o", 8), ("-0b", 2)] {
        if let Some(rest) = scalar.strip_prefix(prefix)
            && let Ok(int) = from_str_radix(&format!("-{rest}"), radix)
        {
            return Some(int);
        }
    }
    if digits_but_not_number(scalar) {
        return None;
    }
    from_str_radix(scalar, 10).ok()
}

fn parse_f64(scalar: &str) -> Option<f64> {
    let unpositive = if let Some(unpositive) = scalar.strip_prefix('+') {
        if unpositive.starts_with(['+', '-']) {
            return None;
        }
        unpositive
    } else {
        scalar
    };
    if let ".inf" | ".Inf" | ".INF" = unpositive {
        return Some(f64::INFINITY);
    }
    if let "-.inf" | "-.Inf" | "-.INF" = scalar {
        return Some(f64::NEG_INFINITY);
    }
    if let ".nan" | ".NaN" | ".NAN" = scalar {
        return Some(f64::NAN);
    }
    unpositive.parse::<f64>().ok().filter(|f| f.is_finite())
}

/// YAML 1.2 reads leading zeros followed by digits (`0123`) as a string.
fn digits_but_not_number(scalar: &str) -> bool {
    let scalar = scalar.strip_prefix(['-', '+']).unwrap_or(scalar);
    scalar.len() > 1 && scalar.starts_with('0') && scalar[1..].bytes().all(|b| b.is_ascii_digit())
}
