//! Stakeholder updates in the seed's template: Time, Current Status, Impact
//! (scope / users affected), Next Update ETA. Internal adds severity, roles,
//! the war-room channel, decisions and internal notes; external has none.

use super::markdown;
use super::site::status_label;
use super::time::{SiteTime, When};
use super::{RenderError, ctx};
use crate::model::changes::Changes;
use crate::model::incident::{DecisionOption, UpdateImpact, UsersAffected};
use crate::model::{Config, Facts, Incident, Kind, Update, View};
use crate::templates::Templates;
use crate::text::cut;
use jiff::Timestamp;
use serde::Serialize;
use serde_json::json;

/// Who a stakeholder update is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// The team and the company: every entry, internal notes included.
    Internal,
    /// Customers: public incidents and entries with a message only.
    External,
}

impl Audience {
    /// The view of the incident's facts this audience may read.
    pub fn view(self) -> View {
        match self {
            Self::Internal => View::Internal,
            Self::External => View::Public,
        }
    }
}

/// What a stakeholder update is written as.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// Markdown.
    Md,
    /// Plain text (an e-mail's text part).
    Text,
    /// Slack Block Kit JSON.
    Slack,
    /// A standalone HTML page (an e-mail's HTML part).
    Html,
    /// An Adaptive Card in the envelope a Teams workflow webhook takes.
    Teams,
    /// Discord webhook JSON: one embed.
    Discord,
}

#[derive(Debug, Serialize)]
struct ImpactCtx {
    summary: Option<String>,
    scope: Option<String>,
    users_affected: Option<String>,
}

/// A resolved incident's impact is over: how long it lasted, from when to when.
#[derive(Debug, Serialize)]
struct LastedCtx {
    duration: String,
    from: When,
    /// Which start of impact `from` is (the team's outputs name it).
    source: &'static str,
    until: When,
}

#[derive(Debug, Serialize)]
struct DecisionCtx {
    question: Option<String>,
    chosen: String,
    rationale: String,
    options: Vec<String>,
}

#[derive(Debug, Serialize)]
struct UpdateCtx {
    site: String,
    id: String,
    title: String,
    internal: bool,
    kind: &'static str,
    status: &'static str,
    at: When,
    message: String,
    message_text: String,
    /// The message as plain-text paragraphs.
    paragraphs: Vec<String>,
    impact: Option<ImpactCtx>,
    /// Set on a resolving update: `impact` is then the incident's overall
    /// impact, in the past.
    lasted: Option<LastedCtx>,
    next_update: Option<When>,
    components: Vec<String>,
    severity: Option<String>,
    commander: Option<String>,
    communications: Option<String>,
    investigators: Vec<String>,
    channel: Option<String>,
    internal_note: Option<String>,
    decisions: Vec<DecisionCtx>,
}

/// The update posted at or before `at` (the latest when `None`) that the
/// audience may see.
pub fn pick(incident: &Incident, audience: Audience, at: Option<Timestamp>) -> Option<&Update> {
    incident.updates.iter().rfind(|u| {
        at.is_none_or(|at| u.at <= at) && (audience == Audience::Internal || u.is_public())
    })
}

/// `update` of `incident` for `audience` in `format`, in the site's time zone,
/// with every correction made.
pub fn render(
    config: &Config,
    incident: &Incident,
    update: &Update,
    audience: Audience,
    format: Format,
    templates: &Templates,
) -> Result<String, RenderError> {
    let as_of = Timestamp::MAX;
    render_as_of(config, incident, update, as_of, audience, format, templates)
}

/// `render` as the update read at `as_of`: corrections made later are not
/// applied yet.
pub fn render_as_of(
    config: &Config,
    incident: &Incident,
    update: &Update,
    as_of: Timestamp,
    audience: Audience,
    format: Format,
    templates: &Templates,
) -> Result<String, RenderError> {
    let c = context(config, incident, update, as_of, audience);
    let value = ctx(&c);
    Ok(match format {
        Format::Md => markdown::inert(&templates.render("update/update.md", value)?),
        Format::Text => templates.render("update/update.txt", value)?,
        Format::Html => templates.render("update/update.html", value)?,
        Format::Slack => json_text(&slack(
            &format!("{}: {}", c.status, c.title),
            &templates.render("update/update.slack.txt", value)?,
        ))?,
        Format::Teams => json_text(&teams(
            &format!("{}: {}", c.status, c.title),
            &templates.render("update/update.txt", value)?,
        ))?,
        Format::Discord => json_text(&discord(
            &format!("{}: {}", c.status, c.title),
            &templates.render("update/update.txt", value)?,
            &c.site,
            &c.at.iso,
        ))?,
    })
}

