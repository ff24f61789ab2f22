//! The static status page: the front page, a page per incident, history by
//! month. Every page comes from a template in `templates/page/`.

use super::markdown;
use super::time::{SiteTime, human_duration};
use super::timeline::{Entry, Timeline};
use super::uptime::{self, Bar, Ledger};
use super::view::{Lifecycle, PublicIncident, PublicView};
use super::{RenderError, Sink, ctx};
use crate::model::facts::Source;
use crate::model::{ComponentStatus, Indicator, Status};
use crate::templates::Templates;
use jiff::ToSpan;
use jiff::civil::Date;
use minijinja::Value;
use rayon::prelude::*;
use serde::Serialize;
use std::collections::BTreeMap;

/// Days of history on the front page.
const FRONT_PAGE_DAYS: i64 = 14;

/// A status word as pages show it: the locale key, the English label and
/// an icon that does not rely on colour.
#[derive(Debug, Clone, Serialize)]
pub struct Label {
    /// What the key is a word of (status, component, impact, indicator):
    /// pages look the label up as `<kind>.<key>` in their locale.
    pub kind: &'static str,
    /// The word as the model spells it (`major_outage`): the locale key's
    /// second part and the CSS class.
    pub key: &'static str,
    /// In English, where no locale applies (feeds, post-mortems, notices).
    pub label: &'static str,
    /// One character.
    pub icon: &'static str,
}

pub(crate) fn component_label(s: ComponentStatus) -> Label {
    let (label, icon) = match s {
        ComponentStatus::Operational => ("Operational", "✓"),
        ComponentStatus::UnderMaintenance => ("Under maintenance", "⚙"),
        ComponentStatus::DegradedPerformance => ("Degraded performance", "▲"),
        ComponentStatus::PartialOutage => ("Partial outage", "◐"),
        ComponentStatus::MajorOutage => ("Major outage", "✕"),
    };
    Label {
        kind: "component",
        key: s.as_str(),
        label,
        icon,
    }
}

pub(crate) fn status_label(s: Status) -> Label {
    let (label, icon) = match s {
        Status::Investigating => ("Investigating", "●"),
        Status::Identified => ("Identified", "◎"),
        Status::Monitoring => ("Monitoring", "◔"),
        Status::Resolved => ("Resolved", "✓"),
        Status::Scheduled => ("Scheduled", "◷"),
        Status::InProgress => ("In progress", "⚙"),
        Status::Verifying => ("Verifying", "◔"),
        Status::Completed => ("Completed", "✓"),
        Status::Cancelled => ("Cancelled", "⊘"),
    };
    Label {
        kind: "status",
        key: s.as_str(),
        label,
        icon,
    }
}

fn indicator_icon(indicator: Indicator) -> &'static str {
    match indicator {
        Indicator::Critical => "✕",
        Indicator::Major => "◐",
        Indicator::Minor => "▲",
        Indicator::Maintenance => "⚙",
        Indicator::None => "✓",
    }
}

/// An incident's impact, as its badge says it.
pub fn impact_label(impact: Indicator) -> Label {
    let label = match impact {
        Indicator::Critical => "Critical impact",
        Indicator::Major => "Major impact",
        Indicator::Minor => "Minor impact",
        Indicator::Maintenance => "Maintenance",
        Indicator::None => "No impact",
    };
    Label {
        kind: "impact",
        key: impact.as_str(),
        label,
        icon: indicator_icon(impact),
    }
}

/// The page's overall status, in Statuspage's words.
pub fn indicator_label(indicator: Indicator) -> Label {
    Label {
        kind: "indicator",
        key: indicator.as_str(),
        label: indicator.description(),
        icon: indicator_icon(indicator),
    }
}

