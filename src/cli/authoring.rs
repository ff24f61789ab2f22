//! What declare, update, decide and resolve share: open the repository,
//! find the incident, parse times, and write files only once they validate.

use super::CliError;
use crate::check::{self, Outcome};
use crate::compose::{NewFiles, write};
use crate::diagnostics::{self, Diagnostic, Level};
use crate::model::{Incident, Repository};
use crate::repo::Files;
use jiff::Timestamp;
use serde::de::DeserializeOwned;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

/// Flags every writing command has.
#[derive(Debug, clap::Args)]
pub struct Common {
    /// When it happened: RFC 3339, or 10:05 for today in the site's time zone. Default: now.
    #[arg(long, value_name = "TIME")]
    pub at: Option<String>,
    /// Who posts it (default: $INCIDENT_AUTHOR, else git's user.name, else $USER).
    #[arg(long, value_name = "WHO")]
    pub author: Option<String>,
    /// Commit the new files on branch incident/<id> (created from HEAD unless already on it).
    #[arg(long)]
    pub branch: bool,
    /// As --branch, then push it (with your git) and open its pull request
    /// through the GitHub API (GITHUB_TOKEN), or add to the one open.
    #[arg(long)]
    pub pr: bool,
}

/// A command on one incident of a repository that may hold thousands: it
/// reads the configuration, the list of incident folders and the incidents
/// it names, never the others. Every file it writes passes the rules
/// `validate` applies to it (`finish`).
pub struct Session {
    pub root: PathBuf,
    /// The configuration and the incidents the command named, checked.
    pub before: Outcome,
    /// The incident folders, by name (listed, not read).
    pub ids: Vec<String>,
    /// The incident the command is about (`open` with an id).
    found: Option<usize>,
    pub now: Timestamp,
    /// Said once the files are written (never before a refusal).
    moved: std::cell::RefCell<Option<String>>,
}

impl Session {
    /// Opens the repository at `start` for a command on the incident named
    /// by `id` (its id, or any part of it that names one incident only:
    /// `search-is-slow`, `2026-11-26-search`), or on none (declare).
    pub fn open(start: &Path, id: Option<&str>) -> Result<Self, CliError> {
        let root = super::repository_root(start)?;
        // The folders an id may name: those holding it, and itself.
        let (before, ids) = checked_named(&root, |ids| match id {
            Some(id) if !id.is_empty() => ids
                .iter()
                .filter(|i| i.contains(id))
                .cloned()
                .chain(std::iter::once(id.to_string()))
                .collect(),
            _ => BTreeSet::new(),
        })?;
        let mut session = Self {
            root,
            before,
            ids,
            found: None,
            now: crate::clock::now(),
            moved: Default::default(),
        };
        if let Some(id) = id {
            session.found = Some(session.find(id)?);
        }
        Ok(session)
    }

    pub fn repo(&self) -> &Repository {
        self.before.repository.as_ref().expect("checked in open")
    }

    /// The incident named when the session was opened.
    pub fn incident(&self) -> &Incident {
        &self.repo().incidents[self.found.expect("opened with an id")]
    }

    /// Where the incident named by `id` is among those read.
    fn find(&self, id: &str) -> Result<usize, CliError> {
        let incidents = &self.repo().incidents;
        if let Some(at) = incidents.iter().position(|i| i.id == id) {
            return Ok(at);
        }
        let matches: Vec<usize> = if id.is_empty() {
            Vec::new()
        } else {
            (0..incidents.len())
                .filter(|&at| incidents[at].id.contains(id))
                .collect()
        };
        match matches.as_slice() {
            [one] => return Ok(*one),
            [] => {}
            many => {
                let ids: Vec<&str> = many.iter().map(|&at| incidents[at].id.as_str()).collect();
                return Err(CliError::Usage(format!(
                    "`{id}` matches {} incidents: {}; give more of the id",
                    ids.len(),
                    ids.join(", ")
                )));
            }
        }
        if is_plain_name(id) && self.root.join(crate::paths::declaration(id)).is_file() {
            return Err(CliError::Refused(format!(
                "incident {id} has errors in its files; run `incident validate` and fix them first"
            )));
        }
        if let Some(folder) = self.folder_without_declaration(id) {
            return Err(CliError::Usage(no_declaration(&self.root, folder)));
        }
        let hint = match near_id(id, &self.ids) {
            Some(near) => format!("did you mean `{near}`?"),
            None if id.strip_prefix('.').is_some_and(is_plain_name) => {
                "a folder whose name starts with a dot is hidden: incidentkit never reads it".into()
            }
            None => "`incident list` shows the ids".to_string(),
        };
        Err(CliError::Usage(format!("no incident `{id}`: {hint}")))
    }