/// What the update templates read: the update in the audience's view of
/// the incident's facts as of its time, its text as of `as_of`.
fn context(
    config: &Config,
    incident: &Incident,
    update: &Update,
    as_of: Timestamp,
    audience: Audience,
) -> UpdateCtx {
    let clock = SiteTime::new(config);
    let internal = audience == Audience::Internal;
    let facts = incident.facts(audience.view(), update.at);
    let state = &facts.state;
    let lasted = lasted(&facts, &clock);
    let impact = impact(&facts, lasted.is_some());
    let d = &incident.declaration;
    let message = message_as_of(incident, update, as_of, audience, &clock);
    let message_text = markdown::to_text(&message);
    UpdateCtx {
        site: config.site.name.clone(),
        id: incident.id.clone(),
        // One line: a line break in a title would start new Markdown
        // blocks (a heading, a forged verdict) in the update and previews.
        title: crate::text::one_line(&d.title),
        internal,
        kind: kind_word(d.kind),
        status: status_label(update.status).label,
        at: clock.when(update.at),
        paragraphs: paragraphs(&message_text),
        message_text,
        message,
        impact,
        lasted,
        next_update: state
            .next_update_at
            .filter(|_| !update.status.is_final())
            .map(|t| clock.when(t)),
        components: component_lines(config, &state.components),
        severity: state
            .severity
            .filter(|_| internal)
            .map(|s| super::severity_text(config, s)),
        commander: d.roles.commander.clone().filter(|_| internal),
        communications: d.roles.communications.clone().filter(|_| internal),
        investigators: if internal {
            d.roles.investigators.clone()
        } else {
            Vec::new()
        },
        channel: internal.then(|| incident.channel()),
        internal_note: update.internal_note.clone().filter(|_| internal),
        decisions: if internal {
            decisions(&facts)
        } else {
            Vec::new()
        },
    }
}

/// How long a resolved incident's impact lasted, from when to when, as
/// `facts` tell it; `None` while it lasts.
fn lasted(facts: &Facts<'_>, clock: &SiteTime) -> Option<LastedCtx> {
    facts
        .duration()
        .zip(facts.resolved)
        .map(|(d, until)| LastedCtx {
            duration: super::time::human_duration(d.as_signed().as_secs()),
            from: clock.when(facts.started.at),
            source: facts.started.source.as_str(),
            until: clock.when(until),
        })
}

/// The impact the update states: the incident's overall impact once it is
/// over (`over`: it has `lasted`), else the one in force.
fn impact(facts: &Facts<'_>, over: bool) -> Option<ImpactCtx> {
    if over {
        facts.impact.as_deref()
    } else {
        facts.state.impact.as_deref()
    }
    .map(impact_ctx)
}

/// The update's message as the audience's view shows it at `as_of`:
/// corrected by then, with its notes. The facts of `context` stop at the
/// update itself, so they are folded again up to `as_of`.
fn message_as_of(
    incident: &Incident,
    update: &Update,
    as_of: Timestamp,
    audience: Audience,
    clock: &SiteTime,
) -> String {
    let shown = incident.facts(audience.view(), as_of.max(update.at));
    match shown.entries.iter().find(|e| e.at == update.at) {
        Some(entry) => {
            super::amend::with_notes(entry.message.as_deref().unwrap_or_default(), entry, clock)
                .trim_start()
                .to_string()
        }
        None => update.message.clone().unwrap_or_default(),
    }
}

/// The kind, as the templates name it.
fn kind_word(kind: Kind) -> &'static str {
    if kind == Kind::Maintenance {
        "maintenance"
    } else {
        "incident"
    }
}

/// Plain text's paragraphs, blank ones left out.
fn paragraphs(text: &str) -> Vec<String> {
    text.split("\n\n")
        .filter(|p| !p.trim().is_empty())
        .map(str::to_string)
        .collect()
}

/// The decisions made up to the update, each option with its trade-offs.
fn decisions(facts: &Facts<'_>) -> Vec<DecisionCtx> {
    facts
        .decisions()
        .map(|(_, d)| DecisionCtx {
            question: d.question.clone(),
            chosen: d.chosen.clone(),
            rationale: d.rationale.trim().to_string(),
            options: d.options.iter().map(option_text).collect(),
        })
        .collect()
}

/// "Checkout: Major outage": each component in force, by its name.
fn component_lines(config: &Config, components: &Changes) -> Vec<String> {
    components
        .iter()
        .map(|(id, s)| {
            let name = config
                .component(id)
                .map_or(id.as_str(), |c| c.name.as_str());
            format!("{name}: {}", super::site::component_label(*s).label)
        })
        .collect()
}

fn json_text(value: &serde_json::Value) -> Result<String, RenderError> {
    let mut text = serde_json::to_string_pretty(value)?;
    text.push('\n');
    Ok(text)
}

