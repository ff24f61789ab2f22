//! Prose as the text rules read it: words with the sentence they are in,
//! phrases matched word by word, and the Flesch reading ease.

use std::borrow::Cow;
use std::collections::HashMap;

/// One word of a text, as written and in lowercase.
#[derive(Debug, Clone)]
pub struct Word<'a> {
    pub text: &'a str,
    /// Borrowed when the word is lowercase already (most are).
    pub lower: Cow<'a, str>,
    pub sentence: usize,
}

/// The words of `text`. A word is letters and digits, joined by `'`, `-` or
/// `_` (so "don't", "on-call", "payments-api" are one word); `@` starts a
/// handle. A sentence ends at `.`, `!`, `?` or `;` before a space, and at a
/// blank line.
pub fn words(text: &str) -> Vec<Word<'_>> {
    Words::of(text).collect()
}

/// The words of a text one at a time, as `words` finds them: a rule that
/// needs only the first few stops there.
pub struct Words<'a> {
    text: &'a str,
    chars: std::str::CharIndices<'a>,
    /// Where the word being read starts.
    start: Option<usize>,
    sentence: usize,
    /// The sentence of the last word given: empty sentences are not counted.
    last: Option<usize>,
}

impl<'a> Words<'a> {
    pub fn of(text: &'a str) -> Self {
        Self {
            text,
            chars: text.char_indices(),
            start: None,
            sentence: 0,
            last: None,
        }
    }

    /// The word at `text[s..e]`, unless only joiners or a lone `@` are left.
    fn word(&mut self, s: usize, e: usize) -> Option<Word<'a>> {
        let w = self.text[s..e].trim_end_matches(['\'', '’', '-', '_']);
        if w.is_empty() || w == "@" {
            return None;
        }
        let plain = w
            .bytes()
            .all(|b| b.is_ascii_lowercase() || !b.is_ascii_alphabetic())
            && w.is_ascii();
        let lower = if plain {
            Cow::Borrowed(w)
        } else {
            Cow::Owned(w.to_lowercase().replace('’', "'"))
        };
        self.last = Some(self.sentence);
        Some(Word {
            text: w,
            lower,
            sentence: self.sentence,
        })
    }
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        let text = self.text;
        while let Some((i, c)) = self.chars.next() {
            let next = text[i + c.len_utf8()..].chars().next();
            // "3,400" and "2.5" are one number.
            let in_number = matches!(c, ',' | '.')
                && text[..i].ends_with(|p: char| p.is_ascii_digit())
                && next.is_some_and(|n| n.is_ascii_digit());
            let joins = (matches!(c, '\'' | '’' | '-' | '_') || in_number) && self.start.is_some();
            if c.is_alphanumeric() || c == '@' || joins {
                self.start.get_or_insert(i);
                continue;
            }
            let word = self.start.take().and_then(|s| self.word(s, i));
            let ends = match c {
                '.' | '!' | '?' | ';' => next.is_none_or(char::is_whitespace),
                '\n' => next == Some('\n'),
                _ => false,
            };
            if ends && self.last == Some(self.sentence) {
                self.sentence += 1;
            }
            if word.is_some() {
                return word;
            }
        }
        let s = self.start.take()?;
        self.word(s, text.len())
    }
}

/// A phrase as the lowercase words to match.
pub fn phrase(text: &str) -> Vec<String> {
    words(text)
        .into_iter()
        .map(|w| w.lower.into_owned())
        .collect()
}

/// Whether `phrase` is at `words[i..]`, within one sentence.
fn is_at(words: &[Word], phrase: &[String], i: usize) -> bool {
    let sentence = words[i].sentence;
    words.len() - i >= phrase.len()
        && phrase
            .iter()
            .zip(&words[i..])
            .all(|(p, w)| p == &w.lower && w.sentence == sentence)
}

/// A list of phrases, indexed by their first word so that a text is read
/// once whatever the length of the list.
#[derive(Debug, Clone, Default)]
pub struct Phrases {
    by_first: HashMap<String, Vec<Vec<String>>>,
}