#[derive(Debug, Clone, Serialize)]
struct SiteCtx {
    name: String,
    url: Option<String>,
    description: Option<String>,
    timezone: String,
    /// The invite link of the page's Subscribe section: (url, label).
    subscribe: Option<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
struct Section {
    heading: String,
    body: Value,
}

#[derive(Debug, Clone, Serialize)]
struct ReportCtx {
    sections: Vec<Section>,
    revised: Option<Value>,
    revision_reason: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
struct IncidentCtx {
    id: String,
    title: String,
    /// Relative to the site root.
    url: String,
    maintenance: bool,
    lifecycle: &'static str,
    impact: Label,
    status: Label,
    components: Vec<String>,
    /// When impact began, when the declaration says so.
    started: Option<Value>,
    created: Value,
    resolved: Option<Value>,
    duration: Option<String>,
    scheduled_for: Option<Value>,
    scheduled_until: Option<Value>,
    /// Newest first (`Timeline`).
    updates: Value,
    report: Option<ReportCtx>,
}

#[derive(Debug, Clone, Serialize)]
struct ComponentCtx {
    id: String,
    name: String,
    description: Option<String>,
    status: Label,
    /// Relative to the site root.
    url: String,
    feed: String,
    uptime: Bar,
}

#[derive(Debug, Clone, Serialize)]
struct PeriodCtx {
    days: i64,
    /// None: no data in the period.
    percent: Option<String>,
    down_minutes: f64,
}

#[derive(Debug, Clone, Serialize)]
struct GroupCtx {
    /// None for components outside any group.
    name: Option<String>,
    /// The group's uptime over the bar's days (down when any member is).
    percent: Option<String>,
    description: Option<String>,
    status: Label,
    open: bool,
    components: Vec<ComponentCtx>,
}

#[derive(Debug, Clone, Serialize)]
struct DayCtx {
    date: String,
    label: String,
    incidents: Vec<IncidentCtx>,
}

#[derive(Debug, Clone, Serialize)]
struct MonthCtx {
    key: String,
    label: String,
    url: String,
    count: usize,
}

/// Every page of one language tree of the site, into `sink`.
pub fn pages(
    view: &PublicView<'_>,
    clock: &SiteTime,
    templates: &Templates,
    tree: &Tree,
    sink: &dyn Sink,
) -> Result<(), RenderError> {
    let days = days(view, clock);
    let frame = Frame::new(view, clock, tree, &days);
    let statuses = view.component_statuses();
    let ledger = Ledger::new(view, clock, uptime::site_from(view.now, clock));
    let groups = groups(view, &statuses, &ledger, clock);
    let page = Page {
        view,
        clock,
        templates,
        tree,
        frame: &frame,
        days: &days,
        sink,
    };
    // The front page alone beside the others, which share both cores.
    let (front, rest) = rayon::join(
        || page.front(&groups),
        || {
            page.incidents()?;
            page.components(&groups, &ledger)?;
            page.history()
        },
    );
    front.and(rest)
}

/// What every page of a tree shows around its own content: the site, the
/// overall status, the months of history, the language switcher.
struct Frame {
    lang: String,
    strings: Value,
    site: Value,
    generated: Value,
    overall: Value,
    months: Vec<MonthCtx>,
    months_ctx: Value,
    /// (language, prefix of its tree), for the switcher.
    languages: Vec<(String, String)>,
    prefix: String,
}

impl Frame {
    fn new(view: &PublicView<'_>, clock: &SiteTime, tree: &Tree, days: &[Option<Date>]) -> Self {
        let locale = clock.locale();
        let site = SiteCtx {
            name: view.config.site.name.clone(),
            url: view.config.site.url.clone(),
            description: view.config.site.description.clone(),
            timezone: clock.name().to_string(),
            subscribe: view.config.site.subscribe.as_ref().map(|s| {
                (
                    s.url.clone(),
                    s.label
                        .clone()
                        .unwrap_or_else(|| "Subscribe to updates".to_string()),
                )
            }),
        };
        let months = months(days, clock);
        Frame {
            lang: locale.lang.clone(),
            strings: ctx(&locale.strings),
            site: ctx(&site),
            generated: clock.moment(view.now),
            overall: ctx(&indicator_label(view.indicator())),
            months_ctx: ctx(&months),
            months,
            languages: tree.languages.clone(),
            prefix: tree.prefix.clone(),
        }
    }