/// "A: roll back (time to restore: 30 min; risk: low; data loss: 10 min)".
pub(crate) fn option_text(o: &DecisionOption) -> String {
    let trade_offs: Vec<String> = [
        ("time to restore", &o.time_to_restore),
        ("risk", &o.risk),
        ("data loss", &o.data_loss),
    ]
    .into_iter()
    .filter_map(|(name, value)| value.as_deref().map(|v| format!("{name}: {}", v.trim())))
    .collect();
    if trade_offs.is_empty() {
        format!("{}: {}", o.id, o.summary.trim())
    } else {
        format!("{}: {} ({})", o.id, o.summary.trim(), trade_offs.join("; "))
    }
}

fn impact_ctx(i: &UpdateImpact) -> ImpactCtx {
    ImpactCtx {
        summary: i.summary.clone(),
        scope: i.scope.clone(),
        users_affected: i.users_affected.as_ref().map(|u| match u {
            UsersAffected::Count(n) => n.to_string(),
            UsersAffected::Estimate(s) => s.clone(),
        }),
    }
}

/// A Block Kit payload, ready to POST to an incoming webhook. Slack's
/// mrkdwn is its own language: `body` is plain text or Slack mrkdwn from a
/// template, and `<`, `>` and `&` are escaped as Slack asks.
pub fn slack(title: &str, body: &str) -> serde_json::Value {
    let esc = crate::text::slack;
    json!({
        "text": esc(title),
        "blocks": [
            {"type": "header", "text": {"type": "plain_text", "text": cut(title, SLACK_HEADER_CHARS)}},
            // Cut before escaping, so an escape is never split (escaped text may
        // grow a little past the limit; Slack counts it unescaped).
        {"type": "section", "text": {"type": "mrkdwn", "text": esc(&cut(body.trim(), SLACK_SECTION_CHARS))}},
        ],
    })
}

/// The Adaptive Card version Teams renders everywhere (desktop, web, mobile).
pub const ADAPTIVE_CARD_VERSION: &str = "1.4";

/// An Adaptive Card in the message envelope a Teams workflow webhook
/// ("Post to a channel when a webhook request is received") takes. Text
/// blocks are plain text: `body` is plain text from a template.
pub fn teams(title: &str, body: &str) -> serde_json::Value {
    // TextBlocks render Markdown links: `[Invoice](https://evil.example)` in
    // a title would be a disguised link in the channel. A space between
    // `]` and `(` leaves the text readable and the address shown.
    let unlinked = |text: &str| text.replace("](", "] (");
    let blocks: Vec<serde_json::Value> = std::iter::once(json!({
        "type": "TextBlock", "text": unlinked(title), "weight": "Bolder", "size": "Medium", "wrap": true,
    }))
    .chain(
        body.trim()
            .split("\n\n")
            .filter(|p| !p.trim().is_empty())
            .map(|p| json!({"type": "TextBlock", "text": unlinked(p.trim_end()), "wrap": true})),
    )
    .collect();
    json!({
        "type": "message",
        "attachments": [{
            "contentType": "application/vnd.microsoft.card.adaptive",
            "contentUrl": null,
            "content": {
                "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
                "type": "AdaptiveCard",
                "version": ADAPTIVE_CARD_VERSION,
                "body": blocks,
            },
        }],
    })
}

/// Discord's limits: an embed's title, description and footer, and all of
/// an embed's text together; a longer one is refused.
pub(crate) const DISCORD_TITLE_CHARS: usize = 256;
pub(crate) const DISCORD_DESCRIPTION_CHARS: usize = 4096;
pub(crate) const DISCORD_FOOTER_CHARS: usize = 2048;
pub(crate) const DISCORD_EMBED_CHARS: usize = 6000;

/// A Discord webhook message with one embed. Discord reads Markdown in the
/// description: `body` (plain text) is escaped, and no mention pings
/// anyone (`allowed_mentions` is empty).
pub fn discord(title: &str, body: &str, footer: &str, at: &str) -> serde_json::Value {
    let title = cut(&crate::text::one_line(title), DISCORD_TITLE_CHARS);
    let footer = cut(&crate::text::one_line(footer), DISCORD_FOOTER_CHARS);
    let room = DISCORD_EMBED_CHARS
        .saturating_sub(title.chars().count() + footer.chars().count())
        .min(DISCORD_DESCRIPTION_CHARS);
    // Cut what the reader sees, then escape: an escape is never split, and
    // Discord counts the text as written (escapes included), so leave room.
    let plain = cut(body.trim(), room / 2);
    let mut description = crate::text::discord(&plain);
    if description.chars().count() > room {
        description = cut(&description, room);
    }
    json!({
        "embeds": [{
            "title": title,
            "description": description,
            "timestamp": at,
            "footer": {"text": footer},
        }],
        "allowed_mentions": {"parse": []},
    })
}

/// Slack refuses the whole message when a block's text is longer.
const SLACK_HEADER_CHARS: usize = 150;
const SLACK_SECTION_CHARS: usize = 3000;
