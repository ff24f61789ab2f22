use super::CliError;
use super::authoring::{self, Common, Session};
use crate::author::{self, slug};
use crate::model::incident::Roles;
use crate::model::{Severity, Status, Visibility};
use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

#[derive(Debug, clap::Args)]
pub struct Args {
    /// What customers experience, in one line.
    #[arg(long)]
    title: String,
    /// sev1 (critical) … sev4 (low).
    #[arg(long)]
    severity: String,
    /// Affected component, optionally with its status: checkout or checkout=major_outage.
    #[arg(long = "component", value_name = "ID[=STATUS]")]
    components: Vec<String>,
    /// Incident commander.
    #[arg(long)]
    commander: Option<String>,
    /// Communications lead.
    #[arg(long)]
    comms: Option<String>,
    /// Investigator (repeatable).
    #[arg(long = "investigator")]
    investigators: Vec<String>,
    /// The first public message (default: we are investigating <title>).
    #[arg(long)]
    message: Option<String>,
    /// Who is affected and how.
    #[arg(long)]
    impact: Option<String>,
    /// How many users: a number or an estimate ("~12,000").
    #[arg(long)]
    users_affected: Option<String>,
    /// Keep it off the public status page.
    #[arg(long)]
    internal: bool,
    #[command(flatten)]
    common: Common,
}

pub fn run(start: &Path, args: Args) -> Result<ExitCode, CliError> {
    let session = Session::open(start)?;
    let repo = session.repo();
    let severity: Severity = authoring::word(&args.severity, authoring::SEVERITIES)?;
    let at = session.time(args.common.at.as_deref())?;
    let parsed = args
        .components
        .iter()
        .map(|c| authoring::component_arg(c))
        .collect::<Result<Vec<_>, _>>()?;
    let date = at.strftime("%Y-%m-%d").to_string();
    let id = slug::unique_id(&date, &args.title, |id| {
        session.root.join("incidents").join(id).exists()
    });
    let roles = Roles {
        commander: args.commander,
        communications: args.comms,
        investigators: args.investigators,
    };
    let mut declaration = author::new_declaration(
        args.title.clone(),
        severity,
        at,
        parsed.iter().map(|(c, _)| c.clone()).collect(),
        roles,
    );
    if args.internal {
        declaration.visibility = Visibility::Internal;
    }
    declaration.channel = Some(format!("#incident-{id}"));
    let cadence = repo.config.policy(severity).update_every;
    let next = at.checked_add(cadence.as_signed()).unwrap_or(at);
    let components: BTreeMap<_, _> = parsed
        .into_iter()
        .map(|(c, s)| {
            (
                c,
                s.unwrap_or_else(|| author::default_component_status(severity)),
            )
        })
        .collect();
    let message = args.message.unwrap_or_else(|| {
        format!(
            "We are investigating: {}. Next update by {}.",
            args.title,
            authoring::local_time(next, repo)
        )
    });
    let first = crate::model::Update {
        at,
        status: Status::Investigating,
        message: Some(message),
        message_translations: Default::default(),
        internal_note: None,
        // The title is what customers experience: the impact until told more.
        impact: author::impact(
            args.impact.or_else(|| Some(args.title.clone())),
            args.users_affected,
            None,
        ),
        severity: None,
        components,
        next_update_at: Some(next),
        author: authoring::author(args.common.author.clone()),
        reopen: false,
        decision: None,
        exempt: Default::default(),
    };
    let files = author::declare(&id, &declaration, &first).map_err(CliError::from)?;
    let commit = format!("incident({id}): declare {severity} \"{}\"", args.title);
    if !session.finish(&args.common, &id, files, &commit)? {
        return Ok(ExitCode::from(1));
    }
    println!();
    println!("declared {id}: {} {}", severity.display(), args.title);
    println!("war room:    #incident-{id}");
    println!(
        "next update: by {} (every {cadence} for {severity})",
        authoring::local_time(next, repo)
    );
    if !args.common.branch {
        println!(
            "next:        git switch -c incident/{id} && git add incidents/{id} && git commit, then open a pull request (or rerun with --branch)"
        );
    }
    Ok(ExitCode::SUCCESS)
}
