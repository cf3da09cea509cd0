//! `/projects/{id}`: one project with every registry field, its budget by funding source, its
//! milestones, progress, the next lifecycle gate with each condition met or missing, the moves
//! the viewer may make, and the timeline of every transition. The forms on the page post to
//! their own routes; a refusal shows this page again with the refusal in words next to the
//! form that caused it and the typed input kept.

use super::milestones::MilestoneForm;
use super::{
    Redisplay, all_problems, hold_name, may_change, move_name, optional_date, project_notice,
    required_int, settle_on_page, source_name, stage_name, today,
};
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::tiles::TileSource;
use crate::kernel::widgets::{Choice, Id, Input, scoped, version};
use crate::projects::pages::attachments::{AttachmentsPanel, panel_of};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use minxin_domain::Role;
use minxin_domain::control::progress::{PlannedMilestone, expected};
use minxin_domain::kernel::money::Fen;
use minxin_domain::kernel::time::format_local;
use minxin_domain::projects::access::{may_manage, may_report_progress};
use minxin_domain::projects::project::{FundingSource, Hold, Stage};
use minxin_storage::StoreError;
use minxin_storage::projects::{
    Milestone, ProgressInput, ProgressUpdate, Project, TransitionInput,
};
use serde::Deserialize;

/// The progress form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ProgressForm {
    progress_percent: String,
    progress_note: String,
    actual_start: String,
    actual_end: String,
    version: String,
}

impl ProgressForm {
    fn of(p: &Project) -> Self {
        ProgressForm {
            progress_percent: p.progress_percent.to_string(),
            progress_note: p.progress_note.clone(),
            actual_start: p.actual_start.map(|d| d.to_string()).unwrap_or_default(),
            actual_end: p.actual_end.map(|d| d.to_string()).unwrap_or_default(),
            version: p.version.to_string(),
        }
    }

    fn input(&self) -> Result<ProgressUpdate, StoreError> {
        let mut p = Vec::new();
        let input = ProgressInput {
            progress_percent: required_int("progress_percent", &self.progress_percent, &mut p),
            progress_note: self.progress_note.clone(),
            actual_start: optional_date("actual_start", &self.actual_start, &mut p),
            actual_end: optional_date("actual_end", &self.actual_end, &mut p),
        };
        all_problems(p, input.parse())
    }
}

/// A lifecycle move as posted.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MoveForm {
    #[serde(rename = "move")]
    action: String,
    target_stage: String,
    reason: String,
    version: String,
}

impl MoveForm {
    /// The prefix of the ids and errors of the form this move was posted from.
    fn prefix(&self) -> &'static str {
        match self.action.as_str() {
            "return" => "ret_",
            "suspend" | "resume" | "cancel" => "hold_",
            _ => "adv_",
        }
    }
}

/// What the page shows again after a refused form: the messages and the typed input.
#[derive(Default)]
pub struct Again {
    /// Messages, filed under the failed form's prefix.
    pub errors: FormErrors,
    /// The milestone form as typed.
    pub milestone: Option<MilestoneForm>,
    /// The progress form as typed.
    pub progress: Option<ProgressForm>,
    /// The move as typed.
    pub moving: Option<MoveForm>,
    /// The milestone whose "done" form failed, and the date typed.
    pub done: Option<(i64, String)>,
}

/// A milestone as a row of the table.
pub struct MilestoneRow {
    /// Id.
    pub id: i64,
    /// Name.
    pub name: String,
    /// Planned date.
    pub planned: String,
    /// Actual date, or empty.
    pub actual: String,
    /// Weight in percent.
    pub weight: i32,
    /// Version, for the "done" form.
    pub version: i64,
    /// Whether it is past its planned date and not done.
    pub overdue: bool,
    /// The date typed into its "done" form (today by default).
    pub done_value: String,
    /// Messages of its "done" form.
    pub done_errors: Vec<String>,
}

/// The project's traffic light and its reasons in words (SPEC §5).
pub struct LightBox {
    /// green, yellow or red (the CSS class).
    pub code: &'static str,
    /// Its name, e.g. 红灯（滞后）.
    pub name: &'static str,
    /// Each reason: its own light's code and the sentence, worst first.
    pub reasons: Vec<(&'static str, String)>,
}

impl LightBox {
    fn of(lang: crate::kernel::i18n::Lang, p: &Project) -> Option<LightBox> {
        Some(LightBox::of_assessment(lang, &p.assessment()?))
    }

