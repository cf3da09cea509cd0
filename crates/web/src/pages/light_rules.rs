//! The light rules of a region (亮灯规则): the project office sets, per district or street, the
//! thresholds of SPEC §5 and the day monthly reports are due; everyone who reads projects can
//! see which rules apply where. Deviations are typed in percentage points, days as days.

use super::chrome::Chrome;
use super::form::{FormErrors, notice};
use super::html;
use super::widgets::{Choice, Input, Params, parsed, region_choices, scoped, settle, version};
use crate::error::Failure;
use crate::i18n::Lang;
use crate::session::Signed;
use crate::state::AppState;
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use minxin_domain::control::light::{Thresholds, percent_text};
use minxin_domain::control::report::parse_percent;
use minxin_domain::{FieldProblem, Permission, Problem};
use minxin_storage::progress::light_rules::{LightRulesInput, RegionLightRules};
use serde::Deserialize;

/// The form as typed; every field is text so a typo comes back as typed, and a missing one as
/// blank, so that it is reported with the others.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct RulesForm {
    region_id: Option<String>,
    deviation_yellow_bp: String,
    deviation_red_bp: String,
    milestone_red_days: String,
    report_grace_days: String,
    report_due_day: String,
    version: String,
}

/// Which region the page is about.
#[derive(Debug, Default, Deserialize)]
pub struct RulesQuery {
    region_id: Option<String>,
    notice: Option<String>,
}

impl RulesForm {
    fn of(current: &RegionLightRules) -> Self {
        let t = current.rules.thresholds;
        RulesForm {
            region_id: Some(current.region_id.to_string()),
            deviation_yellow_bp: percent_text(t.deviation_yellow_bp),
            deviation_red_bp: percent_text(t.deviation_red_bp),
            milestone_red_days: t.milestone_red_days.to_string(),
            report_grace_days: t.report_grace_days.to_string(),
            report_due_day: current.rules.report_due_day.to_string(),
            version: current.version.map(|v| v.to_string()).unwrap_or_default(),
        }
    }

    /// The typed rules, or every field's problem.
    fn read(&self) -> Result<LightRulesInput, minxin_storage::StoreError> {
        let mut problems = Vec::new();
        let mut percent = |field: &'static str, raw: &str| {
            parse_percent(raw).unwrap_or_else(|p| {
                problems.push(FieldProblem::new(field, p));
                0
            })
        };
        let yellow = percent("deviation_yellow_bp", &self.deviation_yellow_bp);
        let red = percent("deviation_red_bp", &self.deviation_red_bp);
        let mut days = |field: &'static str, raw: &str| {
            raw.trim().parse::<u32>().unwrap_or_else(|_| {
                let problem = if raw.trim().is_empty() {
                    Problem::Required
                } else {
                    Problem::Malformed
                };
                problems.push(FieldProblem::new(field, problem));
                0
            })
        };
        let milestone = days("milestone_red_days", &self.milestone_red_days);
        let grace = days("report_grace_days", &self.report_grace_days);
        let due = days("report_due_day", &self.report_due_day);
        let typed_version = self.version.trim();
        parsed(
            LightRulesInput {
                thresholds: Thresholds {
                    deviation_yellow_bp: yellow,
                    deviation_red_bp: red,
                    milestone_red_days: milestone,
                    report_grace_days: grace,
                },
                report_due_day: due,
                version: (!typed_version.is_empty()).then(|| version(typed_version)),
            },
            problems,
        )
    }
}

#[derive(Template)]
#[template(path = "light_rules.html")]
struct RulesPage {
    c: Chrome,
    errors: FormErrors,
    regions: Vec<Choice>,
    region_name: String,
    own: bool,
    may_edit: bool,
    form: RulesForm,
    region_id: i64,
}

async fn page(
    state: &AppState,
    s: &Signed,
    current: &RegionLightRules,
    form: RulesForm,
    errors: FormErrors,
    notice: Option<&'static str>,
) -> Result<Response, Failure> {
    let regions = scoped(state, s).regions().await?;
    html(&RulesPage {
        c: Chrome::signed(state, s, "/light-rules").with_notice(notice),
        errors,
        regions: region_choices(&regions, &current.region_id.to_string()),
        region_name: current.region_name.clone(),
        own: current.own,
        may_edit: s.session.actor.may(Permission::ManageLightRules),
        form,
        region_id: current.region_id,
    })
}

/// The region asked for, else the root of the caller's scope.
async fn region_of(state: &AppState, s: &Signed, raw: Option<&str>) -> Result<i64, Failure> {
    if let Some(id) = raw.and_then(|r| r.trim().parse::<i64>().ok()) {
        return Ok(id);
    }
    let regions = scoped(state, s).regions().await?;
    regions
        .iter()
        .min_by_key(|r| r.path.len())
        .map(|r| r.id)
        .ok_or_else(Failure::not_found)
}

/// GET /light-rules?region_id=
pub async fn show(
    State(state): State<AppState>,
    s: Signed,
    Params(q): Params<RulesQuery>,
) -> Result<Response, Failure> {
    let region = region_of(&state, &s, q.region_id.as_deref()).await?;
    let current = scoped(&state, &s).light_rules(region).await?;
    let form = RulesForm::of(&current);
    page(
        &state,
        &s,
        &current,
        form,
        FormErrors::default(),
        notice(q.notice.as_deref()),
    )
    .await
}

/// POST /light-rules
pub async fn save(
    State(state): State<AppState>,
    s: Signed,
    Input(form): Input<RulesForm>,
) -> Result<Response, Failure> {
    let lang: Lang = s.client.lang;
    let store = scoped(&state, &s);
    store.require(Permission::ManageLightRules).await?;
    let region = region_of(&state, &s, form.region_id.as_deref()).await?;
    let current = store.light_rules(region).await?;
    let result = match form.read() {
        Ok(input) => store.set_light_rules(region, &input).await,
        Err(e) => Err(e),
    };
    let to = format!("/light-rules?region_id={region}&notice=saved");
    settle(lang, result, &to, |errors, _| async {
        page(&state, &s, &current, form, errors, None).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shown_points_read_back_as_basis_points() {
        for bp in [0, 1_000, 1_050, 2_000, 10_000] {
            assert_eq!(parse_percent(&percent_text(bp)).ok(), Some(bp));
        }
    }

    #[test]
    fn every_bad_field_is_named() {
        let form = RulesForm {
            deviation_yellow_bp: "十".into(),
            deviation_red_bp: "20".into(),
            milestone_red_days: String::new(),
            report_grace_days: "-1".into(),
            report_due_day: "5".into(),
            ..RulesForm::default()
        };
        let Err(minxin_storage::StoreError::Invalid(problems)) = form.read() else {
            panic!("bad numbers were accepted");
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(
            fields,
            [
                "deviation_yellow_bp",
                "milestone_red_days",
                "report_grace_days"
            ]
        );
    }
}