    /// The folder `id` names (whole, else the only one holding it) when it
    /// has no incident.yaml: updates left behind by `git switch`, whose
    /// declaration is on another branch.
    fn folder_without_declaration(&self, id: &str) -> Option<&str> {
        let named: Vec<&str> = match self.ids.iter().find(|f| *f == id) {
            Some(whole) => vec![whole.as_str()],
            None => self
                .ids
                .iter()
                .filter(|f| f.contains(id))
                .map(String::as_str)
                .collect(),
        };
        match named.as_slice() {
            [one]
                if is_plain_name(one)
                    && !self.root.join(crate::paths::declaration(one)).exists() =>
            {
                Some(one)
            }
            _ => None,
        }
    }

    /// The incidents in the folders `ids` names that read without errors,
    /// checked as `validate` checks them.
    pub fn read(&self, ids: BTreeSet<String>) -> Result<Vec<Incident>, CliError> {
        let outcome = check::check_incidents(&Files::on_disk(&self.root), &ids)?;
        Ok(outcome.repository.map(|r| r.incidents).unwrap_or_default())
    }

    /// `--at` (or another time flag, named by `what`): now when absent,
    /// to the second (update files are named by it), never in the future.
    pub fn time(&self, what: &str, text: Option<&str>) -> Result<Timestamp, CliError> {
        let Some(text) = text else {
            return Ok(self.now);
        };
        let tz = self.repo().config.timezone();
        let at = crate::compose::when::parse_time(text, self.now, &tz)
            .map_err(|e| CliError::Usage(format!("{what}: {e}")))?;
        crate::compose::when::not_future(what, text, at, self.now)
            .map_err(|e| CliError::Usage(e.to_string()))?;
        // In the hour a clock goes back, a clock time happened twice: say
        // which was taken and how to write the other.
        if let Some(other) = crate::compose::when::other_fold_moment(text, at, &tz) {
            eprintln!(
                "note: {what} {text} happened twice that day (the clocks went back); took {} ({at}); for the other, write {}",
                local_time(at, self.repo()),
                other
                    .to_zoned_datetime(tz.clone())
                    .strftime("%Y-%m-%dT%H:%M:%S%:z"),
            );
        }
        // A clock time a little ahead of now means yesterday's: say so, as
        // it was more likely a slip than a time almost a day ago.
        if crate::clock::parse_timestamp(text).is_none()
            && self.now.duration_since(at) > jiff::SignedDuration::from_hours(12)
        {
            eprintln!(
                "note: {what} {text} is {}, its last occurrence; write the date and time to mean another",
                local_time(at, self.repo())
            );
        }
        Ok(Timestamp::from_second(at.as_second()).unwrap_or(at))
    }

    /// The time of a new entry of `incident` (`--at`, else now), moved to one
    /// second after the latest entry when that is in the same minute.
    pub fn entry_time(
        &self,
        incident: &Incident,
        text: Option<&str>,
    ) -> Result<Timestamp, CliError> {
        let asked = self.time("--at", text)?;
        let at = crate::compose::after_latest(incident, asked);
        if at != asked {
            *self.moved.borrow_mut() = Some(format!(
                "note: the entry is at {at}, one second after the latest entry of {}: updates are kept in time order",
                incident.id
            ));
        }
        Ok(at)
    }

    /// The time of a correction or redaction record of `update`: `--at`, or
    /// now, but never before the update itself (entries written in the same
    /// second are placed a second apart, so the latest can be ahead of now).
    pub fn record_time(
        &self,
        update: &crate::model::Update,
        text: Option<&str>,
    ) -> Result<Timestamp, CliError> {
        let asked = self.time("--at", text)?;
        Ok(if text.is_none() {
            asked.max(update.at)
        } else {
            asked
        })
    }