    /// The context every page starts from; `root` leads from the page to
    /// the top of its tree.
    fn context(&self, root: &str) -> Value {
        // From the page to the top of the site, where the feeds, the API
        // and the calendar are.
        let assets = format!("{root}{}", if self.prefix.is_empty() { "" } else { "../" });
        let languages: Vec<Value> = self
            .languages
            .iter()
            .map(|(lang, prefix)| {
                minijinja::context! {
                    lang => lang,
                    href => format!("{assets}{prefix}index.html"),
                    current => *lang == self.lang,
                }
            })
            .collect();
        minijinja::context! {
            lang => &self.lang,
            t => self.strings.clone(),
            assets => assets,
            languages => languages,
            site => self.site.clone(),
            generated => self.generated.clone(),
            overall => self.overall.clone(),
            root => root,
            months => self.months_ctx.clone(),
            uptime_days => uptime::DAYS,
        }
    }
}

/// Everything a page of one tree is rendered with, and where it goes.
struct Page<'a, 'v> {
    view: &'a PublicView<'v>,
    clock: &'a SiteTime,
    templates: &'a Templates,
    tree: &'a Tree,
    frame: &'a Frame,
    /// Each incident's day in history (`days`), aligned with the view's.
    days: &'a [Option<Date>],
    sink: &'a dyn Sink,
}

impl Page<'_, '_> {
    /// Renders `template` with `context` and hands it to the sink as `path`
    /// (relative to the tree).
    fn put(&self, path: &str, template: &str, context: Value) -> Result<(), RenderError> {
        let text = self.templates.render(template, context)?;
        super::put(
            self.sink,
            &format!("{}{path}", self.tree.prefix),
            text.as_bytes(),
        )
    }

    fn incident(&self, i: &PublicIncident<'_>) -> Result<IncidentCtx, RenderError> {
        incident_ctx(i, self.clock)
    }

    /// The front page: what is up, what is happening, the last days.
    fn front(&self, groups: &[GroupCtx]) -> Result<(), RenderError> {
        let (view, clock) = (self.view, self.clock);
        let active: Vec<IncidentCtx> = view
            .active()
            .map(|i| self.incident(i))
            .collect::<Result<_, _>>()?;
        let maintenance = |lifecycle| -> Result<Vec<IncidentCtx>, RenderError> {
            view.maintenance(lifecycle)
                .into_iter()
                .map(|i| self.incident(i))
                .collect()
        };
        let today = clock.date(view.now);
        let history: Vec<DayCtx> = (0..FRONT_PAGE_DAYS)
            .filter_map(|back| today.checked_sub(back.days()).ok())
            .map(|date| {
                Ok(DayCtx {
                    label: clock
                        .when_field(clock.start_of(date), "day")
                        .unwrap_or_default(),
                    incidents: view
                        .incidents
                        .iter()
                        .zip(self.days)
                        .filter(|(_, day)| **day == Some(date))
                        .map(|(i, _)| self.incident(i))
                        .collect::<Result<_, _>>()?,
                    date: date.to_string(),
                })
            })
            .collect::<Result<_, RenderError>>()?;
        let page = minijinja::context! {
            groups => ctx(groups),
            active => ctx(&active),
            in_progress => ctx(&maintenance(Lifecycle::InProgress)?),
            upcoming => ctx(&maintenance(Lifecycle::Upcoming)?),
            history => ctx(&history),
            feeds => ctx(&groups.iter().flat_map(|g| g.components.iter()).collect::<Vec<_>>()),
            ..self.frame.context("")
        };
        self.put("index.html", "page/index.html", page)
    }

    /// A page per incident, rendered in parallel: thousands of them.
    fn incidents(&self) -> Result<(), RenderError> {
        self.view.incidents.par_iter().try_for_each(|i| {
            let page = minijinja::context! {
                incident => ctx(&self.incident(i)?),
                ..self.frame.context("../")
            };
            self.put(
                &crate::paths::incident_page(i.id()),
                "page/incident.html",
                page,
            )
        })
    }