    /// The box of an assessment, worded in `lang` (also on the public project page).
    pub fn of_assessment(
        lang: crate::kernel::i18n::Lang,
        assessment: &minxin_domain::control::light::Assessment,
    ) -> LightBox {
        LightBox {
            code: assessment.light.code(),
            name: lang.light(assessment.light),
            reasons: assessment
                .reasons
                .iter()
                .map(|r| (r.light.code(), lang.light_reason(&r.reason)))
                .collect(),
        }
    }
}

/// One condition of the next gate.
pub struct ConditionRow {
    /// Whether it holds.
    pub met: bool,
    /// What it requires, in words.
    pub text: &'static str,
    /// The rule code, for ids.
    pub code: &'static str,
}

/// The next gate.
pub struct GateBox {
    /// The stage it leads to.
    pub next: String,
    /// Its conditions.
    pub conditions: Vec<ConditionRow>,
}

impl GateBox {
    /// Whether every condition holds.
    pub fn open(&self) -> bool {
        self.conditions.iter().all(|c| c.met)
    }
}

/// One transition of the timeline.
pub struct TimelineRow {
    /// When, in Beijing time.
    pub at: String,
    /// Who.
    pub actor: String,
    /// The move.
    pub action: String,
    /// Stage before → after, or empty when unchanged.
    pub stages: String,
    /// Hold before → after, or empty when unchanged.
    pub holds: String,
    /// Why.
    pub reason: String,
}

/// One funding source's planned money.
pub struct BudgetLineRow {
    /// The source's name.
    pub source: &'static str,
    /// 元 with two decimals.
    pub yuan: String,
}

#[derive(Template)]
#[template(path = "project.html")]
struct ProjectPage {
    c: Chrome,
    errors: FormErrors,
    light: Option<LightBox>,
    p: Project,
    stage: String,
    hold: String,
    active: bool,
    suspended: bool,
    cancelled: bool,
    partners: String,
    budget: Vec<BudgetLineRow>,
    total_yuan: String,
    total_wan: String,
    coordinates: Option<(String, String)>,
    created: String,
    updated: String,
    expected: Option<u32>,
    milestones: Vec<MilestoneRow>,
    weight_total: i32,
    ms: MilestoneForm,
    progress: ProgressForm,
    gate: Option<GateBox>,
    returns: Vec<Choice>,
    moving: MoveForm,
    timeline: Vec<TimelineRow>,
    manage: bool,
    report: bool,
    office: bool,
    tiles: TileSource,
    /// The documents panel, rendered by `_project_attachments.html` (owned by the attachments
    /// pages).
    attachments: AttachmentsPanel,
}

impl ProjectPage {
    /// The lifecycle as steps: each stage's name and whether it is `done`, `current` or `todo`.
    fn stage_steps(&self) -> Vec<(String, &'static str)> {
        let current = self.p.stage.parse::<Stage>().ok();
        Stage::ALL
            .iter()
            .map(|st| {
                let class = match current {
                    Some(c) if *st < c => "done",
                    Some(c) if *st == c => "current",
                    _ => "todo",
                };
                (stage_name(self.c.lang, st.code()), class)
            })
            .collect()
    }

    /// How much milestone weight is left to plan.
    fn weight_hint(&self) -> String {
        self.c.lang.fill(
            "projects.weight_left",
            &[("left", (100 - self.weight_total).max(0).to_string())],
        )
    }

    /// The reason typed into the form with `prefix`, if that form was the one posted.
    fn reason(&self, prefix: &str) -> &str {
        if self.moving.prefix() == prefix {
            &self.moving.reason
        } else {
            ""
        }
    }
}

fn milestone_rows(
    milestones: &[Milestone],
    errors: &FormErrors,
    done: Option<&(i64, String)>,
    today: chrono::NaiveDate,
) -> Vec<MilestoneRow> {
    milestones
        .iter()
        .map(|m| {
            let prefix = format!("done{}_", m.id);
            let mut done_errors: Vec<String> = errors
                .of(&format!("{prefix}actual_date"))
                .into_iter()
                .map(str::to_owned)
                .collect();
            done_errors.extend(
                errors
                    .of(&format!("{prefix}form"))
                    .into_iter()
                    .map(str::to_owned),
            );
            MilestoneRow {
                id: m.id,
                name: m.name.clone(),
                planned: m.planned_date.to_string(),
                actual: m.actual_date.map(|d| d.to_string()).unwrap_or_default(),
                weight: m.weight,
                version: m.version,
                overdue: m.actual_date.is_none() && m.planned_date < today,
                done_value: done
                    .filter(|(id, _)| *id == m.id)
                    .map_or_else(|| today.to_string(), |(_, v)| v.clone()),
                done_errors,
            }
        })
        .collect()
}

impl Redisplay for Again {
    const BELOW: &'static str = "";

    fn errors(&mut self) -> &mut FormErrors {
        &mut self.errors
    }

    fn notice(value: Option<&str>) -> Option<&'static str> {
        project_notice(value)
    }