    pub fn next_update(&self, text: &str, at: Timestamp) -> Result<Timestamp, CliError> {
        crate::compose::when::parse_next(text, at, &self.repo().config.timezone())
            .map_err(|e| CliError::Usage(e.to_string()))
    }

    /// Validates the repository as it would be with `files`, then writes them
    /// (and commits them with --branch). Nothing is written when the result
    /// would have new errors: they are printed as `validate` prints them.
    pub fn finish(
        &self,
        common: &Common,
        id: &str,
        files: NewFiles,
        message: &str,
    ) -> Result<bool, CliError> {
        self.finish_rewriting(common, id, files, NewFiles::new(), message)
    }

    /// `finish`, also replacing the existing files `rewritten` holds: only
    /// `redact` does, with the record that sanctions the rewrite in `files`.
    pub fn finish_rewriting(
        &self,
        common: &Common,
        id: &str,
        files: NewFiles,
        rewritten: NewFiles,
        message: &str,
    ) -> Result<bool, CliError> {
        let git = (common.branch || common.pr)
            .then(|| crate::git::open_clean(&self.root))
            .transpose()?;
        // The branch a new pull request goes into: the one HEAD is on, or
        // origin's default when HEAD is an incident branch already.
        let base = git.as_ref().map(crate::git::base_branch);
        let (new_errors, new_warnings) = self.new_diagnostics(&files, &rewritten)?;
        if !new_errors.is_empty() {
            let mut err = anstream::stderr().lock();
            diagnostics::print_human(&mut err, &new_errors)?;
            eprintln!("nothing was written: the files would not validate");
            return Ok(false);
        }
        self.write_files(&files, &rewritten)?;
        if let Some(note) = self.moved.take() {
            eprintln!("{note}");
        }
        for file in files.keys().chain(rewritten.keys()) {
            println!("wrote {file}");
        }
        // Written, but worth knowing now rather than at review: a late
        // update, a promise beyond the policy.
        let warnings: Vec<Diagnostic> = new_warnings
            .into_iter()
            .filter(|d| files.contains_key(&d.file))
            .collect();
        diagnostics::print_human(&mut anstream::stderr().lock(), &warnings)?;
        if let Some(repo) = git {
            let paths: Vec<String> = files.keys().chain(rewritten.keys()).cloned().collect();
            self.commit(&repo, base.filter(|_| common.pr), id, &paths, message)?;
        }
        Ok(true)
    }

    /// The errors and the warnings that writing `files` and `rewritten`
    /// would add to those before.
    fn new_diagnostics(
        &self,
        files: &NewFiles,
        rewritten: &NewFiles,
    ) -> Result<(Vec<Diagnostic>, Vec<Diagnostic>), CliError> {
        // The rules `validate` applies to the files written: the incident's
        // own, the configuration's and the layout's.
        let written: BTreeSet<String> = files
            .keys()
            .chain(rewritten.keys())
            .filter_map(|f| crate::paths::in_incident(f))
            .map(|(id, _)| id.to_string())
            .collect();
        let pending = files
            .iter()
            .chain(rewritten)
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let after = check::check_incidents(&Files::with_pending(&self.root, pending), &written)?;
        let known: HashSet<(&str, &str, &str)> = self
            .before
            .diagnostics
            .iter()
            .map(|d| (d.file.as_str(), d.rule, d.message.as_str()))
            .collect();
        Ok(after
            .diagnostics
            .into_iter()
            .filter(|d| !known.contains(&(d.file.as_str(), d.rule, d.message.as_str())))
            .partition(|d| d.level == Level::Error))
    }

    /// Creates `files` and replaces `rewritten`; when a replacement fails,
    /// the files created are removed again.
    fn write_files(&self, files: &NewFiles, rewritten: &NewFiles) -> Result<(), CliError> {
        write::create_all(&self.root, files)?;
        for (file, text) in rewritten {
            if let Err(e) = write::replace(&self.root, file, text) {
                // Not half a change: the record goes with the rewrite.
                for new in files.keys() {
                    let _ = std::fs::remove_file(self.root.join(new));
                }
                return Err(e.into());
            }
        }
        Ok(())
    }

