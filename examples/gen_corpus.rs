//! Writes a synthetic incident repository for benchmarks: N incidents
//! (default 10,000) over the years before 2026-11-20, 3–12 updates each kept
//! within the cadence of the severity in force, post-mortems with action
//! items on sev1/sev2 (customer reports on sev1), long Markdown messages,
//! 80 components in 5 groups, about a quarter internal and a tenth planned
//! maintenance. The same seed gives the same bytes.
//!
//! cargo run --release --example gen_corpus -- OUT_DIR [--incidents N] [--seed S]
//!
//! Timestamps and dates are quoted: incidentkit reads them either way, and
//! quoted they stay strings in the JavaScript and Python YAML parsers that
//! the peer validators use, so every tool checks the same values.

use fastrand::Rng;
use incidentkit::compose::emit::modeline;
use incidentkit::model::{Policy, Severity};
use incidentkit::schemas::FileKind;
use jiff::{SignedDuration, Timestamp};
use std::collections::HashSet;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AREAS: [(&str, &str); 16] = [
    ("website", "Website"),
    ("search", "Search"),
    ("checkout", "Checkout"),
    ("payments", "Payments"),
    ("orders", "Order API"),
    ("notifications", "Email notifications"),
    ("login", "Sign-in"),
    ("billing", "Billing"),
    ("dashboard", "Dashboard"),
    ("public-api", "Public API"),
    ("webhooks", "Webhooks"),
    ("file-storage", "File storage"),
    ("reporting", "Reporting"),
    ("mobile-app", "Mobile app"),
    ("help-center", "Help center"),
    ("media", "Images and video"),
];

const REGIONS: [(&str, &str); 5] = [
    ("eu-west", "EU West"),
    ("eu-central", "EU Central"),
    ("us-east", "US East"),
    ("us-west", "US West"),
    ("ap-south", "Asia Pacific"),
];

const SYMPTOMS: [&str; 10] = [
    "is unavailable",
    "is slow",
    "returns errors",
    "shows outdated data",
    "times out",
    "is intermittently failing",
    "drops some requests",
    "is delayed",
    "rejects valid input",
    "is partly unavailable",
];

const AUDIENCES: [&str; 6] = [
    "for some customers",
    "for all customers",
    "for new accounts",
    "for mobile users",
    "for enterprise plans",
    "in one region",
];

const PEOPLE: [&str; 24] = [
    "@mara-schulz",
    "@jonas-weber",
    "@priya-nair",
    "@tomasz-lis",
    "@sofia-marin",
    "@lena-fischer",
    "@omar-haddad",
    "@yuki-tanaka",
    "@ines-costa",
    "@kofi-mensah",
    "@anna-berg",
    "@li-wei",
    "@carlos-ruiz",
    "@fatima-zahra",
    "@noah-kim",
    "@elif-demir",
    "@sam-oduya",
    "@hana-novak",
    "@raj-patel",
    "@eva-lund",
    "@diego-alves",
    "@mei-chen",
    "@tariq-aziz",
    "@julia-roth",
];

const SENTENCES: [&str; 24] = [
    "Customers who try to use the service see an error page or a long wait before the page loads.",
    "Requests that reach the affected servers take several seconds longer than usual, and some of them do not complete.",
    "Your data is safe: nothing that was saved before the problem began has been lost or changed.",
    "We have narrowed the problem down to one part of the system and are working through the remaining possibilities.",
    "A change that was rolled out earlier today is the most likely cause, and we are preparing to undo it.",
    "Traffic has been moved away from the affected servers, which has reduced the number of errors customers see.",
    "Some actions may need to be repeated once the service is back; we will tell you here when it is safe to do so.",
    "The team is adding capacity so that requests waiting in the queue can be processed faster.",
    "Customers in other regions are not affected and can continue to use the service as normal.",
    "We are watching error rates and response times closely to confirm that the improvement holds.",
    "The backlog of delayed messages is shrinking, and we expect it to be cleared within the hour.",
    "If you saw an error while saving your work, please try again: the request will now go through.",
    "We are in contact with our hosting provider, who has confirmed a network problem in one of their data centres.",
    "Payments that did not go through were not charged, and you will not see them on your statement.",
    "A scheduled job used more resources than expected and slowed down other work running on the same servers.",
    "We have paused the rollout of new changes until the cause is fully understood.",
    "Most requests are succeeding again, but a small share still take longer than they should.",
    "We know how much you rely on this service, and restoring it fully is our first priority.",
    "Sign-ins that started before the problem began continue to work; new sign-ins may need a second attempt.",
    "The fix has been tested on a small share of traffic and is now being applied everywhere.",
    "Reports generated during this time may be incomplete and will be regenerated automatically.",
    "We are keeping extra people on call tonight in case the problem returns.",
    "Uploads started during the problem may need to be restarted; files that finished uploading are safe.",
    "We will share a full account of what happened and what we are changing once the work is complete.",
];