impl Phrases {
    pub fn new<'a>(list: impl IntoIterator<Item = &'a String>) -> Self {
        let mut by_first: HashMap<String, Vec<Vec<String>>> = HashMap::new();
        for p in list
            .into_iter()
            .map(|p| phrase(p))
            .filter(|p| !p.is_empty())
        {
            let list = by_first.entry(p[0].clone()).or_default();
            if !list.contains(&p) {
                list.push(p);
            }
        }
        Self { by_first }
    }

    /// Every match in text order: (index of its first word, phrase).
    pub fn matches<'p>(&'p self, words: &[Word]) -> Vec<(usize, &'p [String])> {
        let mut out = Vec::new();
        for (i, w) in words.iter().enumerate() {
            for p in self.by_first.get(w.lower.as_ref()).into_iter().flatten() {
                if is_at(words, p, i) {
                    out.push((i, p.as_slice()));
                }
            }
        }
        out
    }

    /// The first match in `words`.
    pub fn first<'p>(&'p self, words: &[Word]) -> Option<(usize, &'p [String])> {
        words.iter().enumerate().find_map(|(i, w)| {
            self.by_first
                .get(w.lower.as_ref())?
                .iter()
                .find(|p| is_at(words, p, i))
                .map(|p| (i, p.as_slice()))
        })
    }
}

/// The words from `from` to the end of their sentence, as written, for quoting.
pub fn quote(text: &str, words: &[Word], at: usize) -> String {
    let sentence = words[at].sentence;
    let in_sentence: Vec<&Word> = words.iter().filter(|w| w.sentence == sentence).collect();
    let (first, last) = (in_sentence[0].text, in_sentence[in_sentence.len() - 1].text);
    let start = first.as_ptr() as usize - text.as_ptr() as usize;
    let end = last.as_ptr() as usize - text.as_ptr() as usize + last.len();
    let quoted: String = text[start..end]
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    if quoted.chars().count() > 120 {
        let cut: String = quoted.chars().take(117).collect();
        format!("{cut}…")
    } else {
        quoted
    }
}

/// Syllables of an English word, by the usual heuristic: groups of vowels,
/// less a silent final "e" and a final "ed" that is not said ("jumped").
pub fn syllables(word: &str) -> usize {
    let w: Vec<u8> = word
        .bytes()
        .filter(u8::is_ascii_alphabetic)
        .map(|b| b.to_ascii_lowercase())
        .collect();
    if w.len() <= 3 {
        return 1; // short words, and numbers, are read as one syllable
    }
    let vowel = |c: u8| b"aeiouy".contains(&c);
    let mut count = 0;
    let mut previous = false;
    for &c in &w {
        let v = vowel(c);
        if v && !previous {
            count += 1;
        }
        previous = v;
    }
    let n = w.len();
    let silent_e = w.ends_with(b"e") && !w.ends_with(b"le") && !vowel(w[n - 2]);
    let silent_ed = w.ends_with(b"ed") && !w.ends_with(b"ted") && !w.ends_with(b"ded");
    if count > 1 && (silent_e || silent_ed) {
        count -= 1;
    }
    count.max(1)
}

/// Words, sentences and syllables of a text: what reading ease is made of,
/// summed over the parts of a longer text.
#[derive(Debug, Clone, Copy, Default, PartialEq)]
pub struct Tally {
    pub words: usize,
    pub sentences: usize,
    pub syllables: usize,
}

impl Tally {
    pub fn of(words: &[Word]) -> Self {
        let mut sentences: Vec<usize> = words.iter().map(|w| w.sentence).collect();
        sentences.dedup();
        Self {
            words: words.len(),
            sentences: sentences.len(),
            syllables: words.iter().map(|w| syllables(w.text)).sum(),
        }
    }

    pub fn add(&mut self, other: Tally) {
        self.words += other.words;
        self.sentences += other.sentences;
        self.syllables += other.syllables;
    }

