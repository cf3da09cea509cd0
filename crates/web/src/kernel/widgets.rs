//! Building blocks of the administrator pages: lenient extractors (a typo in a URL or a tampered
//! form gives a page in the user's language, never a bare rejection), option lists for selects
//! and checkboxes, input parsing into field problems, and the pager under long lists.

use super::form::FormErrors;
use crate::kernel::error::Failure;
use crate::kernel::i18n::Lang;
use crate::kernel::session::Signed;
use crate::kernel::state::AppState;
use axum::extract::{FromRequest, FromRequestParts, Path, Query, Request};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::requests::stats::rate_text;
use minxin_domain::{FieldProblem, Permission, Problem};
use minxin_storage::org::departments::Department;
use minxin_storage::org::regions::Region;
use minxin_storage::{Page, PageRequest, Scoped, StoreError};
use serde::de::DeserializeOwned;

/// The `{id}` of a record in the path; anything but a number is a 404 page.
pub struct Id(pub i64);

impl<S: Send + Sync> FromRequestParts<S> for Id {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Failure> {
        let Path(raw) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(|_| Failure::not_found())?;
        raw.parse().map(Id).map_err(|_| Failure::not_found())
    }
}

/// A query string; one that cannot be read is a 400 page instead of a plain-text rejection.
pub struct Params<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequestParts<S> for Params<T> {
    type Rejection = Failure;

    async fn from_request_parts(parts: &mut Parts, _state: &S) -> Result<Self, Failure> {
        Query::try_from_uri(&parts.uri)
            .map(|Query(v)| Params(v))
            .map_err(|_| Failure::new(StatusCode::BAD_REQUEST, "bad_request"))
    }
}

/// A posted form, with repeated names (checkboxes) collected into `Vec`s; one that cannot be
/// read is a 400 page instead of a plain-text rejection.
pub struct Input<T>(pub T);

impl<T: DeserializeOwned, S: Send + Sync> FromRequest<S> for Input<T> {
    type Rejection = Failure;

    async fn from_request(request: Request, state: &S) -> Result<Self, Failure> {
        axum_extra::extract::Form::<T>::from_request(request, state)
            .await
            .map(|axum_extra::extract::Form(v)| Input(v))
            .map_err(|_| Failure::new(StatusCode::BAD_REQUEST, "bad_request"))
    }
}

/// Storage on behalf of the signed-in user of a page.
pub fn scoped<'a>(state: &'a AppState, s: &'a Signed) -> Scoped<'a> {
    state.store.scoped(&s.session.actor, &s.client.address)
}

/// Refuses a page whose forms the user's roles could not submit anyway. Storage checks every
/// write again; this only spares the user a form that cannot work.
pub fn permit(s: &Signed, permission: Permission) -> Result<(), Failure> {
    if s.session.actor.may(permission) {
        Ok(())
    } else {
        Err(Failure::new(StatusCode::FORBIDDEN, "forbidden"))
    }
}

/// One option of a select, or one checkbox of a group.
pub struct Choice {
    /// The submitted value.
    pub value: String,
    /// What the user sees.
    pub label: String,
    /// Whether it is selected or checked.
    pub selected: bool,
}

impl Choice {
    /// An option whose value is `value` and which is selected when `value` equals `current`.
    pub fn new(value: impl ToString, label: impl Into<String>, current: &str) -> Self {
        let value = value.to_string();
        Choice {
            selected: value == current,
            value,
            label: label.into(),
        }
    }
}

/// Regions as options in tree order, indented by depth, with `current` selected.
pub fn region_choices(regions: &[Region], current: &str) -> Vec<Choice> {
    regions
        .iter()
        .map(|r| {
            let label = format!("{}{}（{}）", "　".repeat(r.depth()), r.name, r.code);
            Choice::new(r.id, label, current)
        })
        .collect()
}

/// Departments as options or checkboxes, labelled with their region, selected when `chosen`
/// holds their id.
pub fn department_choices(departments: &[Department], chosen: &[String]) -> Vec<Choice> {
    departments
        .iter()
        .map(|d| {
            let value = d.id.to_string();
            Choice {
                selected: chosen.contains(&value),
                label: format!("{}（{}）", d.name, d.region_name),
                value,
            }
        })
        .collect()
}

