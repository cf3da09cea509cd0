//! Milestones (节点) of a project: planned on the project page, edited on their own page, marked
//! done with the actual date, removed. Planning is for those who manage the project; marking
//! done is progress, which a project manager may also report.

use super::detail::Again;
use super::settle_on_page;
use super::{may_change, optional_date, required_int};
use crate::kernel::chrome::Chrome;
use crate::kernel::edit::{self, Typed};
use crate::kernel::error::Failure;
use crate::kernel::form::FormErrors;
use crate::kernel::page::html;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Id, Input, parsed, scoped, version};
use crate::projects::pages::attachments::Ids as MilestonePath;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minxin_domain::projects::access::{may_manage, may_report_progress};
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::StoreError;
use minxin_storage::projects::{Milestone, MilestoneInput, Project};
use serde::Deserialize;

/// The milestone form as typed.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct MilestoneForm {
    /// Name.
    pub name: String,
    /// Planned date, `YYYY-MM-DD`.
    pub planned_date: String,
    /// Weight in percent.
    pub weight: String,
    /// Actual date, `YYYY-MM-DD` (edit page only).
    pub actual_date: String,
    /// Version (edit page only).
    pub version: String,
}

impl MilestoneForm {
    fn of(m: &Milestone) -> Self {
        MilestoneForm {
            name: m.name.clone(),
            planned_date: m.planned_date.to_string(),
            weight: m.weight.to_string(),
            actual_date: m.actual_date.map(|d| d.to_string()).unwrap_or_default(),
            version: m.version.to_string(),
        }
    }
}

impl Typed for MilestoneForm {
    type Input = MilestoneInput;

    fn input(&self) -> Result<MilestoneInput, StoreError> {
        let mut p = Vec::new();
        let planned_date = optional_date("planned_date", &self.planned_date, &mut p);
        if self.planned_date.trim().is_empty() {
            p.push(FieldProblem::new("planned_date", Problem::Required));
        }
        let weight = required_int::<i32>("weight", &self.weight, &mut p);
        let actual_date = optional_date("actual_date", &self.actual_date, &mut p);
        parsed(
            MilestoneInput {
                name: self.name.clone(),
                planned_date,
                weight,
                actual_date,
            },
            p,
        )
    }
}

/// POST /projects/{id}/milestones
pub async fn add(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Input(form): Input<MilestoneForm>,
) -> Result<Response, Failure> {
    may_change(&state, &s, id, may_manage).await?;
    let result = async {
        let mut input = form.input()?;
        input.actual_date = None;
        scoped(&state, &s)
            .projects()
            .add_milestone(id, &input)
            .await
    }
    .await;
    let again = Again {
        milestone: Some(form),
        ..Again::default()
    };
    settle_on_page(&state, &s, id, result, "milestone", "ms_", again).await
}

/// The "done" form of one milestone.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DoneForm {
    actual_date: String,
    version: String,
}

edit::versioned!(MilestoneForm, Milestone);

/// One milestone of a visible project, or 404.
async fn find(
    state: &AppState,
    s: &Signed,
    project: i64,
    milestone: i64,
) -> Result<Milestone, Failure> {
    scoped(state, s)
        .projects()
        .milestones(project)
        .await?
        .into_iter()
        .find(|m| m.id == milestone)
        .ok_or_else(Failure::not_found)
}

/// POST /projects/{id}/milestones/{mid}/done — records the actual date (blank: not done).
pub async fn done(
    State(state): State<AppState>,
    s: Signed,
    MilestonePath(id, mid): MilestonePath,
    Input(form): Input<DoneForm>,
) -> Result<Response, Failure> {
    may_change(&state, &s, id, may_report_progress).await?;
    let current = find(&state, &s, id, mid).await?;
    let result = async {
        let mut p = Vec::new();
        let actual_date = optional_date("actual_date", &form.actual_date, &mut p);
        // The plan as stored: only the actual date changes, which progress reporters may do.
        let input = parsed(
            MilestoneInput {
                name: current.name.clone(),
                planned_date: Some(current.planned_date),
                weight: current.weight,
                actual_date,
            },
            p,
        )?;
        scoped(&state, &s)
            .projects()
            .update_milestone(id, mid, version(&form.version), &input)
            .await
    }
    .await;
    let prefix = format!("done{mid}_");
    let again = Again {
        done: Some((mid, form.actual_date)),
        ..Again::default()
    };
    settle_on_page(&state, &s, id, result, "milestone", &prefix, again).await
}