    /// Flesch reading ease: 206.835 − 1.015 × words per sentence − 84.6 ×
    /// syllables per word. 60–70 is plain English; below 50 is hard going.
    /// `None` without words.
    pub fn reading_ease(self) -> Option<f64> {
        (self.words > 0).then(|| {
            let n = self.words as f64;
            206.835 - 1.015 * (n / self.sentences as f64) - 84.6 * (self.syllables as f64 / n)
        })
    }
}

/// Words that hold no information on their own.
const PLACEHOLDER_WORDS: &[&str] = &[
    "tbd",
    "tba",
    "todo",
    "fixme",
    "n",
    "a",
    "na",
    "none",
    "update",
    "wip",
    "xxx",
    "placeholder",
    "test",
    "lorem",
    "ipsum",
    "message",
    "here",
];

/// Markers that, in capitals and with a colon at the start, make the rest a
/// note to the writer ("TODO: write the apology").
const NOTE_MARKERS: &[&str] = &["tbd", "tba", "todo", "fixme", "xxx"];

/// A bracket holding a placeholder ("[fill in]", "<…>") is at most this long.
const MAX_BRACKET: usize = 80;

/// The first placeholder of a text that holds nothing else ("TBD",
/// "[fill in]", "<…>", "TODO: write the apology", "lorem ipsum"; the text
/// itself when it has no words, "" or "…"), or `None` when it says something.
/// Lazily: one real word settles it, and it is nearly always the first (texts
/// run to pages).
pub fn placeholder(text: &str) -> Option<&str> {
    if let Some(marker) = note(text) {
        return Some(marker);
    }
    let mut found = None;
    let mut rest = text;
    'spans: loop {
        // Where the text between the last word and the next one starts.
        let mut gap = 0;
        for w in Words::of(rest) {
            let at = w.text.as_ptr().addr() - rest.as_ptr().addr();
            if let Some((bracket, after)) = bracket(rest, gap, at) {
                found.get_or_insert(bracket);
                rest = after;
                continue 'spans;
            }
            if !PLACEHOLDER_WORDS.contains(&w.lower.as_ref()) {
                return None;
            }
            found.get_or_insert(w.text);
            gap = at + w.text.len();
        }
        let Some((bracket, after)) = bracket(rest, gap, rest.len()) else {
            return Some(found.unwrap_or(text.trim()));
        };
        found.get_or_insert(bracket);
        rest = after;
    }
}

/// The marker of a text that is a note to the writer: "TODO: …", "TBD: …".
fn note(text: &str) -> Option<&str> {
    let head = text.trim_start();
    let marker = &head[..head.find(|c: char| !c.is_ascii_uppercase())?];
    let lower = marker.to_ascii_lowercase();
    (NOTE_MARKERS.contains(&lower.as_str()) && head[marker.len()..].trim_start().starts_with(':'))
        .then_some(marker)
}

/// The first bracketed placeholder opening in `text[from..to]` (`[…]` that
/// is not a Markdown link, `<…>`, on one line) and the text after it.
fn bracket(text: &str, from: usize, to: usize) -> Option<(&str, &str)> {
    text[from..to].char_indices().find_map(|(i, c)| {
        let close = match c {
            '[' => ']',
            '<' => '>',
            _ => return None,
        };
        let i = from + i;
        let (k, _) = text[i..]
            .char_indices()
            .take_while(|&(k, c)| k <= MAX_BRACKET && c != '\n')
            .find(|&(_, c)| c == close)?;
        let end = i + k + 1;
        (!text[end..].starts_with('(')).then(|| (&text[i..end], &text[end..]))
    })
}

