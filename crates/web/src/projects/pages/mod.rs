//! The project registry pages (项目库) for staff: the reserve pool and annual plan lists with
//! filters, sorting and paging; the project form; the project page with budget, milestones,
//! progress, the next lifecycle gate, lifecycle moves and the timeline; and the category
//! dictionary; a project's documents and attachments (`attachments.rs`) and the annual plan's
//! Excel import and the list's export (`import/`). Storage decides who may do what on every
//! call; the pages only hide forms that could not succeed.

pub mod attachments;
mod categories;
mod detail;
mod form;
pub mod import;
mod list;
mod milestones;

pub(crate) use detail::LightBox;
#[allow(unused_imports)] // for the .xlsx export of the list
pub(crate) use list::{ListQuery, category_filter_choices, filter_of, light_choices, trimmed};

use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, notice};
use crate::kernel::i18n::Lang;
use crate::kernel::page::NoticeQuery;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Id, Params, scoped};
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use minxin_domain::Problem;
use minxin_domain::kernel::time::shanghai;
use minxin_domain::projects::access::ProjectOwnership;
use minxin_domain::projects::project::{FundingSource, Hold, Stage};
use minxin_domain::{Actor, FieldProblem};
use minxin_storage::StoreError;

/// Routes of the project pages, with their attachments and the import.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/projects", get(list::list).post(form::create))
        .route("/projects/new", get(form::new))
        .route(
            "/projects/categories",
            get(categories::show).post(categories::create),
        )
        .route("/projects/{id}", get(show::<detail::Again>))
        .route("/projects/{id}/edit", get(form::edit).post(form::update))
        .route("/projects/{id}/progress", post(detail::progress))
        .route("/projects/{id}/transition", post(detail::transition))
        .route("/projects/{id}/milestones", post(milestones::add))
        .route(
            "/projects/{id}/milestones/{mid}",
            get(milestones::edit).post(milestones::update),
        )
        .route(
            "/projects/{id}/milestones/{mid}/done",
            post(milestones::done),
        )
        .route(
            "/projects/{id}/milestones/{mid}/delete",
            post(milestones::delete),
        )
        .merge(import::routes())
        .merge(attachments::routes())
}

/// The message key of a notice a project page may show after a redirect.
pub fn project_notice(value: Option<&str>) -> Option<&'static str> {
    match value? {
        "moved" => Some("projects.notice_moved"),
        "progress" => Some("projects.notice_progress"),
        "milestone" => Some("projects.notice_milestone"),
        "milestone_deleted" => Some("projects.notice_milestone_deleted"),
        "category" => Some("projects.notice_category"),
        other => notice(Some(other)),
    }
}

/// The name of a lifecycle stage (code as stored) in `lang`; an unknown code is shown as is.
pub fn stage_name(lang: Lang, code: &str) -> String {
    match code.parse::<Stage>() {
        Ok(stage) => lang
            .t(&format!("project.stage.{}", stage.code()))
            .to_owned(),
        Err(_) => code.to_owned(),
    }
}

/// The name of a hold (active, suspended, cancelled) in `lang`.
pub fn hold_name(lang: Lang, code: &str) -> String {
    match code.parse::<Hold>() {
        Ok(hold) => lang.t(&format!("project.hold.{}", hold.code())).to_owned(),
        Err(_) => code.to_owned(),
    }
}

/// The name of a funding source in `lang`.
pub fn source_name(lang: Lang, source: FundingSource) -> &'static str {
    lang.t(&format!("project.source.{}", source.code()))
}

/// The name of a lifecycle move as recorded in the timeline; unknown moves (from imports or
/// later features) are shown by their code.
pub fn move_name(lang: Lang, code: &str) -> String {
    match code {
        "advance" | "return" | "suspend" | "resume" | "cancel" | "create" | "import" => {
            lang.t(&format!("project.move.{code}")).to_owned()
        }
        other => other.to_owned(),
    }
}

/// Today in Beijing on the app's clock.
pub fn today(state: &AppState) -> NaiveDate {
    state.clock.now().with_timezone(&shanghai()).date_naive()
}