const NOTES: [&str; 8] = [
    "Rollback is safe: the previous release ran for two weeks without problems.",
    "Support has a prepared reply for tickets about this; account managers have been told.",
    "Error budget for the month is now half used; the weekly review will look at this.",
    "The provider's ticket is open with the highest priority; their engineers are on the bridge.",
    "Capacity was doubled at the start; keep it until the morning review.",
    "The dashboard link and the query used to count affected users are pinned in the channel.",
    "Finance has been told to expect a reconciliation report tomorrow.",
    "Next step if this does not help: move the remaining traffic to the standby region.",
];

const CAUSES: [&str; 8] = [
    "A configuration change was rolled out to every region at once, without a staged rollout that would have limited its reach.",
    "The service had no limit on how much memory a single report could use, so one large report could slow down every other request.",
    "Alerts watched the average response time, which hid the slow requests that customers noticed first.",
    "A database index was missing on a table that had grown tenfold in a year, and nothing in our checks measured query time as data grew.",
    "The retry logic sent failed requests again immediately, which multiplied the load on a service that was already struggling.",
    "The runbook for this component described a setup we replaced in the spring, so the response started from outdated steps.",
    "Certificates were renewed by hand, and the reminder for this one went to a mailbox nobody reads any more.",
    "Two services depended on each other at start-up, so neither could come back on its own after the restart.",
];

const ACTIONS: [&str; 10] = [
    "Roll out configuration changes region by region with an automatic pause on errors",
    "Add an alert on the share of slow requests, not only the average",
    "Limit the memory a single report can use",
    "Add the missing index and a check on query time in the release pipeline",
    "Back off between retries and cap their number",
    "Rewrite the runbook for this component and rehearse it every quarter",
    "Renew certificates automatically and alert the team channel before expiry",
    "Remove the start-up dependency between the two services",
    "Add a synthetic check that signs in and places a test order every minute",
    "Publish a pre-written first status message for outages of this component",
];

struct Component {
    id: String,
    name: String,
}

struct Args {
    out: PathBuf,
    incidents: usize,
    seed: u64,
}

fn parse_args() -> Result<Args, String> {
    let mut out = None;
    let mut incidents = 10_000;
    let mut seed = 42;
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = |name: &str| args.next().ok_or_else(|| format!("{name} needs a value"));
        match arg.as_str() {
            "--incidents" => {
                incidents = value("--incidents")?
                    .parse()
                    .map_err(|e| format!("--incidents: {e}"))?
            }
            "--seed" => {
                seed = value("--seed")?
                    .parse()
                    .map_err(|e| format!("--seed: {e}"))?
            }
            _ if out.is_none() && !arg.starts_with('-') => out = Some(PathBuf::from(arg)),
            _ => return Err(format!("unexpected argument `{arg}`")),
        }
    }
    let out = out.ok_or("usage: gen_corpus OUT_DIR [--incidents N] [--seed S]")?;
    Ok(Args {
        out,
        incidents,
        seed,
    })
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(args) => args,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(2);
        }
    };
    match generate(&args.out, args.incidents, args.seed) {
        Ok(files) => {
            eprintln!(
                "wrote {} incidents ({files} files) into {}",
                args.incidents,
                args.out.display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("error: {}: {e}", args.out.display());
            ExitCode::from(2)
        }
    }
}