/// An optional record id from a select: empty is `None`, anything but a number a problem.
pub fn optional_id(
    field: &'static str,
    raw: &str,
    problems: &mut Vec<FieldProblem>,
) -> Option<i64> {
    let raw = raw.trim();
    if raw.is_empty() {
        return None;
    }
    match raw.parse() {
        Ok(id) => Some(id),
        Err(_) => {
            problems.push(FieldProblem::new(field, Problem::Malformed));
            None
        }
    }
}

/// A required record id from a select; a problem (and 0, which matches nothing) when missing.
pub fn required_id(field: &'static str, raw: &str, problems: &mut Vec<FieldProblem>) -> i64 {
    if raw.trim().is_empty() {
        problems.push(FieldProblem::new(field, Problem::Required));
        return 0;
    }
    optional_id(field, raw, problems).unwrap_or(0)
}

/// The version a form was read at. A value that is not a number cannot match any version, so
/// storage reports the same conflict as for a stale one.
pub fn version(raw: &str) -> i64 {
    raw.trim().parse().unwrap_or(-1)
}

/// Where a form post ends: on success a 303 redirect to `to`; on a refusal the user can fix by
/// editing (invalid input, a concurrent edit) the form again, built by `again` from the messages
/// and whether it was a conflict; on anything else a failure page.
pub async fn settle<T, Fut>(
    lang: Lang,
    result: Result<T, StoreError>,
    to: &str,
    again: impl FnOnce(FormErrors, bool) -> Fut,
) -> Result<Response, Failure>
where
    Fut: Future<Output = Result<Response, Failure>>,
{
    match result {
        Ok(_) => Ok(Redirect::to(to).into_response()),
        Err(e) => {
            let conflict = matches!(e, StoreError::Conflict);
            again(FormErrors::from_store(lang, e)?, conflict).await
        }
    }
}

/// Parsed input, or the problems found while parsing it in the shape storage reports them, so a
/// form shows both kinds the same way.
pub fn parsed<T>(value: T, problems: Vec<FieldProblem>) -> Result<T, StoreError> {
    if problems.is_empty() {
        Ok(value)
    } else {
        Err(StoreError::Invalid(problems))
    }
}

/// The page of a list asked for by the `page` and `per_page` parameters of a query, shared by
/// every paged page and API route. Absent or empty is the first page (and the route's default
/// size); a page past the last is an empty page whose pager links back, and larger numbers than
/// [`PageRequest`] allows are pulled into its range; anything but a whole number of 1 or more is
/// refused, naming the parameter.
pub fn page_request(page: Option<&str>, per_page: Option<&str>) -> Result<PageRequest, Failure> {
    let mut problems = Vec::new();
    let page = count("page", page, &mut problems);
    let per_page = count("per_page", per_page, &mut problems);
    parsed(PageRequest::new(page, per_page), problems).map_err(Failure::from)
}

/// A whole number of 1 or more (`None` when `raw` is absent or blank); digits beyond `u64`
/// read as its largest value, which the caller bounds.
fn count(field: &'static str, raw: Option<&str>, problems: &mut Vec<FieldProblem>) -> Option<u64> {
    let raw = raw.map(str::trim).filter(|r| !r.is_empty())?;
    let number = raw
        .bytes()
        .all(|b| b.is_ascii_digit())
        .then(|| raw.parse::<u64>().unwrap_or(u64::MAX))
        .filter(|n| *n >= 1);
    if number.is_none() {
        problems.push(FieldProblem::new(field, Problem::NotCount));
    }
    number
}

/// The links under a paged list.
pub struct Pager {
    /// Current page, from 1.
    pub page: u64,
    /// Number of pages (at least 1).
    pub pages: u64,
    /// Rows in the whole list.
    pub total: i64,
    /// Link to the previous page, if any.
    pub prev: Option<String>,
    /// Link to the next page, if any.
    pub next: Option<String>,
    /// "page 2 of 3, 45 rows" in the page language.
    pub label: String,
}