/// The Flesch reading ease of `text` (see `Tally::reading_ease`).
#[cfg(test)]
pub fn reading_ease(text: &str) -> Option<f64> {
    Tally::of(&words(text)).reading_ease()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_of_placeholders_names_the_first() {
        let cases = [
            ("TODO: write the apology here please", "TODO"),
            ("[fill in] [fill in] [fill in]", "[fill in]"),
            ("TBD TBD TBD TBD TBD", "TBD"),
            ("<what was done to fix it>", "<what was done to fix it>"),
            ("Lorem ipsum.", "Lorem"),
            ("FIXME", "FIXME"),
            (" … ", "…"),
            ("", ""),
        ];
        for (text, found) in cases {
            assert_eq!(placeholder(text), Some(found), "{text:?}");
        }
    }

    #[test]
    fn a_text_that_says_something_has_no_placeholder() {
        for text in [
            "We are sorry [fill in] that checkout failed.",
            "Todo lists did not sync for an hour.",
            "TBD TBD Checkout is down.",
            "See [the status page](https://status.example.com).",
            "Latency < 200 ms again.",
        ] {
            assert_eq!(placeholder(text), None, "{text:?}");
        }
    }

    #[test]
    fn words_keep_handles_and_hyphens_and_know_their_sentence() {
        let w = words("@bob-ops restarted the on-call pager. Then it's fine!\n\nNew para");
        assert_eq!(words("About 3,400 users, 2.5 times.").len(), 5);
        let texts: Vec<&str> = w.iter().map(|w| w.text).collect();
        assert_eq!(
            texts,
            [
                "@bob-ops",
                "restarted",
                "the",
                "on-call",
                "pager",
                "Then",
                "it's",
                "fine",
                "New",
                "para"
            ]
        );
        let sentences: Vec<usize> = w.iter().map(|w| w.sentence).collect();
        assert_eq!(sentences, [0, 0, 0, 0, 0, 1, 1, 1, 2, 2]);
    }

    #[test]
    fn a_phrase_matches_whole_words_within_a_sentence() {
        let w = words("The retry failed. To connect again we waited. It failed to connect.");
        let list = ["failed to".to_string(), "fail".into(), "connect".into()];
        let set = Phrases::new(&list);
        let found: Vec<(usize, String)> = set
            .matches(&w)
            .into_iter()
            .map(|(i, p)| (i, p.join(" ")))
            .collect();
        assert_eq!(
            found,
            [
                (4, "connect".into()),
                (9, "failed to".into()),
                (11, "connect".into())
            ]
        );
        assert_eq!(set.first(&w).map(|(i, _)| i), Some(4));
    }

    #[test]
    fn syllables_by_heuristic() {
        for (word, n) in [
            ("the", 1),
            ("quick", 1),
            ("over", 2),
            ("lazy", 2),
            ("jumped", 1),
            ("wanted", 2),
            ("table", 2),
            ("make", 1),
            ("restore", 2),
            ("database", 3),
            ("availability", 6),
            ("502", 1),
        ] {
            assert_eq!(syllables(word), n, "{word}");
        }
    }

    #[test]
    fn reading_ease_of_known_texts() {
        // Wikipedia's example: "The cat sat on the mat." scores 116.
        let cat = reading_ease("The cat sat on the mat.").unwrap();
        assert!((cat - 116.145).abs() < 0.001, "{cat}");
        // 9 words, 11 syllables, 1 sentence: 206.835 - 9.135 - 103.4 = 94.3.
        let fox = reading_ease("The quick brown fox jumps over the lazy dog.").unwrap();
        assert!((fox - 94.3).abs() < 0.001, "{fox}");
        // Two sentences, 6 words, 9 syllables (check-out, a-gain, pay-ments).
        let two = reading_ease("Checkout works again. Payments are safe.").unwrap();
        let expected = 206.835 - 1.015 * 3.0 - 84.6 * (9.0 / 6.0);
        assert!((two - expected).abs() < 0.001, "{two} vs {expected}");
        let jargon = reading_ease(
            "Intermittent unavailability of the authentication infrastructure necessitated comprehensive reconfiguration.",
        )
        .unwrap();
        assert!(jargon < 0.0, "{jargon}");
        assert_eq!(reading_ease(" \n"), None);
    }
}