/// Writes `incidents` incidents into `out`, which must be new or empty;
/// returns how many files it wrote. (tests/corpus.rs calls it too.)
pub fn generate(out: &Path, incidents: usize, seed: u64) -> std::io::Result<usize> {
    // Never mix a corpus into existing files.
    if out.exists() && std::fs::read_dir(out)?.next().is_some() {
        return Err(std::io::Error::other(
            "the folder is not empty; choose a new one",
        ));
    }
    let mut rng = Rng::with_seed(seed);
    let components = components();
    let mut writer = Writer::new(out);
    writer.file("incidentkit.yaml", FileKind::Config, &config(&components))?;
    // Spread the incidents evenly back from the end, about five a day at 10,000.
    let end = "2026-11-20T00:00:00Z".parse::<Timestamp>().unwrap();
    let span_minutes = (incidents as i64 * 5 * 60).max(60 * 24);
    let mut ids = HashSet::new();
    for n in 0..incidents {
        let back = span_minutes * (incidents - n) as i64 / incidents.max(1) as i64;
        let declared =
            round_minute(end - SignedDuration::from_mins(back) + minutes(rng.i64(0..240)));
        incident(&mut rng, &mut writer, &components, &mut ids, declared)?;
    }
    Ok(writer.count)
}

fn components() -> Vec<Component> {
    REGIONS
        .iter()
        .flat_map(|(rid, rname)| {
            AREAS.iter().map(move |(aid, aname)| Component {
                id: format!("{rid}-{aid}"),
                name: format!("{aname} ({rname})"),
            })
        })
        .collect()
}

fn config(components: &[Component]) -> String {
    let mut y = String::from(
        "site:\n  name: Globex Cloud\n  url: https://status.globex.example\n  timezone: Europe/Berlin\n  description: Live status of Globex Cloud in every region.\ngroups:\n",
    );
    for (id, name) in REGIONS {
        let _ = writeln!(y, "  - id: {id}\n    name: {name}");
    }
    y.push_str("components:\n");
    for c in components {
        let group = REGIONS
            .iter()
            .find(|(r, _)| c.id.starts_with(r))
            .map_or("", |(r, _)| r);
        let _ = writeln!(
            y,
            "  - id: {}\n    name: {}\n    description: What customers of {} use every day.\n    group: {group}",
            c.id, c.name, c.name
        );
    }
    y.push_str("github:\n  repo: globex/incidents\n  label: incident-action\n");
    y
}

struct Writer {
    root: PathBuf,
    count: usize,
}

impl Writer {
    fn new(root: &Path) -> Self {
        Self {
            root: root.to_path_buf(),
            count: 0,
        }
    }

    fn file(&mut self, path: &str, kind: FileKind, body: &str) -> std::io::Result<()> {
        let file = self.root.join(path);
        if let Some(parent) = file.parent() {
            std::fs::create_dir_all(parent)?;
        }
        std::fs::write(file, modeline(path, kind) + body)?;
        self.count += 1;
        Ok(())
    }
}

fn minutes(m: i64) -> SignedDuration {
    SignedDuration::from_mins(m)
}

fn round_minute(t: Timestamp) -> Timestamp {
    Timestamp::from_second(t.as_second() - t.as_second().rem_euclid(60)).unwrap()
}

fn ts(t: Timestamp) -> String {
    format!("\"{}\"", t.strftime("%Y-%m-%dT%H:%M:%SZ"))
}

/// A double-quoted YAML scalar (JSON's string syntax is valid YAML).
fn q(text: &str) -> String {
    serde_json::Value::from(text).to_string()
}

fn pick<T: Copy>(rng: &mut Rng, items: &[T]) -> T {
    items[rng.usize(..items.len())]
}

fn severity(rng: &mut Rng) -> Severity {
    match rng.u32(0..100) {
        0..5 => Severity::Sev1,
        5..20 => Severity::Sev2,
        20..60 => Severity::Sev3,
        _ => Severity::Sev4,
    }
}

fn cadence(severity: Severity) -> SignedDuration {
    Policy::default_for(severity).update_every.as_signed()
}

/// A YAML block scalar, indented under `key`.
fn block(out: &mut String, indent: &str, key: &str, text: &str) {
    let _ = writeln!(out, "{indent}{key}: |");
    for line in text.lines() {
        if line.is_empty() {
            out.push('\n');
        } else {
            let _ = writeln!(out, "{indent}  {line}");
        }
    }
}