    /// The project page, with `self` filled in after a refused form.
    async fn page(
        self,
        state: &AppState,
        s: &Signed,
        id: i64,
        notice: Option<&'static str>,
    ) -> Result<Response, Failure> {
        let again = self;
        let lang = s.client.lang;
        let store = scoped(state, s);
        let p = store.projects().get(id).await?;
        let milestones = store.projects().milestones(id).await?;
        let gate = store.projects().gate(id).await?;
        let transitions = store.projects().transitions(id).await?;
        let attachments = panel_of(state, s, &p).await?;
        let actor = &s.session.actor;
        let stage = p.stage.parse::<Stage>().ok();
        let hold = p.hold.parse::<Hold>().unwrap_or(Hold::Active);
        let total = p
            .budget
            .iter()
            .fold(Fen::ZERO, |t, l| t.plus(Fen(l.amount_fen)));
        let planned: Vec<PlannedMilestone> = milestones
            .iter()
            .map(|m| PlannedMilestone {
                planned: m.planned_date,
                weight: u32::try_from(m.weight).unwrap_or(0),
            })
            .collect();
        let expected =
            expected(p.planned_start, p.planned_end, &planned, today(state)).map(|bp| bp / 100);
        let gate = gate.next_stage.map(|next| GateBox {
            next: stage_name(lang, &next),
            conditions: gate
                .conditions
                .iter()
                .map(|c| ConditionRow {
                    met: c.met,
                    text: lang.t(&format!("project.gate.{}", c.rule.code())),
                    code: c.rule.code(),
                })
                .collect(),
        });
        let moving = again.moving.unwrap_or_default();
        let returns = stage
            .map(|current| {
                Stage::ALL
                    .iter()
                    .filter(|st| **st < current)
                    .map(|st| {
                        Choice::new(st.code(), stage_name(lang, st.code()), &moving.target_stage)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let timeline = transitions
            .iter()
            .rev()
            .map(|t| TimelineRow {
                at: format_local(t.at),
                actor: t.actor_name.clone(),
                action: move_name(lang, &t.action),
                stages: if t.from_stage == t.to_stage {
                    String::new()
                } else {
                    format!(
                        "{} → {}",
                        stage_name(lang, &t.from_stage),
                        stage_name(lang, &t.to_stage)
                    )
                },
                holds: if t.from_hold == t.to_hold {
                    String::new()
                } else {
                    format!(
                        "{} → {}",
                        hold_name(lang, &t.from_hold),
                        hold_name(lang, &t.to_hold)
                    )
                },
                reason: t.reason.clone(),
            })
            .collect();
        let budget = FundingSource::ALL
            .iter()
            .filter_map(|source| {
                p.budget
                    .iter()
                    .find(|l| l.source == source.code())
                    .map(|l| BudgetLineRow {
                        source: source_name(lang, *source),
                        yuan: Fen(l.amount_fen).yuan_text(),
                    })
            })
            .collect();
        let page = ProjectPage {
            c: Chrome::signed(state, s, &format!("/projects/{id}")).with_notice(notice),
            light: LightBox::of(lang, &p),
            milestones: milestone_rows(
                &milestones,
                &again.errors,
                again.done.as_ref(),
                today(state),
            ),
            weight_total: milestones.iter().map(|m| m.weight).sum(),
            errors: again.errors,
            stage: stage_name(lang, &p.stage),
            hold: hold_name(lang, &p.hold),
            active: hold == Hold::Active,
            suspended: hold == Hold::Suspended,
            cancelled: hold == Hold::Cancelled,
            partners: p
                .partners
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
            budget,
            total_yuan: total.yuan_text(),
            total_wan: total.wan_text(),
            coordinates: p
                .latitude
                .zip(p.longitude)
                .map(|(lat, lng)| (format!("{lat}"), format!("{lng}"))),
            created: format_local(p.created_at),
            updated: format_local(p.updated_at),
            expected,
            ms: again.milestone.unwrap_or_default(),
            progress: again.progress.unwrap_or_else(|| ProgressForm::of(&p)),
            gate,
            returns,
            moving,
            timeline,
            manage: may_manage(actor, p.ownership()),
            report: may_report_progress(actor, p.ownership()),
            office: actor.roles.has(Role::Office),
            tiles: state.config.tiles.clone(),
            attachments,
            p,
        };
        html(&page)
    }
}

/// POST /projects/{id}/progress
pub async fn progress(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Input(form): Input<ProgressForm>,
) -> Result<Response, Failure> {
    may_change(&state, &s, id, may_report_progress).await?;
    let result = async {
        let input = form.input()?;
        scoped(&state, &s)
            .projects()
            .report_progress(id, version(&form.version), &input)
            .await
    }
    .await;
    let again = Again {
        progress: Some(form),
        ..Again::default()
    };
    settle_on_page(&state, &s, id, result, "progress", "pr_", again).await
}

/// POST /projects/{id}/transition
pub async fn transition(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Input(form): Input<MoveForm>,
) -> Result<Response, Failure> {
    let input = TransitionInput {
        action: form.action.trim().to_owned(),
        target_stage: Some(form.target_stage.trim().to_owned()).filter(|t| !t.is_empty()),
        reason: form.reason.clone(),
        version: version(&form.version),
    };
    let result = scoped(&state, &s).projects().transition(id, &input).await;
    let prefix = form.prefix();
    let again = Again {
        moving: Some(form),
        ..Again::default()
    };
    settle_on_page(&state, &s, id, result, "moved", prefix, again).await
}