/// POST /projects/{id}/milestones/{mid}/delete
pub async fn delete(
    State(state): State<AppState>,
    s: Signed,
    MilestonePath(id, mid): MilestonePath,
) -> Result<Response, Failure> {
    let result = scoped(&state, &s)
        .projects()
        .delete_milestone(id, mid)
        .await;
    let again = Again::default();
    settle_on_page(&state, &s, id, result, "milestone_deleted", "ms_", again).await
}

#[derive(Template)]
#[template(path = "project_milestone.html")]
struct EditPage {
    c: Chrome,
    errors: FormErrors,
    form: MilestoneForm,
    project: Project,
    milestone_id: i64,
    /// The weight of the project's other milestones.
    others: i32,
}

impl EditPage {
    /// How much weight is left for this milestone.
    fn weight_hint(&self) -> String {
        self.c.lang.fill(
            "projects.weight_left",
            &[("left", (100 - self.others).max(0).to_string())],
        )
    }
}

async fn edit_page(
    state: &AppState,
    s: &Signed,
    id: i64,
    mid: i64,
    form: MilestoneForm,
    errors: FormErrors,
) -> Result<Response, Failure> {
    let store = scoped(state, s);
    let project = store.projects().get(id).await?;
    let milestones = store.projects().milestones(id).await?;
    if !milestones.iter().any(|m| m.id == mid) {
        return Err(Failure::not_found());
    }
    if !may_manage(&s.session.actor, project.ownership()) {
        return Err(Failure::new(StatusCode::FORBIDDEN, "forbidden"));
    }
    html(&EditPage {
        c: Chrome::signed(state, s, &format!("/projects/{id}/milestones/{mid}")),
        errors,
        form,
        others: milestones
            .iter()
            .filter(|m| m.id != mid)
            .map(|m| m.weight)
            .sum(),
        project,
        milestone_id: mid,
    })
}

/// GET /projects/{id}/milestones/{mid}
pub async fn edit(
    State(state): State<AppState>,
    s: Signed,
    MilestonePath(id, mid): MilestonePath,
) -> Result<Response, Failure> {
    let current = find(&state, &s, id, mid).await?;
    edit_page(
        &state,
        &s,
        id,
        mid,
        MilestoneForm::of(&current),
        FormErrors::default(),
    )
    .await
}

/// POST /projects/{id}/milestones/{mid}
pub async fn update(
    State(state): State<AppState>,
    s: Signed,
    MilestonePath(id, mid): MilestonePath,
    Input(form): Input<MilestoneForm>,
) -> Result<Response, Failure> {
    let store = scoped(&state, &s);
    edit::update(
        s.client.lang,
        form,
        &format!("/projects/{id}?notice=milestone"),
        async |version, input| {
            store
                .projects()
                .update_milestone(id, mid, version, input)
                .await
        },
        async || find(&state, &s, id, mid).await,
        async |form, _, errors| edit_page(&state, &s, id, mid, form, errors).await,
    )
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn milestone_input_reports_unreadable_values() {
        let form = MilestoneForm {
            name: "主体施工".into(),
            planned_date: "明年".into(),
            weight: "三十".into(),
            ..Default::default()
        };
        let Err(StoreError::Invalid(p)) = form.input() else {
            panic!("refused")
        };
        let fields: Vec<&str> = p.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["planned_date", "weight"]);
        let blank = MilestoneForm::default();
        let Err(StoreError::Invalid(p)) = blank.input() else {
            panic!("refused")
        };
        assert_eq!(
            p,
            vec![
                FieldProblem::new("planned_date", Problem::Required),
                FieldProblem::new("weight", Problem::Required)
            ]
        );
    }
}