/// An optional `YYYY-MM-DD` date: blank is `None`, anything else that is not a date a problem.
pub fn optional_date(
    field: &'static str,
    raw: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<NaiveDate> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match NaiveDate::parse_from_str(raw, "%Y-%m-%d") {
        Ok(date) if (1900..=2200).contains(&chrono::Datelike::year(&date)) => Some(date),
        _ => {
            problems.push(FieldProblem::new(field, Problem::Malformed));
            None
        }
    }
}

/// An optional whole number: blank is `None`, anything else that is not one a problem.
pub fn optional_int<T: std::str::FromStr>(
    field: &'static str,
    raw: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<T> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse() {
        Ok(value) => Some(value),
        Err(_) => {
            problems.push(FieldProblem::new(field, Problem::Malformed));
            None
        }
    }
}

/// The parsed input, or every problem at once: those found reading the form (numbers,
/// amounts in 元, dates) and those of the parse for the fields that read well.
pub fn all_problems<T>(
    mut read: Vec<FieldProblem>,
    parsed: Result<T, Vec<FieldProblem>>,
) -> Result<T, StoreError> {
    match parsed {
        Ok(value) if read.is_empty() => Ok(value),
        Ok(_) => Err(StoreError::Invalid(read)),
        Err(found) => {
            let more: Vec<FieldProblem> = found
                .into_iter()
                .filter(|f| read.iter().all(|r| r.field != f.field))
                .collect();
            read.extend(more);
            Err(StoreError::Invalid(read))
        }
    }
}

/// Refuses with 403, before its form is read, a caller whom `may` (a rule of
/// `domain::project_access`) does not let change project `id`, so a read-only role posting to a
/// write route never gets the form's problems back as if it could. Storage checks again when
/// the change is made.
pub async fn may_change(
    state: &AppState,
    s: &Signed,
    id: i64,
    may: fn(&Actor, ProjectOwnership) -> bool,
) -> Result<(), Failure> {
    let project = scoped(state, s).projects().get(id).await?;
    if may(&s.session.actor, project.ownership()) {
        Ok(())
    } else {
        Err(StoreError::Forbidden.into())
    }
}

/// A required whole number: blank is [`Problem::Required`], anything not a number malformed.
pub fn required_int<T: std::str::FromStr + Default>(
    field: &'static str,
    raw: &str,
    problems: &mut Vec<FieldProblem>,
) -> T {
    if raw.trim().is_empty() {
        problems.push(FieldProblem::new(field, Problem::Required));
        return T::default();
    }
    optional_int(field, raw, problems).unwrap_or_default()
}

/// Errors of one of several forms on a page: each field problem is filed under `prefix` + the
/// field name (the form's input ids carry the same prefix, so ids stay unique on the page), and a
/// conflict under `prefix` + `form`. Other refusals become a failure page.
pub fn errors_of(lang: Lang, e: StoreError, prefix: &str) -> Result<FormErrors, Failure> {
    let mut errors = FormErrors::default();
    match e {
        StoreError::Invalid(problems) => {
            for p in problems {
                errors.add(&format!("{prefix}{}", p.field), lang.problem(&p.problem));
            }
        }
        StoreError::Conflict => errors.add(&format!("{prefix}form"), lang.t("projects.conflict")),
        other => return Err(other.into()),
    }
    Ok(errors)
}

/// Where a post from one of several forms on a page ends (the project page, its books and
/// reports): a 303 redirect to `to`, or the page again, built by `again` from the refusal filed
/// under `prefix` (see [`errors_of`]).
pub async fn settle_prefixed<T, Fut>(
    lang: Lang,
    result: Result<T, StoreError>,
    to: &str,
    prefix: &str,
    again: impl FnOnce(FormErrors) -> Fut,
) -> Result<Response, Failure>
where
    Fut: Future<Output = Result<Response, Failure>>,
{
    match result {
        Ok(_) => Ok(Redirect::to(to).into_response()),
        Err(e) => again(errors_of(lang, e, prefix)?).await,
    }
}

