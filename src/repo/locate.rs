//! JSON pointers to line and column, with a span-aware YAML parser. Only run
//! for files that have findings, so the fast path never pays for spans.

use saphyr_parser::{Event, Parser, Span};
use std::collections::HashMap;

/// A place in the source: 1-based line and column, and the width to underline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub line: usize,
    pub column: usize,
    pub width: usize,
}

/// Appends one segment to a JSON pointer, escaped as RFC 6901 requires.
pub fn join(pointer: &str, segment: &str) -> String {
    format!(
        "{pointer}/{}",
        segment.replace('~', "~0").replace('/', "~1")
    )
}

enum Frame {
    Map {
        path: String,
        key: Option<(String, Span)>,
    },
    Seq {
        path: String,
        index: usize,
    },
}

struct Entry {
    key: Option<Span>,
    value: Span,
}

/// Every node of a YAML document by pointer.
pub struct SourceMap<'a> {
    text: &'a str,
    entries: HashMap<String, Entry>,
    /// Keys seen a second time in the same mapping, in document order, each
    /// with the key it repeats.
    duplicates: Vec<(Span, Span)>,
}

impl<'a> SourceMap<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut entries: HashMap<String, Entry> = HashMap::new();
        let mut duplicates = Vec::new();
        let mut stack: Vec<Frame> = Vec::new();
        // Nesting `yaml::parse` refuses would take the parser minutes and
        // gigabytes here too: such a file has no places but line 1.
        let events = (!super::yaml::nests_too_deep(text)).then(|| Parser::new_from_str(text));
        for event in events.into_iter().flatten() {
            // A syntax error ends the map; what was read so far still helps.
            let Ok((event, span)) = event else { break };
            let opens = match &event {
                Event::MappingStart(..) => Some(true),
                Event::SequenceStart(..) => Some(false),
                Event::Scalar(..) | Event::Alias(..) => None,
                Event::MappingEnd | Event::SequenceEnd => {
                    stack.pop();
                    if let Some(Frame::Map { key, .. }) = stack.last_mut() {
                        *key = None;
                    }
                    continue;
                }
                _ => continue,
            };
            // Where this node sits: a key of a mapping, or a value somewhere.
            let (path, key_span) = match stack.last_mut() {
                None => (String::new(), None),
                Some(Frame::Map { path, key }) => match key.take() {
                    None => {
                        if let Event::Scalar(name, ..) = &event {
                            *key = Some((name.to_string(), span));
                        }
                        // Complex keys are not valid in our files; skip them.
                        if opens.is_some() {
                            stack.push(Frame::Seq {
                                path: String::from("\u{0}"),
                                index: 0,
                            });
                        }
                        continue;
                    }
                    Some((name, key_span)) => {
                        let p = join(path, &name);
                        if let Some(first) = entries.get(&p).and_then(|e| e.key) {
                            duplicates.push((key_span, first));
                        }
                        (p, Some(key_span))
                    }
                },
                Some(Frame::Seq { path, index }) => {
                    let p = join(path, &index.to_string());
                    *index += 1;
                    (p, None)
                }
            };
            match opens {
                Some(true) => stack.push(Frame::Map {
                    path: path.clone(),
                    key: None,
                }),
                Some(false) => stack.push(Frame::Seq {
                    path: path.clone(),
                    index: 0,
                }),
                None => {}
            }
            entries.insert(
                path,
                Entry {
                    key: key_span,
                    value: span,
                },
            );
        }
        Self {
            text,
            entries,
            duplicates,
        }
    }

    /// Where the first key repeated within one mapping is, and where the
    /// key it repeats is.
    pub fn first_duplicate(&self) -> Option<(Place, Place)> {
        self.duplicates
            .first()
            .map(|&(again, first)| (self.place_of(again), self.place_of(first)))
    }

    /// The place of the node at `pointer` (its key when `at_key` and it has
    /// one). A pointer to something absent falls back to its nearest parent.
    pub fn place(&self, pointer: &str, at_key: bool) -> Place {
        let mut p = pointer;
        loop {
            if let Some(entry) = self.entries.get(p) {
                let span = match (at_key || p != pointer, entry.key) {
                    (true, Some(key)) => key,
                    _ => entry.value,
                };
                return self.place_of(span);
            }
            match p.rfind('/') {
                Some(cut) => p = &p[..cut],
                None => {
                    return Place {
                        line: 1,
                        column: 1,
                        width: 1,
                    };
                }
            }
        }
    }

    fn place_of(&self, span: Span) -> Place {
        let line = span.start.line();
        let column = span.start.col() + 1;
        let line_len = line_text(self.text, line).chars().count();
        let width = if span.end.line() == line {
            span.end.index().saturating_sub(span.start.index())
        } else {
            line_len.saturating_sub(column - 1)
        };
        Place {
            line,
            column,
            width: width.clamp(1, line_len.max(1)),
        }
    }
}

/// Line `line` (1-based) of `text`; empty past its end.
pub fn line_text(text: &str, line: usize) -> &str {
    text.lines().nth(line.saturating_sub(1)).unwrap_or("")
}

#[cfg(test)]
mod tests {
    use super::*;

    const DOC: &str = "title: Checkout down\nroles:\n  commander: \"@alice\"\n  investigators:\n    - \"@carol\"\n    - \"@dan\"\ncomponents: {checkout: major_outage}\n";

    #[test]
    fn finds_values_keys_and_items() {
        let map = SourceMap::new(DOC);
        assert_eq!(
            map.place("/title", false),
            Place {
                line: 1,
                column: 8,
                width: 13
            }
        );
        assert_eq!(
            map.place("/roles/commander", true),
            Place {
                line: 3,
                column: 3,
                width: 9
            }
        );
        assert_eq!(map.place("/roles/investigators/1", false).line, 6);
        assert_eq!(map.place("/components/checkout", false).column, 24);
    }

    #[test]
    fn absent_nodes_fall_back_to_their_parent_key() {
        let map = SourceMap::new(DOC);
        assert_eq!(
            map.place("/roles/communications", false),
            Place {
                line: 2,
                column: 1,
                width: 5
            }
        );
        assert_eq!(map.place("/nothing", false).line, 1);
    }
}