    /// A page per component: status, uptime, bar and every incident that
    /// touched it.
    fn components(&self, groups: &[GroupCtx], ledger: &Ledger<'_>) -> Result<(), RenderError> {
        let components: Vec<&ComponentCtx> =
            groups.iter().flat_map(|g| g.components.iter()).collect();
        components.par_iter().try_for_each(|c| {
            let record = ledger
                .component(&c.id)
                .expect("every component has a record");
            let periods: Vec<PeriodCtx> = uptime::PERIODS
                .iter()
                .map(|&days| {
                    let tally = ledger.last_days(record, self.clock, days);
                    PeriodCtx {
                        days,
                        percent: tally.percent(),
                        down_minutes: tally.down_minutes,
                    }
                })
                .collect();
            let incidents: Vec<IncidentCtx> = self
                .view
                .touching(&c.id)
                .map(|i| self.incident(i))
                .collect::<Result<_, _>>()?;
            let page = minijinja::context! {
                component => ctx(c),
                periods => ctx(&periods),
                incidents => ctx(&incidents),
                ..self.frame.context("../")
            };
            self.put(
                &format!("components/{}.html", c.id),
                "page/component.html",
                page,
            )
        })
    }

    /// History: an index of months and a page per month.
    fn history(&self) -> Result<(), RenderError> {
        let months = &self.frame.months;
        let mut by_month: BTreeMap<String, Vec<&PublicIncident<'_>>> = BTreeMap::new();
        for (i, day) in self.view.incidents.iter().zip(self.days) {
            if let Some(day) = day {
                by_month.entry(month_key(*day)).or_default().push(i);
            }
        }
        (0..months.len()).into_par_iter().try_for_each(|n| {
            let month = &months[n];
            let incidents: Vec<IncidentCtx> = by_month
                .get(&month.key)
                .into_iter()
                .flatten()
                .map(|i| self.incident(i))
                .collect::<Result<_, _>>()?;
            let page = minijinja::context! {
                month => ctx(month),
                newer => n.checked_sub(1).map(|p| ctx(&months[p])),
                older => months.get(n + 1).map(ctx),
                incidents => ctx(&incidents),
                ..self.frame.context("../")
            };
            self.put(
                &crate::paths::month_page(&month.key),
                "page/month.html",
                page,
            )
        })?;
        self.put(
            "history/index.html",
            "page/history.html",
            self.frame.context("../"),
        )
    }
}

/// One language tree of the site: where its pages go, and every tree's
/// (language, prefix) for the language switcher.
pub struct Tree {
    /// "" for the page's language, "de/" for another.
    pub prefix: String,
    /// (language, prefix) of every tree; empty with one language.
    pub languages: Vec<(String, String)>,
}

/// Each incident's day in the site's zone (when planned, or declared), or
/// `None` for maintenance not begun, which history leaves out: the front
/// page's days and each month's page look it up instead of converting every
/// incident's time again for each of them.
fn days(view: &PublicView<'_>, clock: &SiteTime) -> Vec<Option<Date>> {
    view.incidents
        .par_iter()
        .map(|i| (i.lifecycle != Lifecycle::Upcoming).then(|| clock.date(i.sort_at())))
        .collect()
}

fn month_key(day: Date) -> String {
    format!("{:04}-{:02}", day.year(), day.month())
}

fn months(days: &[Option<Date>], clock: &SiteTime) -> Vec<MonthCtx> {
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for day in days.iter().flatten() {
        *counts.entry(month_key(*day)).or_default() += 1;
    }
    counts
        .into_iter()
        .rev()
        .map(|(key, count)| {
            let label = jiff::civil::Date::strptime("%Y-%m-%d", format!("{key}-01"))
                .map(|d| clock.locale().month_year(d))
                .unwrap_or_else(|_| key.clone());
            MonthCtx {
                url: crate::paths::month_page(&key),
                label,
                key,
                count,
            }
        })
        .collect()
}

fn groups(
    view: &PublicView<'_>,
    statuses: &BTreeMap<String, ComponentStatus>,
    ledger: &Ledger<'_>,
    clock: &SiteTime,
) -> Vec<GroupCtx> {
    let config = view.config;
    let component = |c: &crate::model::config::Component| ComponentCtx {
        id: c.id.clone(),
        name: c.name.clone(),
        description: c.description.clone(),
        status: component_label(
            statuses
                .get(&c.id)
                .copied()
                .unwrap_or(ComponentStatus::Operational),
        ),
        url: format!("components/{}.html", c.id),
        feed: format!("components/{}.atom", c.id),
        uptime: ledger
            .component(&c.id)
            .map(|r| ledger.bar(r, clock))
            .expect("every component has a record"),
    };
    let worst = |members: &[&crate::model::config::Component]| {
        members
            .iter()
            .filter_map(|c| statuses.get(&c.id).copied())
            .max()
            .unwrap_or(ComponentStatus::Operational)
    };
    let mut out = Vec::new();
    for g in &config.groups {
        let members: Vec<_> = config.members(&g.id).collect();
        if members.is_empty() {
            continue;
        }
        let status = worst(&members);
        out.push(GroupCtx {
            percent: ledger
                .group(&g.id)
                .and_then(|r| ledger.last_days(r, clock, uptime::DAYS).percent()),
            name: Some(g.name.clone()),
            description: g.description.clone(),
            status: component_label(status),
            open: status != ComponentStatus::Operational,
            // Each bar folds 90 days of its component's history.
            components: members.into_par_iter().map(component).collect(),
        });
    }
    // A retired component is no longer offered: history names it, the
    // list of what is up does not.
    let loose: Vec<_> = config
        .components
        .iter()
        .filter(|c| !c.retired)
        .filter(|c| {
            c.group
                .as_deref()
                .is_none_or(|g| !config.groups.iter().any(|x| x.id == g))
        })
        .collect();
    if !loose.is_empty() {
        let status = worst(&loose);
        out.push(GroupCtx {
            percent: None,
            name: None,
            description: None,
            status: component_label(status),
            open: true,
            components: loose.into_iter().map(component).collect(),
        });
    }
    out
}

fn incident_ctx(i: &PublicIncident<'_>, clock: &SiteTime) -> Result<IncidentCtx, RenderError> {
    let d = i.declaration;
    let facts = &i.facts;
    let names = i
        .components
        .iter()
        .map(|(_, name)| name.to_string())
        .collect();
    Ok(IncidentCtx {
        id: i.id().to_string(),
        title: i.title().to_string(),
        url: crate::paths::incident_page(i.id()),
        maintenance: i.is_maintenance(),
        lifecycle: match i.lifecycle {
            Lifecycle::Active => "active",
            Lifecycle::Resolved => "resolved",
            Lifecycle::Upcoming => "upcoming",
            Lifecycle::InProgress => "in_progress",
            Lifecycle::Completed => "completed",
        },
        impact: impact_label(i.impact),
        status: status_label(i.status()),
        components: names,
        started: (facts.started.source != Source::DeclaredAt && !i.is_maintenance())
            .then(|| clock.moment(facts.started.at)),
        created: clock.moment(d.declared_at),
        resolved: facts.resolved.map(|t| clock.moment(t)),
        duration: facts
            .duration()
            .filter(|_| !i.is_maintenance())
            .map(|d| human_duration(d.as_signed().as_secs())),
        scheduled_for: d.scheduled_for.map(|t| clock.moment(t)),
        scheduled_until: d.scheduled_until.map(|t| clock.moment(t)),
        updates: Value::from_object(Timeline {
            incident: i.id().to_string(),
            clock: clock.clone(),
            entries: i
                .updates()
                .iter()
                .rev()
                .map(|u| {
                    Ok(Entry {
                        status: u.status,
                        at: u.at,
                        // In the page's language when the update was translated.
                        message: super::amend::message_later(i, u, clock)?,
                    })
                })
                .collect::<Result<_, RenderError>>()?,
        }),
        report: i.report.map(|r| {
            let parts = [
                ("report.apology", &r.apology),
                ("report.what_happened", &r.what_happened),
                ("report.root_cause", &r.root_cause),
                ("report.fix", &r.fix),
                ("report.prevention", &r.prevention),
            ];
            ReportCtx {
                sections: parts
                    .into_iter()
                    .filter_map(|(heading, body)| {
                        body.as_deref().map(|b| Section {
                            heading: clock.locale().word(heading),
                            body: Value::from_safe_string(markdown::to_html(b)),
                        })
                    })
                    .collect(),
                revised: r.revised_at.map(|t| clock.moment(t)),
                revision_reason: r.revision_reason.clone(),
            }
        }),
    })
}
