//! Messages are Markdown. What people wrote can never become markup: raw
//! HTML is shown as text, links go only to http(s) and mailto, and images
//! become links (a status page makes no requests of its own).

use pulldown_cmark::{CowStr, Event, Options, Parser, Tag, TagEnd, html};

/// Markdown to HTML that is safe to embed in a page.
pub fn to_html(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    let mut skipped_links: Vec<bool> = Vec::new();
    let events = Parser::new_ext(markdown, options).filter_map(|event| match event {
        // Raw HTML, inline or as a block, is shown as the text it is.
        Event::Html(text) | Event::InlineHtml(text) => Some(Event::Text(text)),
        // An image would be fetched by every visitor: it becomes a link to it.
        Event::Start(
            Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }
            | Tag::Image {
                link_type,
                dest_url,
                title,
                id,
            },
        ) => {
            let allowed = is_allowed_url(&dest_url);
            skipped_links.push(!allowed);
            allowed.then_some(Event::Start(Tag::Link {
                link_type,
                dest_url,
                title,
                id,
            }))
        }
        Event::End(TagEnd::Link | TagEnd::Image) => {
            let skipped = skipped_links.pop().unwrap_or(true);
            (!skipped).then_some(Event::End(TagEnd::Link))
        }
        other => Some(other),
    });
    let mut out = String::with_capacity(markdown.len() * 3 / 2);
    html::push_html(&mut out, events);
    out
}

/// Markdown to plain text (for feeds' summaries, e-mail and JSON), keeping
/// paragraphs apart.
pub fn to_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => {
                out.push_str(&t);
            }
            Event::SoftBreak => out.push(' '),
            Event::HardBreak => out.push('\n'),
            Event::End(TagEnd::Paragraph | TagEnd::Item | TagEnd::Heading(_)) => {
                out.push_str("\n\n");
            }
            _ => {}
        }
    }
    out.trim().to_string()
}

/// Markdown that stays inert in any other Markdown renderer (a GitHub issue,
/// a wiki, a mail client), most of which pass raw HTML through: raw HTML
/// becomes text (`<` as `&lt;`), and links to anything but http(s) and
/// mailto, and images, lose their syntax and stay as the text they were.
pub fn inert(markdown: &str) -> String {
    let options = Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES;
    // (byte offset, bytes replaced, replacement), in source order.
    let mut edits: Vec<(usize, usize, &str)> = Vec::new();
    for (event, range) in Parser::new_ext(markdown, options).into_offset_iter() {
        let first = markdown[range.start..].chars().next();
        match event {
            Event::Html(_) | Event::InlineHtml(_) => edits.extend(
                markdown[range.clone()]
                    .match_indices('<')
                    .map(|(at, _)| (range.start + at, 1, "&lt;")),
            ),
            Event::Start(Tag::Link { dest_url, .. }) if !is_allowed_url(&dest_url) => match first {
                Some('<') => edits.push((range.start, 1, "&lt;")),
                Some('[') => edits.push((range.start, 0, "\\")),
                _ => {}
            },
            Event::Start(Tag::Image { .. }) if first == Some('!') => {
                edits.push((range.start, 0, "\\"));
            }
            _ => {}
        }
    }
    edits.sort_by_key(|e| e.0);
    let mut out = String::with_capacity(markdown.len() + edits.len() * 4);
    let mut at = 0;
    for (offset, replaced, with) in edits {
        if offset < at {
            continue;
        }
        out.push_str(&markdown[at..offset]);
        out.push_str(with);
        at = offset + replaced;
    }
    out.push_str(&markdown[at..]);
    out
}

fn is_allowed_url(url: &CowStr<'_>) -> bool {
    let lower = url.trim().to_ascii_lowercase();
    ["http://", "https://", "mailto:"]
        .iter()
        .any(|scheme| lower.starts_with(scheme))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn raw_html_is_text() {
        let html = to_html("Hi <script>alert(1)</script> and <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn html_blocks_are_text() {
        let html = to_html("<div onclick=\"x()\">\nhello\n</div>\n");
        assert!(!html.contains("<div"), "{html}");
    }

    #[test]
    fn only_web_and_mail_links() {
        let html = to_html("[a](javascript:alert(1)) [b](https://acme.example) [c](mailto:x@y)");
        assert!(!html.contains("javascript:"), "{html}");
        assert!(html.contains("href=\"https://acme.example\""), "{html}");
        assert!(html.contains("href=\"mailto:x@y\""), "{html}");
        assert!(
            html.starts_with("<p>a <a"),
            "the unsafe link keeps its text: {html}"
        );
    }

    #[test]
    fn images_become_links() {
        let html = to_html("![logo](https://cdn.example/x.png) ![y](data:image/png;base64,AA)");
        assert!(!html.contains("<img"), "{html}");
        assert!(!html.contains("data:"), "{html}");
        assert!(
            html.contains("href=\"https://cdn.example/x.png\""),
            "{html}"
        );
    }

    #[test]
    fn inert_markdown_renders_no_markup_from_the_text() {
        let md = inert(
            "Hi <script>alert(1)</script>\n\n<div onclick=x>\nblock\n</div>\n\n[a](javascript:alert(1)) <javascript:alert(2)> ![i](https://cdn.example/x.png) [ok](https://acme.example) `<code>`",
        );
        let mut html = String::new();
        // The plainest renderer: raw HTML passes straight through.
        html::push_html(&mut html, Parser::new(&md));
        for bad in [
            "<script",
            "<div",
            "javascript:alert(1)\"",
            "<img",
            "href=\"javascript",
        ] {
            assert!(!html.contains(bad), "{bad} in {html}");
        }
        assert!(
            html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"),
            "{html}"
        );
        assert!(html.contains("[a](javascript:alert(1))"), "{html}");
        assert!(
            html.contains("<a href=\"https://acme.example\">ok</a>"),
            "{html}"
        );
        assert!(html.contains("<code>&lt;code&gt;</code>"), "{html}");
    }

    #[test]
    fn text_keeps_paragraphs() {
        assert_eq!(to_text("one\ntwo\n\n*three*"), "one two\n\nthree");
    }
}