/// Two to four paragraphs, sometimes with a list and emphasis.
fn markdown(rng: &mut Rng, closing: &str) -> String {
    let mut text = String::new();
    for p in 0..rng.usize(2..5) {
        if p > 0 {
            text.push_str("\n\n");
        }
        let sentences: Vec<&str> = (0..rng.usize(2..5))
            .map(|_| pick(rng, &SENTENCES))
            .collect();
        if rng.u32(0..5) == 0 {
            text.push_str("What this means for you:\n\n");
            for s in sentences {
                let _ = writeln!(text, "- {s}");
            }
            text.pop();
        } else {
            text.push_str(&sentences.join(" "));
        }
    }
    let _ = write!(text, "\n\n**{closing}**");
    text
}

fn sentences(rng: &mut Rng, bank: &[&str], n: usize) -> String {
    (0..n)
        .map(|_| pick(rng, bank))
        .collect::<Vec<_>>()
        .join(" ")
}

fn incident(
    rng: &mut Rng,
    writer: &mut Writer,
    components: &[Component],
    ids: &mut HashSet<String>,
    declared: Timestamp,
) -> std::io::Result<()> {
    let maintenance = rng.u32(0..10) == 0;
    let internal = rng.u32(0..4) == 0;
    let affected: Vec<&Component> = {
        let first = rng.usize(..components.len());
        // Mostly neighbours: one area across regions, or areas in one region.
        (0..rng.usize(1..5))
            .map(|k| &components[(first + k * if rng.bool() { 1 } else { 16 }) % components.len()])
            .fold(Vec::new(), |mut v, c| {
                if !v.iter().any(|o: &&Component| o.id == c.id) {
                    v.push(c);
                }
                v
            })
    };
    let title = if maintenance {
        format!("Planned maintenance of {}", affected[0].name)
    } else {
        format!(
            "{} {} {}",
            affected[0].name,
            pick(rng, &SYMPTOMS),
            pick(rng, &AUDIENCES)
        )
    };
    let date = declared.strftime("%Y-%m-%d").to_string();
    let words: Vec<String> = title
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| !w.is_empty())
        .take(6)
        .map(str::to_ascii_lowercase)
        .collect();
    let mut id = format!("{date}-{}", words.join("-"));
    let mut n = 2;
    while !ids.insert(id.clone()) {
        id = format!("{date}-{}-{n}", words.join("-"));
        n += 1;
    }
    let dir = format!("incidents/{id}");
    let commander = rng.usize(..PEOPLE.len());
    let comms = (commander + rng.usize(1..PEOPLE.len())) % PEOPLE.len();
    let investigators: Vec<&str> = (1..rng.usize(2..5))
        .map(|k| PEOPLE[(comms + k) % PEOPLE.len()])
        .filter(|p| *p != PEOPLE[commander])
        .collect();
    let sev = severity(rng);

    let mut y = String::new();
    let _ = writeln!(y, "title: {title}");
    let _ = writeln!(
        y,
        "kind: {}",
        if maintenance {
            "maintenance"
        } else {
            "incident"
        }
    );
    let _ = writeln!(
        y,
        "visibility: {}",
        if internal { "internal" } else { "public" }
    );
    let updates = rng.usize(3..13);
    let schedule = if maintenance {
        let start = declared + minutes(60 * rng.i64(24..24 * 14));
        let _ = writeln!(y, "declared_at: {}", ts(declared));
        let _ = writeln!(y, "scheduled_for: {}", ts(start));
        let _ = writeln!(y, "scheduled_until: {}", ts(start + minutes(60 * 4)));
        Some(start)
    } else {
        let detected = declared - minutes(rng.i64(1..15));
        let started = detected - minutes(rng.i64(0..30));
        let _ = writeln!(y, "severity: {}", sev.as_str());
        let _ = writeln!(y, "declared_at: {}", ts(declared));
        let _ = writeln!(y, "started_at: {}", ts(started));
        let _ = writeln!(y, "detected_at: {}", ts(detected));
        let _ = writeln!(
            y,
            "detected_by: {}",
            pick(
                rng,
                &["alert", "monitoring", "customer", "employee", "third_party"]
            )
        );
        None
    };
    let ids_list: Vec<&str> = affected.iter().map(|c| c.id.as_str()).collect();
    let _ = writeln!(y, "components: [{}]", ids_list.join(", "));
    let _ = writeln!(
        y,
        "roles:\n  commander: \"{}\"\n  communications: \"{}\"",
        PEOPLE[commander], PEOPLE[comms]
    );
    if !investigators.is_empty() {
        let quoted: Vec<String> = investigators.iter().map(|p| format!("\"{p}\"")).collect();
        let _ = writeln!(y, "  investigators: [{}]", quoted.join(", "));
    }
    let _ = writeln!(y, "channel: \"#incident-{id}\"");
    if rng.bool() {
        block(&mut y, "", "summary", &sentences(rng, &SENTENCES, 3));
    }
    writer.file(&format!("{dir}/incident.yaml"), FileKind::Incident, &y)?;

    let statuses: &[&str] = if maintenance {
        &["scheduled", "in_progress", "verifying", "completed"]
    } else {
        &["investigating", "identified", "monitoring", "resolved"]
    };
    let mut at = declared + minutes(rng.i64(0..5));
    let mut in_force = sev;
    let mut worst = sev;
    let change_at = (rng.u32(0..6) == 0).then(|| rng.usize(1..updates - 1));
    for i in 0..updates {
        let last = i + 1 == updates;
        let status = if last {
            statuses[3]
        } else if i == 0 {
            statuses[0]
        } else {
            statuses[1 + (i - 1) * 2 / (updates - 2).max(1)]
        };
        if maintenance && i == 1 {
            at = schedule.unwrap();
        }
        let mut u = String::new();
        let _ = writeln!(u, "at: {}", ts(at));
        let _ = writeln!(u, "status: {status}");
        if !maintenance && change_at == Some(i) {
            in_force = match in_force {
                Severity::Sev1 => Severity::Sev2,
                Severity::Sev4 => Severity::Sev3,
                s if rng.bool() => Severity::ALL[s as usize - 1],
                s => Severity::ALL[s as usize + 1],
            };
            worst = worst.min(in_force);
            let _ = writeln!(u, "severity: {}", in_force.as_str());
        }
        let closing = if last {
            "This incident is resolved. Thank you for your patience."
        } else {
            "We will post the next update by the time shown below."
        };
        block(&mut u, "", "message", &markdown(rng, closing));
        if rng.u32(0..5) == 0 {
            block(&mut u, "", "internal_note", &sentences(rng, &NOTES, 2));
        }
        if !last {
            let users = rng.u32(10..50_000);
            let _ = writeln!(
                u,
                "impact:\n  summary: Customers of {} see errors or delays.\n  users_affected: \"~{users}\"\n  scope: {}",
                affected[0].name,
                pick(
                    rng,
                    &[
                        "all plans, web and app",
                        "web only",
                        "API clients",
                        "enterprise plans"
                    ]
                )
            );
        }
        let component_status = if last {
            "operational"
        } else if maintenance {
            if i == 0 {
                "operational"
            } else {
                "under_maintenance"
            }
        } else {
            pick(
                rng,
                &["degraded_performance", "partial_outage", "major_outage"],
            )
        };
        if i == 0 || last || rng.bool() {
            u.push_str("components:\n");
            for c in &affected {
                let _ = writeln!(u, "  {}: {component_status}", c.id);
            }
        }
        if !maintenance && rng.u32(0..20) == 0 && !last {
            u.push_str(DECISION);
        }
        // Every update comes within the cadence of the severity in force.
        let every = if maintenance {
            minutes(60)
        } else {
            cadence(in_force)
        };
        let gap = minutes((every.as_mins() * rng.i64(33..90) / 100).max(1));
        if !last {
            let next = if maintenance && i == 0 {
                schedule.unwrap()
            } else {
                at + every
            };
            let _ = writeln!(u, "next_update_at: {}", ts(next));
        }
        let _ = writeln!(u, "author: \"{}\"", PEOPLE[comms]);
        let name = at.strftime("%Y-%m-%dT%H-%M-%SZ");
        writer.file(&format!("{dir}/updates/{name}.yaml"), FileKind::Update, &u)?;
        at += gap;
    }
    let resolved = at;
    if !maintenance && worst <= Severity::Sev2 {
        let pm = postmortem(rng, worst, resolved, PEOPLE[commander]);
        writer.file(&format!("{dir}/postmortem.yaml"), FileKind::Postmortem, &pm)?;
    }
    Ok(())
}

