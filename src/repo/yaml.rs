//! YAML text to a JSON value (what the schemas validate), with duplicate keys
//! rejected: serde_json's own `Value` would silently keep the last one.
//! serde_yaml bounds recursion depth and alias expansion ("billion laughs").
//! Most files take a faster way (`block`, else `events`) to the same value;
//! serde_yaml answers for the rest, and for every error.

mod block;
mod events;

use super::locate::{Place, SourceMap};
use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::{Map, Number, Value};
use std::cell::Cell;
use std::fmt;

/// Why a text is not a YAML document incidentkit reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YamlError {
    /// serde_yaml's, without its position, or ours where it says too little
    /// (alias expansion, nesting depth).
    pub message: String,
    /// 1-based line and column, when serde_yaml knows them.
    pub line: Option<usize>,
    /// See `line`.
    pub column: Option<usize>,
    /// A key repeated within one mapping (at any depth).
    pub duplicate_key: bool,
}

/// One YAML document as a JSON value (see the module for what is refused).
pub fn parse(text: &str) -> Result<Value, YamlError> {
    // `block` takes time linear in the text and nests no deeper than
    // serde_yaml would: the guards below are for the parsers after it.
    if let Some(value) = block::parse(text) {
        return Ok(value);
    }
    too_deep(text)?;
    blocks_too_deep(text)?;
    match events::parse(text) {
        Some(value) => Ok(value),
        None => with_serde_yaml(text),
    }
}

/// Whether `text` nests deeper than the parsers after `block` may read: what
/// else reads a file's YAML events (`SourceMap`) must not read it either.
pub(crate) fn nests_too_deep(text: &str) -> bool {
    too_deep(text).is_err() || blocks_too_deep(text).is_err()
}

/// The reference reading, with serde_yaml's words and places for errors.
fn with_serde_yaml(text: &str) -> Result<Value, YamlError> {
    // serde_yaml bounds the number of alias jumps, not what they expand to:
    // 50,000 references to a 10,000-item list (120 kB) would take 20 GB.
    // Without aliases a document has fewer values than bytes.
    let budget = Cell::new(text.len() + 1024);
    match StrictSeed(&budget).deserialize(serde_yaml::Deserializer::from_str(text)) {
        Ok(v) => Ok(v),
        Err(e) => {
            // serde_yaml appends " at line L column C"; we report those apart.
            let mut message = e.to_string();
            if let Some(cut) = message.find(" at line ") {
                message.truncate(cut);
            }
            let mut at = e.location().map(|l| (l.line(), l.column()));
            // Nested, serde_yaml prefixes the path: "roles: duplicate key …".
            let duplicate_key = message.contains(DUPLICATE_KEY);
            // serde_yaml places a duplicate at its mapping; find the key
            // itself, and say where the first one is: either may be the
            // line to delete.
            if duplicate_key && let Some((again, first)) = SourceMap::new(text).first_duplicate() {
                at = Some((again.line, again.column));
                message.push_str(&first_place(first, again.line));
            }
            // An unclosed bracket or quote is found at the end of the file,
            // past the last line: point just after the last text instead.
            let lines: Vec<&str> = text.lines().collect();
            if let Some((line, _)) = at
                && line > lines.len()
                && let Some(last) = lines.iter().rposition(|l| !l.trim().is_empty())
            {
                let column = lines[last].trim_end().chars().count() + 1;
                at = Some((last + 1, column));
            }
            // serde_yaml says only "repetition limit exceeded" (and no place).
            if message == "repetition limit exceeded" {
                message = "aliases (`*name`) expand to too many values: repetition limit exceeded"
                    .to_string();
            }
            // Our budget's error comes with a path and the place of the
            // document's start, neither of which helps: say it as above.
            if message.contains(TOO_MANY_VALUES) {
                message = format!("aliases (`*name`) expand to too many values: {TOO_MANY_VALUES}");
                at = None;
            }
            Err(YamlError {
                message,
                line: at.map(|a| a.0),
                column: at.map(|a| a.1),
                duplicate_key,
            })
        }
    }
}

const DUPLICATE_KEY: &str = "duplicate key `";

/// Where a repeated key's first occurrence is, as the end of the message;
/// with its column when on the same `line` (a flow mapping).
fn first_place(first: Place, line: usize) -> String {
    if first.line == line {
        format!(" (the first is on line {line}, column {})", first.column)
    } else {
        format!(" (the first is on line {})", first.line)
    }
}