impl Pager {
    /// The pager of `page`, linking to `path` with the non-empty `filters` kept.
    pub fn new<T>(lang: Lang, page: &Page<T>, path: &str, filters: &[(&str, &str)]) -> Self {
        let pages = page.pages();
        let link = |n: u64| {
            let mut pairs: Vec<(&str, String)> = filters
                .iter()
                .filter(|(_, v)| !v.is_empty())
                .map(|(k, v)| (*k, (*v).to_owned()))
                .collect();
            pairs.push(("page", n.to_string()));
            format!(
                "{path}?{}",
                serde_urlencoded::to_string(pairs).unwrap_or_default()
            )
        };
        Pager {
            page: page.page,
            pages,
            total: page.total,
            prev: (page.page > 1).then(|| link(page.page.min(pages + 1) - 1)),
            next: (page.page < pages).then(|| link(page.page + 1)),
            label: lang.fill(
                "list.page_of",
                &[
                    ("page", page.page.to_string()),
                    ("pages", pages.to_string()),
                    ("total", page.total.to_string()),
                ],
            ),
        }
    }
}

/// A rate in basis points as a percentage with one decimal, or a dash when nothing counted.
pub fn rate(bp: Option<u32>) -> String {
    bp.map_or_else(|| "—".to_owned(), |bp| format!("{}%", rate_text(bp)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_parse_or_report() {
        let mut p = Vec::new();
        assert_eq!(optional_id("region_id", " ", &mut p), None);
        assert_eq!(optional_id("region_id", "12", &mut p), Some(12));
        assert!(p.is_empty());
        assert_eq!(optional_id("region_id", "x", &mut p), None);
        assert_eq!(required_id("department_id", "", &mut p), 0);
        assert_eq!(
            p,
            vec![
                FieldProblem::new("region_id", Problem::Malformed),
                FieldProblem::new("department_id", Problem::Required)
            ]
        );
        assert_eq!(version("7"), 7);
        assert_eq!(version("seven"), -1);
    }

    #[test]
    fn pager_keeps_filters_and_bounds() {
        let page = Page::new(vec![(); 20], 45, PageRequest::new(Some(2), Some(20)));
        let pager = Pager::new(
            Lang::En,
            &page,
            "/admin/accounts",
            &[("q", "张 三"), ("department_id", "")],
        );
        assert_eq!((pager.page, pager.pages, pager.total), (2, 3, 45));
        assert_eq!(
            pager.prev.as_deref(),
            Some("/admin/accounts?q=%E5%BC%A0+%E4%B8%89&page=1")
        );
        assert_eq!(
            pager.next.as_deref(),
            Some("/admin/accounts?q=%E5%BC%A0+%E4%B8%89&page=3")
        );
        let beyond = Page::new(Vec::<()>::new(), 45, PageRequest::new(Some(9), Some(20)));
        let pager = Pager::new(Lang::En, &beyond, "/a", &[]);
        assert_eq!(pager.prev.as_deref(), Some("/a?page=3"));
        assert_eq!(pager.next, None);
    }

    #[test]
    fn page_numbers_are_bounded_or_refused_by_name() {
        let ok = |page, per_page| page_request(page, per_page).unwrap();
        assert_eq!((ok(None, None).page, ok(None, None).per_page), (1, 50));
        assert_eq!(ok(Some(" 3 "), Some("")).page, 3);
        for far in [
            "9223372036854775807",
            "922337203685477580",
            "99999999999999999999999",
        ] {
            let r = ok(Some(far), Some(far));
            assert_eq!(
                (r.page, r.per_page),
                (PageRequest::MAX_PAGE, PageRequest::MAX_PER_PAGE)
            );
            assert!(i64::try_from(r.offset()).is_ok(), "{far}");
        }
        for bad in ["0", "-1", "1e30", "abc", "+2", "1.5"] {
            let refused = page_request(Some(bad), Some("20")).unwrap_err();
            assert_eq!(
                refused.fields,
                vec![FieldProblem::new("page", Problem::NotCount)],
                "{bad}"
            );
            let refused = page_request(None, Some(bad)).unwrap_err();
            assert_eq!(refused.fields[0].field, "per_page", "{bad}");
            assert_eq!(refused.status, StatusCode::BAD_REQUEST);
        }
    }
}