const DECISION: &str = "decision:
  question: How do we restore service fastest with the least risk to customer data?
  options:
    - id: A
      summary: Roll back to the previous release in every region.
      time_to_restore: 20m
      risk: Changes shipped today are undone and must be released again.
      data_loss: none
    - id: B
      summary: Ship a targeted fix for the faulty code path.
      time_to_restore: 90m
      risk: The fix is written under time pressure and may not work.
      data_loss: none
  chosen: A
  rationale: |
    The rollback is tested and bounded in time; the fix can follow once
    service is restored.
";

fn postmortem(rng: &mut Rng, worst: Severity, resolved: Timestamp, author: &str) -> String {
    let policy = Policy::default_for(worst);
    let due = resolved
        + policy
            .postmortem_due
            .map_or(minutes(4320), |d| d.as_signed());
    let published = resolved + minutes(rng.i64(600..2400));
    let date = |t: Timestamp| format!("\"{}\"", t.strftime("%Y-%m-%d"));
    let mut y = String::new();
    let _ = writeln!(y, "status: published");
    let _ = writeln!(y, "due: {}", date(due));
    let _ = writeln!(y, "published_at: {}", ts(published));
    let _ = writeln!(y, "authors: [\"{author}\"]");
    block(&mut y, "", "summary", &sentences(rng, &SENTENCES, 5));
    let _ = writeln!(
        y,
        "impact:\n  summary: Customers saw errors and delays until the fix was applied.\n  users_affected: \"~{}\"\n  scope: All plans in the affected region\n  data_loss: none",
        rng.u32(100..100_000)
    );
    let _ = writeln!(y, "trigger: {}", q(pick(rng, &CAUSES)));
    y.push_str("root_causes:\n");
    for _ in 0..rng.usize(1..4) {
        let _ = writeln!(y, "  - {}", q(pick(rng, &CAUSES)));
    }
    y.push_str("contributing_factors:\n");
    for _ in 0..rng.usize(1..4) {
        let _ = writeln!(y, "  - {}", q(pick(rng, &SENTENCES)));
    }
    let _ = writeln!(
        y,
        "detection:\n  how: An automated alert paged the on-call engineer.\n  improvements:\n    - {}",
        q(pick(rng, &ACTIONS))
    );
    let _ = writeln!(
        y,
        "response:\n  went_well:\n    - Roles were clear from the start and updates went out on time.\n  went_wrong:\n    - The runbook steps were out of date, which cost several minutes.\n  got_lucky:\n    - The problem began outside the busiest hours."
    );
    let _ = writeln!(
        y,
        "communication:\n  went_well:\n    - Every update named the time of the next one.\n  to_improve:\n    - Account managers heard about it from the status page first."
    );
    y.push_str("action_items:\n");
    for k in 0..rng.usize(2..7) {
        let owner = pick(rng, &PEOPLE);
        let _ = writeln!(
            y,
            "  - id: AI-{}\n    title: {}\n    type: {}\n    owner: \"{owner}\"\n    due: {}\n    priority: p{}\n    done: true",
            k + 1,
            q(pick(rng, &ACTIONS)),
            pick(rng, &["mitigate", "prevent", "detect", "process"]),
            date(resolved + minutes(60 * 24 * rng.i64(7..60))),
            rng.u32(0..4)
        );
    }
    y.push_str("lessons:\n");
    for _ in 0..rng.usize(1..4) {
        let _ = writeln!(y, "  - {}", q(pick(rng, &SENTENCES)));
    }
    if worst == Severity::Sev1 {
        y.push_str("customer_report:\n");
        block(
            &mut y,
            "  ",
            "apology",
            "We are sorry. You rely on our service to run your business, and for a while it was not there when you needed it.",
        );
        block(
            &mut y,
            "  ",
            "what_happened",
            &sentences(rng, &SENTENCES, 4),
        );
        block(&mut y, "  ", "root_cause", &sentences(rng, &CAUSES, 2));
        block(&mut y, "  ", "fix", &sentences(rng, &SENTENCES, 3));
        block(
            &mut y,
            "  ",
            "prevention",
            &ACTIONS[..3]
                .iter()
                .map(|a| format!("We will {}.", a.to_lowercase()))
                .collect::<Vec<_>>()
                .join(" "),
        );
    }
    y
}