    /// Commits `paths` on the incident's branch, and opens a pull request
    /// into `pr_base` when one is asked for (else says how).
    fn commit(
        &self,
        repo: &git2::Repository,
        pr_base: Option<String>,
        id: &str,
        paths: &[String],
        message: &str,
    ) -> Result<(), CliError> {
        let done = crate::git::commit_on_branch(repo, &self.root, id, paths, message)?;
        println!(
            "committed {} on branch {}: {message}",
            &done.commit[..8],
            done.branch
        );
        match pr_base {
            Some(base) => super::pull_request::open(&self.root, &done.branch, &base, message)?,
            None => println!(
                "next: git push -u origin {} and open a pull request (or rerun with --pr)",
                done.branch
            ),
        }
        Ok(())
    }
}

/// The configuration and the incidents `pick` names among the folders of
/// `incidents/` (given by name), checked as `validate` checks them, with
/// those folders' names; a link where one is read (in `incidents/` itself:
/// one the listing sees, or one git records where the checkout made a
/// file), or a configuration with errors, is refused. A
/// name not listed is looked up as long as a check of the whole repository
/// could list it (git may record a link there); never `.`, `..`, a path or
/// a hidden name, which no listing holds.
pub(super) fn checked_named(
    root: &Path,
    pick: impl FnOnce(&[String]) -> BTreeSet<String>,
) -> Result<(crate::check::Outcome, Vec<String>), CliError> {
    let (ids, files, mut listed_links) = crate::repo::layout::incident_folders(root)?;
    // A file there may be what a checkout made of a link git records.
    if !files.is_empty() {
        listed_links.extend(crate::git::committed_links_at(root, &files));
    }
    let mut named = pick(&ids);
    named.retain(|id| is_plain_name(id));
    let mut before = check::check_incidents(&Files::on_disk(root), &named)?;
    before.diagnostics.extend(
        listed_links
            .iter()
            .map(|(path, what)| crate::check::rules::layout::refusal(path, *what)),
    );
    super::refuse_links(&before)?;
    if before.repository.is_none() {
        return Err(CliError::Usage(format!(
            "{} has errors; run `incident validate` and fix them first",
            crate::repo::CONFIG_FILE
        )));
    }
    Ok((before, ids))
}

/// The id `typed` was probably meant to be: the closest whole id, else the
/// newest whose name after its date is closest (ids are typed by part).
fn near_id<'a>(typed: &str, ids: &'a [String]) -> Option<&'a str> {
    use crate::check::suggest::did_you_mean;
    let whole: Vec<&str> = ids.iter().map(String::as_str).collect();
    let named = |id: &'a str| -> &'a str {
        let dated = id
            .get(..10)
            .is_some_and(|d| d.parse::<jiff::civil::Date>().is_ok());
        match id.get(10..) {
            Some(rest) if dated && rest.starts_with('-') => &rest[1..],
            _ => id,
        }
    };
    did_you_mean(typed, &whole).or_else(|| {
        let names: Vec<&str> = whole.iter().map(|id| named(id)).collect();
        let near = did_you_mean(typed, &names)?;
        whole.iter().rev().find(|id| named(id) == near).copied()
    })
}

/// What to say of incident folder `id` without incident.yaml: where its
/// declaration may be, naming the branch only when git has it.
fn no_declaration(root: &Path, id: &str) -> String {
    let branch = format!("incident/{id}");
    let has = |kind, name: &str| {
        git2::Repository::discover(root).is_ok_and(|repo| repo.find_branch(name, kind).is_ok())
    };
    let dir = crate::paths::incident_dir(id);
    let declaration = crate::paths::declaration(id);
    let where_ = if has(git2::BranchType::Local, &branch) {
        format!("it is on branch {branch}: `git switch {branch}`, or merge that branch first")
    } else if has(git2::BranchType::Remote, &format!("origin/{branch}")) {
        format!(
            "it is on branch origin/{branch}: `git switch {branch}`, or merge that branch first"
        )
    } else {
        format!("no branch {branch} exists here; restore {declaration} or remove the folder")
    };
    format!("{dir}/ has no incident.yaml, so it is not an incident: {where_}")
}