/// Brackets nested deeper than any real document. libyaml's scanner takes
/// quadratic time in flow nesting (500,000 `[` in 500 kB: ten minutes)
/// before serde_yaml's own depth limit (128) is reached, so deep nesting is
/// refused first, by a count of brackets that ignores quoting: prose with
/// hundreds of unclosed brackets is no loss.
const MAX_BRACKET_DEPTH: usize = 1000;

fn too_deep(text: &str) -> Result<(), YamlError> {
    // Bytes, not chars: brackets are ASCII, and every file pays for this
    // pass. Fewer openings than the limit cannot nest past it: a count the
    // compiler vectorises answers for nearly every file.
    let openings = text.bytes().filter(|&b| b == b'[' || b == b'{').count();
    if openings <= MAX_BRACKET_DEPTH {
        return Ok(());
    }
    let mut depth = 0usize;
    for (at, byte) in text.bytes().enumerate() {
        match byte {
            b'[' | b'{' => depth += 1,
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => continue,
        }
        if depth > MAX_BRACKET_DEPTH {
            let line_start = text[..at].rfind('\n').map_or(0, |nl| nl + 1);
            return Err(YamlError {
                message: format!(
                    "brackets (`[`, `{{`) nest more than {MAX_BRACKET_DEPTH} levels deep"
                ),
                line: Some(text[..at].matches('\n').count() + 1),
                column: Some(text[line_start..at].chars().count() + 1),
                duplicate_key: false,
            });
        }
    }
    Ok(())
}

/// Block collections nested deeper than this are refused before parsing:
/// both parsers take memory quadratic in the depth of compact nesting
/// (`- - - …` 20,000 deep on one 40 kB line: 886 MB; 500,000 deep: killed
/// at 23 GB). Deeper than 100 is past what `events` reads and near
/// serde_yaml's own limit (128), so no document that parses is refused.
const MAX_BLOCK_DEPTH: usize = 100;

/// An upper bound of the block nesting, line by line: the columns of the
/// levels open (indentation, as a deeper level is indented further, and
/// each compact `- `, `? `, `: ` at a line's start). A block scalar's lines
/// count as levels too: an overestimate, never an underestimate.
fn blocks_too_deep(text: &str) -> Result<(), YamlError> {
    // Each level takes a column and a line, or two bytes: a short file
    // cannot nest past the limit.
    if text.len() <= 2 * MAX_BLOCK_DEPTH {
        return Ok(());
    }
    let mut open: Vec<usize> = Vec::new();
    for (n, line) in text.lines().enumerate() {
        let bytes = line.as_bytes();
        let indent = bytes.iter().take_while(|&&b| b == b' ').count();
        if indent == bytes.len() || bytes[indent] == b'#' {
            continue;
        }
        while open.last().is_some_and(|&column| column >= indent) {
            open.pop();
        }
        let mut at = indent;
        loop {
            open.push(at);
            if open.len() > MAX_BLOCK_DEPTH {
                return Err(YamlError {
                    message: format!(
                        "block collections (`- ` items, indented keys) nest more than {MAX_BLOCK_DEPTH} levels deep"
                    ),
                    line: Some(n + 1),
                    column: Some(line[..at].chars().count() + 1),
                    duplicate_key: false,
                });
            }
            let compact = matches!(bytes.get(at), Some(b'-' | b'?' | b':'))
                && matches!(bytes.get(at + 1), None | Some(b' ' | b'\t'));
            if !compact {
                break;
            }
            at += 1 + bytes[at + 1..]
                .iter()
                .take_while(|&&b| b == b' ' || b == b'\t')
                .count();
        }
    }
    Ok(())
}

/// Builds the JSON value, one unit of `budget` per value made.
#[derive(Clone, Copy)]
struct StrictSeed<'a>(&'a Cell<usize>);

impl<'de> DeserializeSeed<'de> for StrictSeed<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        let left = self
            .0
            .get()
            .checked_sub(1)
            .ok_or_else(|| de::Error::custom(TOO_MANY_VALUES))?;
        self.0.set(left);
        d.deserialize_any(StrictVisitor(self))
    }
}

const TOO_MANY_VALUES: &str = "more values than the file has bytes";

struct StrictVisitor<'a>(StrictSeed<'a>);

