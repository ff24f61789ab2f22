//! The page's words and date formats in one language: built-in locale
//! files (`templates/locale/<lang>.yaml`: en, de, fr, es, ja), embedded in
//! the binary and overridable per key by a repository's own
//! `templates/locale/<lang>.yaml`, as templates are. A locale falls back to
//! English for any key it lacks (a test keeps the built-in ones complete).

use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::{Arc, OnceLock};

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct LocaleFile {
    months: Option<Vec<String>>,
    months_long: Option<Vec<String>>,
    day: Option<String>,
    local: Option<String>,
    month_year: Option<String>,
    #[serde(default)]
    strings: BTreeMap<String, String>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Locale {
    /// BCP 47 tag, for `<html lang>`.
    pub lang: String,
    /// Short month names, January first.
    months: Vec<String>,
    months_long: Vec<String>,
    /// "{d} {mon} {y}"
    day: String,
    /// "{day}, {time}"
    local: String,
    /// "{month} {y}"
    month_year: String,
    pub strings: BTreeMap<String, String>,
}

impl Locale {
    /// `sources` from the most general (English) to the most specific (the
    /// repository's override): later keys win.
    pub fn merge(lang: &str, sources: &[(&str, &str)]) -> Result<Self, String> {
        let mut out = Self {
            lang: lang.to_string(),
            months: Vec::new(),
            months_long: Vec::new(),
            day: String::new(),
            local: String::new(),
            month_year: String::new(),
            strings: BTreeMap::new(),
        };
        for (name, source) in sources {
            let file: LocaleFile =
                serde_yaml::from_str(source).map_err(|e| format!("{name}: {e}"))?;
            for (months, field) in [
                (file.months, &mut out.months),
                (file.months_long, &mut out.months_long),
            ] {
                if let Some(months) = months {
                    if months.len() != 12 {
                        return Err(format!(
                            "{name}: a year has 12 months, not {}",
                            months.len()
                        ));
                    }
                    *field = months;
                }
            }
            for (value, field) in [
                (file.day, &mut out.day),
                (file.local, &mut out.local),
                (file.month_year, &mut out.month_year),
            ] {
                if let Some(value) = value {
                    *field = value;
                }
            }
            out.strings.extend(file.strings);
        }
        // `days_ago` held the words after the number ("days ago") before it
        // held the number's place ("vor {n} Tagen"): an override of the old
        // form keeps its meaning.
        if let Some(words) = out
            .strings
            .get_mut("days_ago")
            .filter(|w| !w.contains("{n}"))
        {
            *words = format!("{{n}} {words}");
        }
        Ok(out)
    }

    /// The built-in English locale, parsed once: feeds, the API and every
    /// notice ask for it per entry.
    pub fn english() -> Arc<Self> {
        static ENGLISH: OnceLock<Arc<Locale>> = OnceLock::new();
        ENGLISH
            .get_or_init(|| {
                let source = crate::templates::built_in_locale("en").unwrap_or_default();
                Arc::new(
                    Self::merge("en", &[("en", source)])
                        .expect("the built-in English locale parses"),
                )
            })
            .clone()
    }

    /// A UI string; the key itself when no locale has it.
    pub fn word(&self, key: &str) -> String {
        self.strings
            .get(key)
            .cloned()
            .unwrap_or_else(|| key.to_string())
    }

    /// "26 Nov 2026", "26. Nov. 2026", "2026年11月26日".
    pub fn day(&self, date: jiff::civil::Date) -> String {
        fill(
            &self.day,
            &[
                ("d", &date.day().to_string()),
                ("mon", &self.months[date.month() as usize - 1]),
                ("y", &date.year().to_string()),
            ],
        )
    }

    /// "26 Nov 2026, 11:05 CET".
    pub fn local(&self, day: &str, time: &str) -> String {
        fill(&self.local, &[("day", day), ("time", time)])
    }

    /// "November 2026".
    pub fn month_year(&self, date: jiff::civil::Date) -> String {
        fill(
            &self.month_year,
            &[
                ("month", &self.months_long[date.month() as usize - 1]),
                ("y", &date.year().to_string()),
            ],
        )
    }
}

/// `pattern` (a locale's sentence or date) with each `{key}` of `values`
/// put in its place, in one pass (a page shows a few times per update:
/// replacing each key in turn allocated a string per key, a twentieth of a
/// whole `build`). Braces around anything else stay as they are, and a
/// value is never searched for keys.
pub(crate) fn fill(pattern: &str, values: &[(&str, &str)]) -> String {
    let mut out = String::with_capacity(
        pattern.len() + values.iter().map(|(_, value)| value.len()).sum::<usize>(),
    );
    let mut rest = pattern;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let known = values.iter().find(|(key, _)| {
            after
                .strip_prefix(key)
                .is_some_and(|tail| tail.starts_with('}'))
        });
        match known {
            Some((key, value)) => {
                out.push_str(value);
                rest = &after[key.len() + 1..];
            }
            None => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::templates::LOCALES;

    /// One pass puts each value where replacing each key in turn did, for
    /// every built-in locale's patterns, and leaves other braces alone.
    #[test]
    fn a_pattern_is_filled_as_replacing_each_key_did() {
        for (pattern, values, filled) in [
            (
                "{d} {mon} {y}",
                &[("d", "7"), ("mon", "Nov"), ("y", "2026")][..],
                "7 Nov 2026",
            ),
            (
                "{y}年{mon}{d}日",
                &[("d", "7"), ("mon", "11月"), ("y", "2026")],
                "2026年11月7日",
            ),
            (
                "{day}, {time}",
                &[("day", "7 Nov"), ("time", "11:05 CET")],
                "7 Nov, 11:05 CET",
            ),
            ("{ {x} {d}} {d", &[("d", "7")], "{ {x} 7} {d"),
            ("", &[("d", "7")], ""),
        ] {
            let replaced = values.iter().fold(pattern.to_string(), |p, (k, v)| {
                p.replace(&format!("{{{k}}}"), v)
            });
            assert_eq!(fill(pattern, values), filled, "{pattern}");
            assert_eq!(replaced, filled, "{pattern}");
        }
        let date = jiff::civil::date(2026, 11, 7);
        for (lang, source) in LOCALES {
            let locale = Locale::merge(lang, &[(lang, source)]).unwrap();
            let (d, y) = (date.day().to_string(), date.year().to_string());
            let day = (locale.day.replace("{d}", &d))
                .replace("{mon}", &locale.months[10])
                .replace("{y}", &y);
            assert_eq!(locale.day(date), day, "{lang}");
            let month_year = (locale
                .month_year
                .replace("{month}", &locale.months_long[10]))
            .replace("{y}", &y);
            assert_eq!(locale.month_year(date), month_year, "{lang}");
            let local = (locale.local.replace("{day}", &day)).replace("{time}", "11:05 CET");
            assert_eq!(locale.local(&day, "11:05 CET"), local, "{lang}");
        }
    }

    #[test]
    fn every_built_in_locale_has_every_key_english_has() {
        let english: LocaleFile = serde_yaml::from_str(LOCALES[0].1).unwrap();
        assert_eq!(LOCALES[0].0, "en");
        for (lang, source) in LOCALES {
            let file: LocaleFile =
                serde_yaml::from_str(source).unwrap_or_else(|e| panic!("{lang}: {e}"));
            let missing: Vec<&String> = english
                .strings
                .keys()
                .filter(|k| !file.strings.contains_key(*k))
                .collect();
            assert!(missing.is_empty(), "{lang} lacks {missing:?}");
            let extra: Vec<&String> = file
                .strings
                .keys()
                .filter(|k| !english.strings.contains_key(*k))
                .collect();
            assert!(extra.is_empty(), "{lang} has keys English lacks: {extra:?}");
            for (name, field) in [("months", &file.months), ("months_long", &file.months_long)] {
                assert_eq!(field.as_ref().map(Vec::len), Some(12), "{lang} {name}");
            }
            for (name, field) in [
                ("day", &file.day),
                ("local", &file.local),
                ("month_year", &file.month_year),
            ] {
                assert!(field.is_some(), "{lang} lacks {name}");
            }
            for key in ["last_days", "days_ago"] {
                assert!(
                    file.strings[key].contains("{n}"),
                    "{lang}: {key} needs {{n}}"
                );
            }
        }
    }

    #[test]
    fn dates_follow_the_locale_and_overrides_win_per_key() {
        let date = jiff::civil::date(2026, 11, 26);
        let de = Locale::merge(
            "de",
            &[
                ("en", LOCALES[0].1),
                ("de", crate::templates::built_in_locale("de").unwrap()),
                ("override", "strings: {today: Jetzt}\n"),
            ],
        )
        .unwrap();
        assert_eq!(de.day(date), "26. Nov. 2026");
        assert_eq!(de.month_year(date), "November 2026");
        assert_eq!(de.word("today"), "Jetzt");
        assert_eq!(de.word("updates"), "Updates");
        assert_eq!(Locale::english().day(date), "26 Nov 2026");
        let ja = Locale::merge(
            "ja",
            &[("ja", crate::templates::built_in_locale("ja").unwrap())],
        )
        .unwrap();
        assert_eq!(ja.day(date), "2026年11月26日");
        assert!(Locale::merge("xx", &[("bad", "months: [a]\n")]).is_err());
        assert_eq!(de.word("days_ago"), "vor {n} Tagen");
        // An override of the form before the number had its place.
        let old = Locale::merge("de", &[("override", "strings: {days_ago: Tagen}\n")]).unwrap();
        assert_eq!(old.word("days_ago"), "{n} Tagen");
    }
}
