//! Where things are, spelled once: the files of an incident repository
//! (relative to its root, with `/`) and the pages of the built site
//! (relative to the site root, or absolute under `site.url`).

/// The configuration at the repository root.
pub const CONFIG: &str = "incidentkit.yaml";
/// The folder of incident folders.
pub const INCIDENTS: &str = "incidents";
/// An incident folder's declaration.
pub const DECLARATION: &str = "incident.yaml";
/// An incident folder's post-mortem.
pub const POSTMORTEM: &str = "postmortem.yaml";
/// An incident folder's folder of update files.
pub const UPDATES: &str = "updates";
/// An incident folder's folder of correction records.
pub const CORRECTIONS: &str = "corrections";
/// An incident folder's folder of redaction records.
pub const REDACTIONS: &str = "redactions";
/// Template overrides.
pub const TEMPLATES: &str = "templates";

/// `incidents/<id>`
pub fn incident_dir(id: &str) -> String {
    join(INCIDENTS, id)
}

/// `<folder>/<name>`: a scan names every file it lists this way, and a
/// `format!` for each of 87,000 files was a tenth of a warm `list`.
pub fn join(folder: &str, name: &str) -> String {
    let mut path = String::with_capacity(folder.len() + 1 + name.len());
    path.push_str(folder);
    path.push('/');
    path.push_str(name);
    path
}

/// `incidents/<id>/incident.yaml`
pub fn declaration(id: &str) -> String {
    format!("{INCIDENTS}/{id}/{DECLARATION}")
}

/// `incidents/<id>/postmortem.yaml`
pub fn postmortem(id: &str) -> String {
    format!("{INCIDENTS}/{id}/{POSTMORTEM}")
}

/// `incidents/<id>/updates/<file>`
pub fn update(id: &str, file: &str) -> String {
    format!("{INCIDENTS}/{id}/{UPDATES}/{file}")
}

/// `incidents/<id>/<corrections|redactions>/<update stem>--<at stem>.yaml`:
/// the records of one update sort together, oldest first.
pub fn amendment(id: &str, folder: &str, update_file: &str, at_file: &str) -> String {
    let stem = |f: &str| f.strip_suffix(".yaml").unwrap_or(f).to_string();
    format!(
        "{INCIDENTS}/{id}/{folder}/{}--{}.yaml",
        stem(update_file),
        stem(at_file)
    )
}

/// The incident a repository path belongs to, and the path inside its
/// folder: `incidents/<id>/updates/x.yaml` → (`<id>`, `updates/x.yaml`).
pub fn in_incident(path: &str) -> Option<(&str, &str)> {
    path.strip_prefix(INCIDENTS)?
        .strip_prefix('/')?
        .split_once('/')
}

/// Whether a repository path is an update file.
pub fn is_update(path: &str) -> bool {
    is_in(path, UPDATES)
}

/// Whether a repository path is a correction record.
pub fn is_correction(path: &str) -> bool {
    is_in(path, CORRECTIONS)
}

/// Whether a repository path is a redaction record.
pub fn is_redaction(path: &str) -> bool {
    is_in(path, REDACTIONS)
}

/// Whether `path` is a `.yaml` file right in the `folder` of an incident.
fn is_in(path: &str, folder: &str) -> bool {
    in_incident(path).is_some_and(|(_, rest)| {
        rest.strip_prefix(folder)
            .and_then(|r| r.strip_prefix('/'))
            .is_some_and(|name| name.ends_with(".yaml") && !name.contains('/'))
    })
}

/// The page of an incident: `incidents/<id>.html`.
pub fn incident_page(id: &str) -> String {
    format!("{INCIDENTS}/{id}.html")
}

/// The page of a month of history: `history/<YYYY-MM>.html`.
pub fn month_page(key: &str) -> String {
    format!("history/{key}.html")
}

/// A site path as a link: absolute under the site's URL when there is one.
pub fn site_link(site_url: Option<&str>, path: &str) -> String {
    match site_url {
        Some(url) => format!("{}/{path}", url.trim_end_matches('/')),
        None => path.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn repository_paths() {
        assert_eq!(
            update("2026-11-26-x", "t.yaml"),
            "incidents/2026-11-26-x/updates/t.yaml"
        );
        assert_eq!(
            in_incident("incidents/2026-11-26-x/updates/t.yaml"),
            Some(("2026-11-26-x", "updates/t.yaml"))
        );
        assert_eq!(in_incident("incidentsX/a/b"), None);
        assert!(is_update("incidents/a/updates/t.yaml"));
        assert!(!is_update("incidents/a/updates/deeper/t.yaml"));
        assert!(!is_update("incidents/a/incident.yaml"));
        assert!(is_redaction("incidents/a/redactions/t--u.yaml"));
        assert!(!is_correction("incidents/a/redactions/t--u.yaml"));
        assert_eq!(
            amendment("a", CORRECTIONS, "t.yaml", "u.yaml"),
            "incidents/a/corrections/t--u.yaml"
        );
    }

    #[test]
    fn site_links() {
        assert_eq!(incident_page("a"), "incidents/a.html");
        assert_eq!(
            site_link(Some("https://status.example/"), &incident_page("a")),
            "https://status.example/incidents/a.html"
        );
        assert_eq!(
            site_link(None, "history/2026-11.html"),
            "history/2026-11.html"
        );
    }
}
