//! A bulletin in words, in the reader's language: the one wording the printable page, the
//! .xlsx workbook and the .docx document all show, so the three agree figure for figure.

use crate::i18n::Lang;
use minxin_domain::control::bulletin::{
    Bulletin, Deltas, DepartmentFlags, Flagged, LightChange, ProjectRef, Summary,
};
use minxin_domain::control::light::{Light, percent_text};
use minxin_domain::control::ranking;
use minxin_domain::kernel::money::Fen;

/// A figure: a count, money, or a rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Value {
    /// A number of projects or reports.
    Count(u32),
    /// An amount of money.
    Money(Fen),
    /// A rate in basis points; `None` when there is nothing to measure.
    Rate(Option<u32>),
}

impl Value {
    /// The figure as shown: counts plainly, money in 元 with two decimals, rates in percent.
    pub fn text(self) -> String {
        match self {
            Value::Count(n) => n.to_string(),
            Value::Money(fen) => fen.yuan_text(),
            Value::Rate(Some(bp)) => format!("{}%", percent_text(bp)),
            Value::Rate(None) => "—".into(),
        }
    }
}

/// A labelled figure.
pub struct Figure {
    /// The label in the reader's language.
    pub label: &'static str,
    /// The figure.
    pub value: Value,
}

impl Figure {
    /// The figure as shown.
    pub fn text(&self) -> String {
        self.value.text()
    }
}

/// A project line of a list.
pub struct ProjectLine {
    /// Code.
    pub code: String,
    /// Name.
    pub name: String,
    /// Region name.
    pub region: String,
    /// Lead department name.
    pub department: String,
    /// The light's code (for styling), empty when not lit.
    pub light_code: &'static str,
    /// The light's name, or "not lit".
    pub light: &'static str,
    /// The reasons as sentences, joined by "；".
    pub reasons: String,
}

/// One department's red and yellow projects.
pub struct DepartmentBlock {
    /// Department name.
    pub name: String,
    /// Red projects.
    pub red: usize,
    /// Yellow projects.
    pub yellow: usize,
    /// Red first, then yellow.
    pub projects: Vec<ProjectLine>,
}

/// One line of the department ranking.
pub struct RankLine {
    /// Place, from 1.
    pub place: u32,
    /// Department name.
    pub department: String,
    /// Score, lights, on-time reports, payment progress, then projects, green, yellow, red.
    pub figures: Vec<Value>,
}

/// A signed change of a figure.
pub struct DeltaLine {
    /// What changed.
    pub label: &'static str,
    /// Now minus then, with its sign.
    pub text: String,
}

/// What changed since the period before.
pub struct ChangeBlock {
    /// The month compared with, in words.
    pub since: String,
    /// The figures' changes.
    pub deltas: Vec<DeltaLine>,
    /// Lists: heading, and the projects (with their light then → now).
    pub lists: Vec<(&'static str, Vec<ProjectLine>)>,
}

/// One month of a quarter's or year's series.
pub struct SeriesLine {
    /// The month in words.
    pub month: String,
    /// Its figures, in the order of [`SERIES_HEADERS`].
    pub figures: Vec<Value>,
}

/// The message keys of the series columns after the month.
pub const SERIES_HEADERS: [&str; 8] = [
    "bulletin.figure.projects",
    "light.green",
    "light.yellow",
    "light.red",
    "bulletin.figure.approved",
    "bulletin.figure.paid",
    "bulletin.figure.execution",
    "bulletin.figure.reports_late",
];

/// The message keys of the ranking columns after place and department.
pub const RANKING_HEADERS: [&str; 8] = [
    "bulletin.ranking.score",
    "bulletin.ranking.lights",
    "bulletin.ranking.on_time",
    "bulletin.ranking.payment",
    "bulletin.figure.projects",
    "light.green",
    "light.yellow",
    "light.red",
];

/// The bulletin in words.
pub struct View {
    /// Heading, e.g. 2026 年 10 月民心工程通报.
    pub title: String,
    /// The period code, e.g. `2026-Q3`.
    pub period: String,
    /// The month whose state is shown, in words.
    pub closing: String,
    /// Summary figures.
    pub summary: Vec<Figure>,
    /// Projects by stage.
    pub stages: Vec<Figure>,
    /// Red and yellow projects by department.
    pub departments: Vec<DepartmentBlock>,
    /// Late reports.
    pub late: Vec<ProjectLine>,
    /// The ranking.
    pub ranking: Vec<RankLine>,
    /// Changes since the period before.
    pub changes: Option<ChangeBlock>,
    /// Month by month (quarters and years).
    pub series: Vec<SeriesLine>,
}

/// The summary figures of a month, labelled.
pub fn summary_figures(lang: Lang, s: &Summary) -> Vec<Figure> {
    let f = |key: &str, value| Figure {
        label: lang.t(key),
        value,
    };
    vec![
        f("bulletin.figure.projects", Value::Count(s.projects)),
        f("light.green", Value::Count(s.lights.green)),
        f("light.yellow", Value::Count(s.lights.yellow)),
        f("light.red", Value::Count(s.lights.red)),
        f("light.none", Value::Count(s.lights.unlit)),
        f("bulletin.figure.budget", Value::Money(s.budget)),
        f("bulletin.figure.approved", Value::Money(s.approved)),
        f("bulletin.figure.disbursed", Value::Money(s.disbursed)),
        f("bulletin.figure.paid", Value::Money(s.paid)),
        f("bulletin.figure.execution", Value::Rate(s.execution_bp)),
        f("bulletin.figure.reports_due", Value::Count(s.reports_due)),
        f("bulletin.figure.reports_late", Value::Count(s.reports_late)),
    ]
}

fn light_name(lang: Lang, light: Option<Light>) -> &'static str {
    light.map_or_else(|| lang.t("light.none"), |l| lang.light(l))
}

