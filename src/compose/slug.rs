//! Incident ids: the declared date and a short slug of the title.

/// Lowercase ASCII words joined by dashes, at most 6 words and 48 bytes.
/// Other scripts are transliterated first ("Überweisung" → "uberweisung",
/// not "berweisung"), so an id still says what the incident is.
pub fn slugify(title: &str) -> String {
    let ascii = deunicode::deunicode(title);
    let mut slug = String::new();
    let words = ascii
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6);
    for word in words {
        if slug.len() + word.len() + 1 > 48 {
            break;
        }
        if !slug.is_empty() {
            slug.push('-');
        }
        slug.push_str(&word.to_ascii_lowercase());
    }
    if slug.is_empty() {
        "incident".to_string()
    } else {
        slug
    }
}

/// `<date>-<slug>`, with `-2`, `-3`, … when the id is taken.
pub fn unique_id(date: &str, title: &str, taken: impl Fn(&str) -> bool) -> String {
    let base = format!("{date}-{}", slugify(title));
    (1..)
        .map(|n| {
            if n == 1 {
                base.clone()
            } else {
                format!("{base}-{n}")
            }
        })
        .find(|id| !taken(id))
        .unwrap_or(base)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn other_scripts_are_transliterated_not_dropped() {
        assert_eq!(
            slugify("Überweisung schlägt fehl"),
            "uberweisung-schlagt-fehl"
        );
        assert_eq!(slugify("Paiement refusé"), "paiement-refuse");
        assert_ne!(slugify("決済が失敗する"), "incident");
    }

    #[test]
    fn slugs_are_short_lowercase_words() {
        assert_eq!(
            slugify("Checkout fails with 502 for EU customers"),
            "checkout-fails-with-502-for-eu"
        );
        assert_eq!(slugify("  API: down!! "), "api-down");
        assert_eq!(slugify("???"), "incident");
    }

    #[test]
    fn a_taken_id_gets_a_number() {
        let taken = ["2026-11-26-api-down", "2026-11-26-api-down-2"];
        assert_eq!(
            unique_id("2026-11-26", "API down", |id| taken.contains(&id)),
            "2026-11-26-api-down-3"
        );
    }
}