/// Whether `id` can be an incident folder a listing of `incidents/` holds:
/// nothing that leaves it, nothing hidden.
fn is_plain_name(id: &str) -> bool {
    !id.is_empty() && !id.starts_with('.') && !id.contains(['/', '\\'])
}

/// `--message`, or the text of `--message-file FILE` (`-`: standard input),
/// for messages too long or too carefully worded for a shell argument.
pub fn message(text: Option<String>, file: Option<&Path>) -> Result<Option<String>, CliError> {
    let Some(file) = file else {
        return Ok(text);
    };
    let read = if file == Path::new("-") {
        std::io::read_to_string(std::io::stdin())
    } else {
        std::fs::read_to_string(file)
    };
    let text = read.map_err(|e| {
        CliError::Usage(format!(
            "--message-file {}: {e}; give a UTF-8 text file, or - to read standard input",
            file.display()
        ))
    })?;
    Ok(Some(text.trim_end().to_string()))
}

/// The public message written in `$VISUAL` or `$EDITOR`, as `git commit`
/// does: a template whose `#` lines are dropped; an empty message stops.
pub fn edit_message(id: &str, title: &str) -> Result<String, CliError> {
    let editor = ["VISUAL", "EDITOR"]
        .iter()
        .find_map(|v| std::env::var(v).ok().filter(|e| !e.trim().is_empty()))
        .ok_or_else(|| {
            CliError::Usage(
                "no editor: set $VISUAL or $EDITOR, or give --message or --message-file".into(),
            )
        })?;
    let dir = super::scratch::Scratch::new("incident-message")?;
    let path = dir.path().join("MESSAGE.md");
    std::fs::write(
        &path,
        format!(
            "\n# The public update for {id} ({title}).\n# What customers experience, what you are doing, when the next update comes.\n# Lines starting with # are left out; an empty message writes nothing.\n"
        ),
    )?;
    // Through the shell, as git does: $EDITOR may be "code --wait".
    let status = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!("{editor} \"$1\""))
        .arg("sh")
        .arg(&path)
        .status();
    let text = std::fs::read_to_string(&path);
    drop(dir);
    match status {
        Ok(s) if s.success() => {}
        Ok(s) => {
            return Err(CliError::Usage(format!(
                "the editor `{editor}` exited with {s}; nothing was written"
            )));
        }
        Err(e) => return Err(CliError::Usage(format!("cannot run `{editor}`: {e}"))),
    }
    let text = text?;
    let kept: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    let message = kept.join("\n").trim().to_string();
    if message.is_empty() {
        return Err(CliError::Usage(
            "the message is empty; nothing was written".into(),
        ));
    }
    Ok(message)
}

pub fn author(flag: Option<String>) -> String {
    flag.filter(|a| !a.trim().is_empty())
        .or_else(|| {
            std::env::var("INCIDENT_AUTHOR")
                .ok()
                .filter(|a| !a.trim().is_empty())
        })
        .or_else(|| {
            git2::Config::open_default()
                .ok()?
                .get_string("user.name")
                .ok()
        })
        .or_else(|| std::env::var("USER").ok())
        .unwrap_or_else(|| "unknown".to_string())
}

/// Parses a vocabulary word (`sev1`, `identified`, `major_outage`) into its
/// enum: `flag` names the option, `allowed` the words it takes here.
pub fn word<T: DeserializeOwned>(flag: &str, text: &str, allowed: &[&str]) -> Result<T, CliError> {
    let parsed = allowed
        .contains(&text)
        .then(|| serde_json::from_value(serde_json::Value::String(text.to_string())).ok())
        .flatten();
    parsed.ok_or_else(|| {
        let mut message = format!("{flag} `{text}` is not one of: {}", allowed.join(", "));
        if let Some(w) = crate::check::suggest::did_you_mean(text, allowed) {
            message.push_str(&format!("; did you mean `{w}`?"));
        }
        CliError::Usage(message)
    })
}