fn line(lang: Lang, p: &ProjectRef, light: Option<Light>, reasons: String) -> ProjectLine {
    ProjectLine {
        code: p.code.clone(),
        name: p.name.clone(),
        region: p.region_name.clone(),
        department: p.department_name.clone(),
        light_code: light.map_or("", Light::code),
        light: light_name(lang, light),
        reasons,
    }
}

fn flagged(lang: Lang, f: &Flagged) -> ProjectLine {
    let reasons: Vec<String> = f.reasons.iter().map(|r| lang.light_reason(r)).collect();
    line(lang, &f.project, Some(f.light), reasons.join("；"))
}

fn department(lang: Lang, d: &DepartmentFlags) -> DepartmentBlock {
    let count = |light| d.projects.iter().filter(|p| p.light == light).count();
    DepartmentBlock {
        name: d.department_name.clone(),
        red: count(Light::Red),
        yellow: count(Light::Yellow),
        projects: d.projects.iter().map(|p| flagged(lang, p)).collect(),
    }
}

fn change(lang: Lang, c: &LightChange) -> ProjectLine {
    let moved = format!(
        "{} → {}",
        light_name(lang, c.before),
        light_name(lang, c.after)
    );
    line(lang, &c.project, c.after, moved)
}

fn signed(n: i64) -> String {
    if n > 0 {
        format!("+{n}")
    } else {
        n.to_string()
    }
}

fn signed_money(fen: Fen) -> String {
    if fen.0 > 0 {
        format!("+{}", fen.yuan_text())
    } else {
        fen.yuan_text()
    }
}

fn deltas(lang: Lang, d: &Deltas) -> Vec<DeltaLine> {
    let l = |key: &str, text| DeltaLine {
        label: lang.t(key),
        text,
    };
    vec![
        l("bulletin.figure.projects", signed(d.projects)),
        l("light.green", signed(d.green)),
        l("light.yellow", signed(d.yellow)),
        l("light.red", signed(d.red)),
        l("bulletin.figure.reports_late", signed(d.reports_late)),
        l("bulletin.figure.approved", signed_money(d.approved)),
        l("bulletin.figure.disbursed", signed_money(d.disbursed)),
        l("bulletin.figure.paid", signed_money(d.paid)),
    ]
}

impl View {
    /// Words `bulletin` in `lang`.
    pub fn new(lang: Lang, b: &Bulletin) -> View {
        let period = lang.bulletin_period(b.period);
        View {
            title: lang.fill("bulletin.title", &[("period", period)]),
            period: b.period.to_string(),
            closing: lang.month_name(b.closing_month),
            summary: summary_figures(lang, &b.summary),
            stages: b
                .summary
                .stages
                .iter()
                .map(|s| Figure {
                    label: lang.t(&format!("project.stage.{}", s.stage.code())),
                    value: Value::Count(s.projects),
                })
                .collect(),
            departments: b.departments.iter().map(|d| department(lang, d)).collect(),
            late: b
                .late_reports
                .iter()
                .map(|l| {
                    let reason = l.reason.as_ref().map(|r| lang.light_reason(r));
                    line(lang, &l.project, None, reason.unwrap_or_default())
                })
                .collect(),
            ranking: b
                .ranking
                .iter()
                .map(|r| RankLine {
                    place: r.place,
                    department: r.key.name.clone(),
                    figures: vec![
                        Value::Rate(Some(r.score_bp)),
                        Value::Rate(ranking::lights_bp(&r.tally)),
                        Value::Rate(ranking::on_time_bp(&r.tally)),
                        Value::Rate(ranking::payment_bp(&r.tally)),
                        Value::Count(r.tally.projects),
                        Value::Count(r.tally.green),
                        Value::Count(r.tally.yellow),
                        Value::Count(r.tally.red),
                    ],
                })
                .collect(),
            changes: b.changes.as_ref().map(|c| ChangeBlock {
                since: lang.month_name(c.since),
                deltas: deltas(lang, &c.deltas),
                lists: vec![
                    (
                        lang.t("bulletin.changes.turned_red"),
                        c.turned_red.iter().map(|x| change(lang, x)).collect(),
                    ),
                    (
                        lang.t("bulletin.changes.recovered"),
                        c.recovered.iter().map(|x| change(lang, x)).collect(),
                    ),
                    (
                        lang.t("bulletin.changes.new_in_plan"),
                        c.new_in_plan.iter().map(|x| change(lang, x)).collect(),
                    ),
                ],
            }),
            series: b
                .series
                .iter()
                .map(|p| SeriesLine {
                    month: lang.month_name(p.month),
                    figures: vec![
                        Value::Count(p.summary.projects),
                        Value::Count(p.summary.lights.green),
                        Value::Count(p.summary.lights.yellow),
                        Value::Count(p.summary.lights.red),
                        Value::Money(p.summary.approved),
                        Value::Money(p.summary.paid),
                        Value::Rate(p.summary.execution_bp),
                        Value::Count(p.summary.reports_late),
                    ],
                })
                .collect(),
        }
    }
}
