//! One comment per pull request and purpose, found again by the marker on
//! its first line and edited in place, never posted twice.

use super::{Client, GithubError, Repo};
use octocrab::models::issues::Comment;
use serde::Serialize;

pub const MARKER: &str = "<!-- incidentkit:pr-comment -->";
/// The fast lane's verdict: a comment of its own.
pub const FAST_LANE_MARKER: &str = "<!-- incidentkit:fast-lane -->";
/// GitHub refuses longer comment bodies.
const MAX_BODY: usize = 65_536;

#[derive(Debug, PartialEq, Eq)]
pub enum Posted {
    Created(u64),
    Updated(u64),
    Unchanged(u64),
}

#[derive(Serialize)]
struct Body<'a> {
    body: &'a str,
}

/// The comment's body: the marker, then `markdown`, cut to GitHub's limit.
pub fn body(markdown: &str) -> String {
    body_marked(MARKER, markdown)
}

/// A body under another `marker`.
pub fn body_marked(marker: &str, markdown: &str) -> String {
    let body = format!("{marker}\n{}\n", markdown.trim_end());
    if body.len() <= MAX_BODY {
        return body;
    }
    let note = "\n\n… (cut: the full text is in the job summary and `incident diff`)\n";
    let mut end = MAX_BODY - note.len();
    while !body.is_char_boundary(end) {
        end -= 1;
    }
    format!("{}{note}", &body[..end])
}

fn first_line(text: Option<&str>) -> Option<&str> {
    text.and_then(|b| b.lines().next()).map(str::trim)
}

fn find(
    client: &mut Client,
    repo: &Repo,
    pr: u64,
    marker: &str,
) -> Result<Option<Comment>, GithubError> {
    let comments: Vec<Comment> = client.list(&repo.path(&format!("/issues/{pr}/comments")))?;
    Ok(comments
        .into_iter()
        .find(|c| first_line(c.body.as_deref()) == Some(marker)))
}

/// Posts `body` on pull request `pr`, or edits the comment posted before
/// with the same marker (the body's first line).
pub fn post(client: &mut Client, repo: &Repo, pr: u64, body: &str) -> Result<Posted, GithubError> {
    let marker = first_line(Some(body)).unwrap_or(MARKER);
    let mut attempt = 0;
    loop {
        if let Some(comment) = find(client, repo, pr, marker)? {
            let id = comment.id.into_inner();
            let same = comment.body.as_deref().map(normalise) == Some(normalise(body));
            if same {
                return Ok(Posted::Unchanged(id));
            }
            let path = repo.path(&format!("/issues/comments/{id}"));
            client.patch::<_, Comment>(&path, &Body { body })?;
            return Ok(Posted::Updated(id));
        }
        let path = repo.path(&format!("/issues/{pr}/comments"));
        match client.post::<_, Comment>(&path, &Body { body }) {
            Ok(comment) => return Ok(Posted::Created(comment.id.into_inner())),
            // It may have been posted: look again before another try.
            Err(e) if e.uncertain => {
                attempt += 1;
                if !client.back_off(attempt) {
                    return Err(e);
                }
            }
            Err(e) => return Err(e),
        }
    }
}

fn normalise(body: &str) -> String {
    body.replace("\r\n", "\n").trim_end().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_long_body_is_cut_to_githubs_limit_on_a_char_boundary() {
        let long = "é".repeat(40_000);
        let cut = body(&long);
        assert!(cut.len() <= MAX_BODY);
        assert!(cut.starts_with(MARKER));
        assert!(cut.ends_with("`incident diff`)\n"));
        assert_eq!(body("hi\n\n"), format!("{MARKER}\nhi\n"));
    }
}