impl<'de> Visitor<'de> for StrictVisitor<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a YAML value")
    }

    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        self.0.deserialize(d)
    }

    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }

    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::Number(v.into()))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Value, E> {
        Number::from_f64(v)
            .map(Value::Number)
            .ok_or_else(|| E::custom(format!("{v} is not a finite number")))
    }

    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }

    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(v) = seq.next_element_seed(self.0)? {
            items.push(v);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut out = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            if out.contains_key(&key) {
                return Err(de::Error::custom(format!(
                    "{DUPLICATE_KEY}{key}`: a key may appear once in a mapping"
                )));
            }
            let value = map.next_value_seed(self.0)?;
            out.insert(key, value);
        }
        Ok(Value::Object(out))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_mapping() {
        let v = parse("a: 1\nb: [x, y]\n").unwrap();
        assert_eq!(v, serde_json::json!({"a": 1, "b": ["x", "y"]}));
    }

    #[test]
    fn rejects_duplicate_keys_with_their_line() {
        let e = parse("a: 1\nb: 2\na: 3\n").unwrap_err();
        assert!(e.message.contains("duplicate key `a`"), "{e:?}");
        assert_eq!(e.line, Some(3));
    }

    #[test]
    fn rejects_nested_duplicate_keys_at_the_second_key() {
        let e = parse("roles:\n  commander: a\n  commander: b\n").unwrap_err();
        assert!(e.duplicate_key, "{e:?}");
        assert_eq!((e.line, e.column), (Some(3), Some(3)));
        assert!(e.message.ends_with(" (the first is on line 2)"), "{e:?}");
    }

    #[test]
    fn a_duplicate_on_one_line_names_the_first_one_s_column() {
        let e = parse("roles: {commander: a, commander: b}\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(23)), "{e:?}");
        assert!(
            e.message.ends_with(" (the first is on line 1, column 9)"),
            "{e:?}"
        );
    }

    #[test]
    fn an_error_at_the_end_of_the_file_points_at_the_last_text() {
        let e = parse("a: 1\nb: [x, y\n\n").unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(9)), "{e:?}");
    }

    #[test]
    fn timestamps_stay_strings() {
        let v = parse("at: 2026-11-26T10:02:00Z\nno: no\n").unwrap();
        assert_eq!(
            v,
            serde_json::json!({"at": "2026-11-26T10:02:00Z", "no": "no"})
        );
    }

    #[test]
    fn rejects_a_wide_alias_fan_out_before_it_takes_memory() {
        let text = format!(
            "a: &a [{}]\nb: [{}]\n",
            vec!["x"; 10_000].join(","),
            vec!["*a"; 50_000].join(",")
        );
        let e = parse(&text).unwrap_err();
        assert!(e.message.contains("aliases"), "{e:?}");
        // Aliases within reason still work.
        let v = parse("a: &a [1, 2]\nb: *a\nc: *a\n").unwrap();
        assert_eq!(v["c"], serde_json::json!([1, 2]));
    }

    #[test]
    fn rejects_deep_flow_nesting_at_once() {
        let text = format!("message: {}", "[".repeat(500_000));
        let started = std::time::Instant::now();
        let e = parse(&text).unwrap_err();
        assert_eq!((e.line, e.column), (Some(1), Some(1010)), "{e:?}");
        assert!(started.elapsed() < std::time::Duration::from_secs(1));
    }

    #[test]
    fn the_depth_limit_counts_nesting_not_brackets() {
        let nested = |n: usize| format!("a: {}{}", "[".repeat(n), "]".repeat(n));
        assert!(too_deep(&nested(MAX_BRACKET_DEPTH)).is_ok());
        assert!(too_deep(&nested(MAX_BRACKET_DEPTH + 1)).is_err());
        // More brackets than the limit, none nested deeper than one.
        let flat = "a: [x, {b: c}]\n".repeat(MAX_BRACKET_DEPTH);
        assert!(too_deep(&flat).is_ok());
    }

    #[test]
    fn rejects_deep_block_nesting_at_once() {
        // 500,000 levels on one line; 1,400 by indentation; 150 by lines
        // further in, each with compact levels.
        let compact = format!("x:\n{}x\n", "- ".repeat(500_000));
        let indented: String = (0..1400).map(|i| format!("{}-\n", " ".repeat(i))).collect();
        let stacked: String = (0..30)
            .map(|i| format!("{}- - - - -\n", " ".repeat(10 * i)))
            .collect();
        for text in [compact, format!("x:\n{indented}"), format!("x:\n{stacked}")] {
            let started = std::time::Instant::now();
            let e = parse(&text).unwrap_err();
            assert!(e.message.contains("nest more than 100 levels"), "{e:?}");
            assert!(started.elapsed() < std::time::Duration::from_secs(1));
        }
        let e = parse(&format!("x:\n{}x\n", "- ".repeat(500))).unwrap_err();
        assert_eq!((e.line, e.column), (Some(2), Some(201)), "{e:?}");
    }

    #[test]
    fn block_nesting_within_the_limit_parses_as_before() {
        let deep = format!("x:\n{}x\n", "- ".repeat(MAX_BLOCK_DEPTH - 1));
        assert!(parse(&deep).is_ok());
        let document =
            "a:\n  b:\n    - c: |\n        code\n            more\n    - ? k\n      : v\n";
        let long = format!("{document}{}", "# padding\n".repeat(30));
        assert_eq!(parse(&long).unwrap(), parse(document).unwrap());
        // A Markdown list or rule inside a message is text, not nesting.
        let message = format!("message: |\n{}", "  - - - item\n".repeat(200));
        assert!(parse(&message).is_ok());
    }

    #[test]
    fn brackets_and_dashes_in_a_message_are_text_whatever_their_count() {
        // Past both guards' counts, but a `|` block: text, read by `block`.
        let brackets = format!("message: |\n  {}\n", "[".repeat(5 * MAX_BRACKET_DEPTH));
        let dashes = format!("message: |\n  {}x\n", "- ".repeat(5 * MAX_BLOCK_DEPTH));
        for text in [brackets, dashes] {
            assert!(nests_too_deep(&text));
            let started = std::time::Instant::now();
            let message = &parse(&text).unwrap()["message"];
            assert_eq!(message.as_str(), Some(&text["message: |\n  ".len()..]));
            assert!(started.elapsed() < std::time::Duration::from_secs(1));
        }
    }

    #[test]
    fn rejects_an_alias_bomb_quickly() {
        let mut bomb = String::from("a: &a [x, x, x, x, x, x, x, x, x, x]\n");
        for i in 1..12 {
            let prev = (b'a' + i - 1) as char;
            let name = (b'a' + i) as char;
            bomb.push_str(&format!(
                "{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]\n"
            ));
        }
        let started = std::time::Instant::now();
        assert!(parse(&bomb).is_err());
        assert!(started.elapsed() < std::time::Duration::from_secs(2));
    }

    /// Each fast way answers only with serde_yaml's own value.
    fn same_as_serde_yaml(text: &str) -> bool {
        [block::parse(text), events::parse(text)]
            .into_iter()
            .flatten()
            .all(|fast| with_serde_yaml(text).as_ref() == Ok(&fast))
    }

    #[test]
    fn the_fast_way_reads_scalars_as_serde_yaml() {
        let scalars = [
            "on",
            "off",
            "yes",
            "no",
            "y",
            "1e3",
            "1E3",
            "-1e3",
            "+1",
            "+-1",
            "0x1F",
            "-0x1F",
            "0o17",
            "0b101",
            "0x",
            "0b2",
            "0123",
            "-0123",
            "00",
            "0",
            "-0",
            "1.5",
            ".5",
            "5.",
            "1_000",
            "~",
            "null",
            "Null",
            "NULL",
            "nul",
            "true",
            "True",
            "TRUE",
            "tRUE",
            "false",
            "2026-11-27T10:00:00Z",
            "2026-11-27",
            "2026-11-27 10:00:00+01:00",
            "10:30",
            ".inf",
            "-.inf",
            ".nan",
            "inf",
            "nan",
            "NaN",
            "infinity",
            "18446744073709551616",
            "18446744073709551615",
            "-9223372036854775808",
            "-9223372036854775809",
            "340282366920938463463374607431768211456",
            "1e400",
            "0.1e-400",
            "'quoted'",
            "\"1\"",
            "\"\\u00e9\\t\"",
            "'it''s'",
            "a # comment",
            "a#b",
            "@alice",
            "\"@alice\"",
            "!!str 1",
            "!custom x",
            "&a x",
            "*a",
            "[1, on, ~]",
            "{a: 1, a: 2}",
            "{}",
            "[]",
            "",
            "|\n  line\n   more\n",
            ">-\n  folded\n  text\n\n  para\n",
            "|+\n  kept\n\n",
            "plain\n  continued\n  lines",
            // Line breaks in YAML 1.1 (libyaml), not in 1.2 (saphyr).
            "a\u{2028}  b",
            "\"a\u{2029}  b\"",
            "a\u{85}  b",
            "\u{feff}a",
            "a\r\n  b",
            "\"multi\n  line\"",
            "- a\n- b",
        ];
        for s in scalars {
            for doc in [
                format!("k: {s}\n"),
                format!("- {s}\n"),
                format!("k: [{s}]\n"),
            ] {
                assert!(same_as_serde_yaml(&doc), "{doc:?}");
            }
        }
        // The common forms take the fast way.
        for doc in [
            "k: 1e3\n",
            "k: on\n",
            "k: 2026-11-27T10:00:00Z\n",
            "k: |\n  x\n",
        ] {
            assert!(events::parse(doc).is_some(), "{doc:?}");
        }
    }

    #[test]
    fn the_fast_way_leaves_what_it_does_not_read_alike() {
        for doc in [
            "a: 1\na: 2\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "a: 1\n---\nb: 2\n",
            "? [a]\n: 1\n",
            "a: .nan\n",
            "a: 99999999999999999999\n",
            "a: [b\n",
        ] {
            assert_eq!(events::parse(doc), None, "{doc:?}");
        }
    }

    #[test]
    fn the_block_way_leaves_what_it_does_not_read_alike() {
        for doc in [
            "a: 1\na: 2\n",
            "a: &x 1\nb: *x\n",
            "a: !!str 1\n",
            "\"a\": 1\n",
            "a: >\n  folded\n",
            "a: |+\n  kept\n",
            "a: |2\n   indented\n",
            "a: |\n\n  after a blank line\n",
            "a: |\n  no last break",
            "a: plain\n  continued\n",
            "a: \"escaped\\n\"\n",
            "a: \"over\n  lines\"\n",
            "a: [x, [y]]\n",
            "a: [x,]\n",
            "a: {b: {c: d}}\n",
            "a:\tb\n",
            "a: b\r\n",
            "a: b\u{85}c\n",
            "\u{feff}a: b\n",
            "- a\n",
            "---\na: 1\n",
            "a: 1\n---\nb: 2\n",
            "a: b: c\n",
            "a: @alice\n",
        ] {
            assert_eq!(block::parse(doc), None, "{doc:?}");
        }
    }

    #[test]
    fn the_fast_way_reads_every_fixture_as_serde_yaml() {
        fn walk(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap().flatten() {
                let path = entry.path();
                if path.is_dir() {
                    walk(&path, out);
                } else if path.extension().is_some_and(|e| e == "yaml" || e == "yml") {
                    out.push(path);
                }
            }
        }
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut files = Vec::new();
        for dir in ["examples", "tests/fixtures", "fuzz"] {
            walk(&root.join(dir), &mut files);
        }
        assert!(files.len() > 50, "{}", files.len());
        let (mut fast, mut block) = (0, 0);
        for file in &files {
            let Ok(text) = std::fs::read_to_string(file) else {
                continue;
            };
            assert!(same_as_serde_yaml(&text), "{}", file.display());
            fast += usize::from(events::parse(&text).is_some());
            block += usize::from(block::parse(&text).is_some());
        }
        // Most fixtures are files as people write them: `block` reads them.
        assert!(fast * 10 > files.len() * 8, "{fast} of {}", files.len());
        assert!(block * 10 > files.len() * 9, "{block} of {}", files.len());
    }

    use proptest::prelude::*;

    /// Documents of the shapes incident files have, built of tricky scalars.
    fn document() -> impl Strategy<Value = String> {
        let scalar = prop_oneof![
            "[a-z@ ]{0,12}",
            "[0-9+.eE_xob-]{1,8}",
            "(on|off|yes|no|~|null|true|False|\\.inf|\\.NaN|0x1F|1e3|0o7|-0b1)",
            "'[a-z' ]{0,6}'",
            "\"[a-z\\\\ nt]{0,6}\"",
            "[0-9]{4}-[0-9]{2}-[0-9]{2}(T[0-9]{2}:[0-9]{2}:[0-9]{2}Z)?",
        ];
        let line =
            (0usize..3, "[a-z]{1,3}", scalar, 0usize..6).prop_map(|(indent, key, v, form)| {
                let pad = "  ".repeat(indent);
                match form {
                    0 => format!("{pad}{key}: {v}\n"),
                    1 => format!("{pad}- {v}\n"),
                    2 => format!("{pad}{key}:\n"),
                    3 => format!("{pad}{key}: |\n{pad}  {v}\n"),
                    4 => format!("{pad}{key}: [{v}, {v}]\n"),
                    _ => format!("{pad}  {v} # note\n"),
                }
            });
        prop::collection::vec(line, 1..8).prop_map(|lines| lines.concat())
    }

    /// Documents of block shapes, each line indented by 0, 2 or 4 spaces or
    /// by 0 to 4 at random (so that many are broken), of scalars near the
    /// edges of `block`'s subset: comments, `: ` inside, quotes, flows, dashes.
    fn block_document() -> impl Strategy<Value = String> {
        let scalar = prop_oneof![
            "[a-z@ #:]{0,10}",
            "[0-9+.eE_-]{1,6}",
            "(on|off|~|null|true|0x1F|1e3|-|--|---|\\.5|0123)",
            "'[a-z' #:]{0,6}'",
            "\"[a-z '#:\\\\]{0,6}\"",
            "\\[[a-z0-9\"' ,#:\\]\\[-]{0,12}",
            "\\{[a-z0-9\"' ,#:}{-]{0,12}",
        ];
        let indent = prop_oneof![Just(0usize), Just(2), Just(4), 0usize..5];
        let line = (indent, "[a-z]{1,2}", scalar, 0usize..10).prop_map(|(indent, key, v, form)| {
            let pad = " ".repeat(indent);
            match form {
                0 | 1 => format!("{pad}{key}: {v}\n"),
                2 => format!("{pad}- {v}\n"),
                3 => format!("{pad}{key}:\n"),
                4 => format!("{pad}- {key}: {v}\n"),
                5 => format!("{pad}{key}: |\n{pad}  {v}\n\n{pad}    {v}\n  \n"),
                6 => format!("{pad}- |-\n{pad}   {v}\n{pad}  {v}\n"),
                7 => format!("{pad}# {v}\n"),
                8 => format!("{pad}-\n"),
                _ => format!("{pad}\n"),
            }
        });
        prop::collection::vec(line, 1..10).prop_map(|lines| lines.concat())
    }

    #[test]
    fn the_block_way_reads_generated_documents_as_serde_yaml() {
        use proptest::strategy::ValueTree;
        let mut runner = proptest::test_runner::TestRunner::deterministic();
        let strategy = block_document();
        let (mut read, mut valid, total) = (0, 0, 5_000);
        for _ in 0..total {
            let doc = strategy.new_tree(&mut runner).unwrap().current();
            assert!(same_as_serde_yaml(&doc), "{doc:?}");
            read += usize::from(block::parse(&doc).is_some());
            valid += usize::from(with_serde_yaml(&doc).is_ok_and(|v| v.is_object()));
        }
        // Enough of them are whole and read, or the test proves nothing.
        assert!(valid * 20 > total, "{valid} of {total} valid");
        assert!(read * 10 > valid * 8, "block read {read} of {valid} valid");
    }

    /// A document in `block`'s subset, as a tree of written nodes.
    #[derive(Debug, Clone)]
    enum Written {
        /// What follows `key: ` or `- ` on the line.
        Inline(String),
        /// A `|` or `|-` (`true`) block's lines, `""` for a blank one.
        Literal(bool, Vec<String>),
        Map(Vec<(String, Written)>),
        /// `true`: as a mapping's value, at the key's own column.
        Seq(bool, Vec<Written>),
    }

    impl Written {
        /// After `key:` or `-` at column `indent`: the node, its break and
        /// its lines.
        fn write(&self, indent: usize, in_map: bool, out: &mut String) {
            match self {
                Written::Inline(text) => out.push_str(&format!(" {text}\n")),
                Written::Literal(strip, lines) => {
                    out.push_str(if *strip { " |-\n" } else { " |\n" });
                    for line in lines {
                        if !line.is_empty() {
                            out.push_str(&" ".repeat(indent + 2));
                        }
                        out.push_str(&format!("{line}\n"));
                    }
                }
                Written::Map(entries) => {
                    out.push('\n');
                    Written::write_map(entries, indent + 2, out);
                }
                Written::Seq(at_key, items) => {
                    out.push('\n');
                    let column = if *at_key && in_map {
                        indent
                    } else {
                        indent + 2
                    };
                    Written::write_seq(items, column, out);
                }
            }
        }

        fn write_map(entries: &[(String, Written)], indent: usize, out: &mut String) {
            for (key, value) in entries {
                out.push_str(&format!("{}{key}:", " ".repeat(indent)));
                value.write(indent, true, out);
            }
        }

        fn write_seq(items: &[Written], indent: usize, out: &mut String) {
            for item in items {
                out.push_str(&format!("{}-", " ".repeat(indent)));
                match item {
                    // `- key: value`, the other keys under the first.
                    Written::Map(entries) => {
                        let (key, value) = &entries[0];
                        out.push_str(&format!(" {key}:"));
                        value.write(indent + 2, true, out);
                        Written::write_map(&entries[1..], indent + 2, out);
                    }
                    other => other.write(indent, false, out),
                }
            }
        }
    }

    fn written() -> impl Strategy<Value = Written> {
        let line = "([a-z#:\\-][a-z #:\\-]{0,15})?";
        let leaf = prop_oneof![
            "[a-z][a-z .,/()@-]{0,20}".prop_map(Written::Inline),
            "(-?[0-9]{1,4}(\\.[0-9])?|on|~|null|True|0x1F|1e3)".prop_map(Written::Inline),
            "'([a-z #:\"]|''){0,8}'".prop_map(Written::Inline),
            "\"[a-z #:']{0,8}\"".prop_map(Written::Inline),
            "\\[(([a-z0-9]{1,4}|\"@[a-z]{1,4}\")(, ([a-z0-9]{1,4}|'[a-z]{1,3}')){0,3})?\\]"
                .prop_map(Written::Inline),
            "\\{([a-z]{1,3}: ([a-z0-9.][a-z0-9 .]{0,5}|'[a-z]{0,3}')(, [a-z]{4}: \"@[a-z]{0,4}\"){0,2})?\\}"
                .prop_map(Written::Inline),
            (any::<bool>(), "[a-z#:\\-][a-z #:\\-]{0,15}", prop::collection::vec(line, 0..4))
                .prop_map(|(strip, first, rest)| {
                    Written::Literal(strip, std::iter::once(first).chain(rest).collect())
                }),
        ];
        leaf.prop_recursive(4, 40, 4, |inner| {
            prop_oneof![
                prop::collection::btree_map("[a-z_]{1,6}", inner.clone(), 1..4)
                    .prop_map(|map| Written::Map(map.into_iter().collect())),
                (any::<bool>(), prop::collection::vec(inner, 1..4))
                    .prop_map(|(at_key, items)| Written::Seq(at_key, items)),
            ]
        })
    }

    proptest! {
        #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

        /// Every document of the subset is read by `block`, as serde_yaml does.
        #[test]
        fn the_block_way_reads_its_whole_subset(
            top in prop::collection::btree_map("[a-z_]{1,6}", written(), 1..5),
            comment in "(# [a-z: ]{0,10}\n)?",
        ) {
            let mut doc = comment;
            Written::write_map(&top.into_iter().collect::<Vec<_>>(), 0, &mut doc);
            let reference = with_serde_yaml(&doc);
            prop_assert!(reference.is_ok(), "{doc:?}: {reference:?}");
            prop_assert_eq!(block::parse(&doc), reference.ok(), "{:?}", doc);
        }

        #[test]
        fn the_fast_way_reads_generated_documents_as_serde_yaml(doc in document()) {
            prop_assert!(same_as_serde_yaml(&doc), "{doc:?}");
        }

        /// Character soup: saphyr must not accept what libyaml refuses.
        #[test]
        fn the_fast_way_accepts_no_more_than_serde_yaml(
            key in "[a-c:\\- #'\"?]{0,3}",
            doc in "[a-c:\\- \n#\\[\\]{},|>'\"?!&*%@`\\\\\t01.~]{0,40}",
        ) {
            prop_assert!(same_as_serde_yaml(&doc), "{doc:?}");
            let doc = format!("{key}: {doc}");
            prop_assert!(same_as_serde_yaml(&doc), "{doc:?}");
        }
    }
}