/// A page of several forms about one project (the project page, its books): shown by its GET
/// with the notice its last redirect named, or again after one of its forms was refused, with
/// the messages and what was typed.
pub trait Redisplay: Default + Send {
    /// The page's path below `/projects/{id}`; empty for the project page itself.
    const BELOW: &'static str;
    /// Where the messages go.
    fn errors(&mut self) -> &mut FormErrors;
    /// The message key of a `?notice=` value this page shows after a redirect.
    fn notice(value: Option<&str>) -> Option<&'static str>;
    /// The page of project `id` in this state, with `notice`.
    fn page(
        self,
        state: &AppState,
        s: &Signed,
        id: i64,
        notice: Option<&'static str>,
    ) -> impl Future<Output = Result<Response, Failure>> + Send;
}

/// GET of a page of several forms about project `id`: as it stands, with the notice of the post
/// that redirected here.
pub async fn show<A: Redisplay>(
    State(state): State<AppState>,
    s: Signed,
    Id(id): Id,
    Params(q): Params<NoticeQuery>,
) -> Result<Response, Failure> {
    A::default()
        .page(&state, &s, id, A::notice(q.notice.as_deref()))
        .await
}

/// Where a post from a page of several forms about project `id` ends: back to the page with
/// `notice`, or the page again as `again` (what was typed) with the refusal filed under
/// `prefix`.
pub async fn settle_on_page<T, A: Redisplay>(
    state: &AppState,
    s: &Signed,
    id: i64,
    result: Result<T, StoreError>,
    notice: &str,
    prefix: &str,
    mut again: A,
) -> Result<Response, Failure> {
    let to = format!("/projects/{id}{}?notice={notice}", A::BELOW);
    settle_prefixed(s.client.lang, result, &to, prefix, async |errors| {
        *again.errors() = errors;
        again.page(state, s, id, None).await
    })
    .await
}

#[cfg(test)]
mod tests {
    use super::*;
    use minxin_domain::projects::lifecycle::{GateRule, rules_for};

    #[test]
    fn every_code_has_a_name_in_both_languages() {
        for lang in [Lang::Zh, Lang::En] {
            for stage in Stage::ALL {
                let key = format!("project.stage.{}", stage.code());
                assert_ne!(lang.t(&key), key);
            }
            for hold in Hold::ALL {
                let key = format!("project.hold.{}", hold.code());
                assert_ne!(lang.t(&key), key);
            }
            for source in FundingSource::ALL {
                let key = format!("project.source.{}", source.code());
                assert_ne!(lang.t(&key), key);
            }
            let rules: Vec<GateRule> = Stage::ALL
                .iter()
                .flat_map(|s| rules_for(*s).iter().copied())
                .collect();
            for rule in rules {
                let key = format!("project.gate.{}", rule.code());
                assert_ne!(lang.t(&key), key);
            }
            for code in [
                "advance", "return", "suspend", "resume", "cancel", "create", "import",
            ] {
                assert_ne!(move_name(lang, code), format!("project.move.{code}"));
            }
        }
        assert_eq!(stage_name(Lang::Zh, "reserve"), "储备");
        assert_eq!(stage_name(Lang::Zh, "built"), "built");
    }

    #[test]
    fn numbers_and_dates_parse_or_report() {
        let mut p = Vec::new();
        assert_eq!(optional_date("d", " ", &mut p), None);
        assert_eq!(
            optional_date("d", "2026-03-01", &mut p),
            NaiveDate::from_ymd_opt(2026, 3, 1)
        );
        assert!(p.is_empty());
        assert_eq!(optional_date("d", "2026-02-30", &mut p), None);
        assert_eq!(optional_date("d", "99999-01-01", &mut p), None);
        assert_eq!(optional_int::<i64>("n", "12a", &mut p), None);
        assert_eq!(required_int::<i32>("y", "", &mut p), 0);
        assert_eq!(p.len(), 4);
        assert_eq!(p[3], FieldProblem::new("y", Problem::Required));
    }
}