pub const SEVERITIES: &[&str] = &["sev1", "sev2", "sev3", "sev4"];
pub const COMPONENT_STATUSES: &[&str] = &[
    "operational",
    "degraded_performance",
    "partial_outage",
    "major_outage",
    "under_maintenance",
];

/// `--component checkout=major_outage` or `--component checkout`.
pub fn component_arg(
    text: &str,
) -> Result<(String, Option<crate::model::ComponentStatus>), CliError> {
    match text.split_once('=') {
        Some((id, status)) => Ok((
            id.trim().to_string(),
            Some(word("--component", status.trim(), COMPONENT_STATUSES)?),
        )),
        None => Ok((text.trim().to_string(), None)),
    }
}

pub fn local_time(ts: Timestamp, repo: &Repository) -> String {
    let zoned = ts.to_zoned_datetime(repo.config.timezone());
    let local = format!(
        "{} {}",
        zoned.strftime("%Y-%m-%d %H:%M"),
        repo.config.timezone_name()
    );
    if zoned.offset().seconds() == 0 {
        local
    } else {
        format!("{local} ({} UTC)", ts.strftime("%H:%M"))
    }
}

/// The update of `incident` that `text` names: its file name (with or
/// without `.yaml` or the folder), its time (RFC 3339), or a clock time in
/// the site's time zone (`10:05`: the update of the incident posted in that
/// minute, on whatever day).
pub fn find_update<'a>(
    session: &Session,
    incident: &'a Incident,
    text: &str,
) -> Result<&'a crate::model::Update, CliError> {
    let name = text.rsplit('/').next().unwrap_or(text);
    let stem = name.strip_suffix(".yaml").unwrap_or(name);
    let file = |u: &crate::model::Update| crate::repo::layout::update_file_name(u.at);
    if let Some(u) = incident
        .updates
        .iter()
        .find(|u| file(u).strip_suffix(".yaml") == Some(stem))
    {
        return Ok(u);
    }
    let listed = || {
        let names: Vec<String> = incident.updates.iter().map(file).collect();
        format!("its updates: {}", names.join(", "))
    };
    let tz = session.repo().config.timezone();
    if let Some(time) = crate::compose::when::clock_time(text) {
        // Corrections come days later: a clock time names the incident's
        // own update at that time of day, not one of today.
        let seconds = text.matches(':').count() == 2;
        let matches: Vec<&crate::model::Update> = incident
            .updates
            .iter()
            .filter(|u| {
                let local = u.at.to_zoned_datetime(tz.clone()).time();
                (local.hour(), local.minute()) == (time.hour(), time.minute())
                    && (!seconds || local.second() == time.second())
            })
            .collect();
        if !matches.is_empty() {
            return one_update(text, matches);
        }
    }
    let at = crate::compose::when::parse_time(text, session.now, &tz).map_err(|_| {
        CliError::Usage(format!(
            "`{text}` names no update of {}: give its file name or time; {}",
            incident.id,
            listed()
        ))
    })?;
    // A clock time names a minute; an exact time, itself.
    let minute = at.as_second() % 60 == 0;
    let matches: Vec<&crate::model::Update> = incident
        .updates
        .iter()
        .filter(|u| u.at == at || (minute && u.at >= at && u.at.as_second() < at.as_second() + 60))
        .collect();
    if matches.is_empty() {
        return Err(CliError::Usage(format!(
            "{} has no update at {at}; {}",
            incident.id,
            listed()
        )));
    }
    one_update(text, matches)
}

/// The one update `text` matched, or which ones when it matched several.
fn one_update<'a>(
    text: &str,
    matches: Vec<&'a crate::model::Update>,
) -> Result<&'a crate::model::Update, CliError> {
    match matches.as_slice() {
        [one] => Ok(one),
        many => {
            let names: Vec<String> = many
                .iter()
                .map(|u| crate::repo::layout::update_file_name(u.at))
                .collect();
            Err(CliError::Usage(format!(
                "`{text}` matches {} updates: {}; give the file name",
                many.len(),
                names.join(", ")
            )))
        }
    }
}
