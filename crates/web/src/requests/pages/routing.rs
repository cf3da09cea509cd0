//! The office's routing settings at `/requests/routing` (issue 6, item 3): community boundaries
//! uploaded as a GeoJSON file (multipart, the CSRF token in the action's query, 5 MB at most),
//! listed with a button to remove each; the rules by category and boundary with a form to add
//! one and a button to remove each; and a point test saying where a request of a category at
//! a place would go. Refused input comes back on the page with its message and what was typed;
//! storage checks the permission and the scope and audits every change.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, notice};
use crate::kernel::i18n::Lang;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::state::AppState;
use crate::kernel::widgets::{Choice, Id, Input, Params, department_choices};
use crate::requests::pages::residents::{action, category_choices};
use askama::Template;
use axum::Router;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{DefaultBodyLimit, Multipart};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use minxin_domain::kernel::geo::Point;
use minxin_domain::kernel::time::format_local;
use minxin_domain::org::boundary_import::{BoundaryRefusal, MAX_FILE_BYTES};
use minxin_domain::{Permission, Problem};
use minxin_storage::StoreError;
use minxin_storage::requests::{Destination, NewRule, RuleListing};
use serde::Deserialize;

/// Where the page lives.
const PATH: &str = "/requests/routing";

/// The largest upload body: the file plus the multipart framing and the code field.
const UPLOAD_LIMIT: usize = MAX_FILE_BYTES + 64 * 1024;

/// The routes of the routing page.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route(PATH, get(show))
        .route(
            "/requests/routing/boundaries",
            post(import).layer(DefaultBodyLimit::max(UPLOAD_LIMIT)),
        )
        .route(
            "/requests/routing/boundaries/{id}/delete",
            post(delete_boundary),
        )
        .route("/requests/routing/rules", post(add_rule))
        .route("/requests/routing/rules/{id}/delete", post(delete_rule))
}

/// A boundary as a row of the page.
struct BoundaryRow {
    id: i64,
    code: String,
    name: String,
    polygons: usize,
    updated_at: String,
}

/// A rule as a row of the page.
struct RuleRow {
    id: i64,
    category: String,
    boundary: String,
    department: String,
}

impl RuleRow {
    fn new(lang: Lang, r: RuleListing) -> Self {
        let category = match lang {
            Lang::Zh => r.category_name,
            Lang::En => r.category_name_en,
        };
        RuleRow {
            id: r.id,
            category: category.unwrap_or_else(|| lang.t("routing.any_category").to_owned()),
            boundary: r
                .boundary_name
                .unwrap_or_else(|| lang.t("routing.anywhere").to_owned()),
            department: r.department_name,
        }
    }
}

/// The rule form and the point test as typed.
#[derive(Debug, Default, Deserialize)]
pub struct Typed {
    #[serde(default)]
    category: String,
    #[serde(default)]
    boundary: String,
    #[serde(default)]
    department: String,
    #[serde(default)]
    point_category: String,
    #[serde(default)]
    lat: String,
    #[serde(default)]
    lon: String,
    notice: Option<String>,
}

/// The point test's answer in words.
struct Tested {
    boundaries: String,
    destination: String,
}

#[derive(Template)]
#[template(path = "routing.html")]
struct RoutingPage {
    c: Chrome,
    errors: FormErrors,
    upload_action: String,
    code: String,
    file_hint: String,
    boundaries: Vec<BoundaryRow>,
    rules: Vec<RuleRow>,
    categories: Vec<Choice>,
    boundary_choices: Vec<Choice>,
    departments: Vec<Choice>,
    point_categories: Vec<Choice>,
    lat: String,
    lon: String,
    tested: Option<Tested>,
}

/// The categories as select options with `current` selected.
async fn category_options(staff: &Staff, current: &str) -> Result<Vec<Choice>, Failure> {
    Ok(
        category_choices(&staff.state, &staff.signed.client.address, staff.lang())
            .await?
            .into_iter()
            .map(|k| Choice::new(k.code, k.label, current))
            .collect(),
    )
}

/// The page with `typed` kept in its forms and `errors` at their fields.
async fn page(
    staff: &Staff,
    typed: Typed,
    code: String,
    errors: FormErrors,
    tested: Option<Tested>,
) -> Result<Response, Failure> {
    let lang = staff.lang();
    let store = staff.store();
    let boundaries = store.requests().community_boundaries().await?;
    let rules = store.requests().routing_rules().await?;
    let departments = store.org().departments(None).await?;
    let c = staff
        .chrome(PATH)
        .with_notice(notice(typed.notice.as_deref()));
    html(&RoutingPage {
        upload_action: action(&c, "/requests/routing/boundaries"),
        c,
        errors,
        code,
        file_hint: lang.fill(
            "routing.file_hint",
            &[("max_mb", (MAX_FILE_BYTES / (1024 * 1024)).to_string())],
        ),
        boundary_choices: boundaries
            .iter()
            .map(|b| {
                Choice::new(
                    b.region_id,
                    format!("{}（{}）", b.name, b.code),
                    &typed.boundary,
                )
            })
            .collect(),
        boundaries: boundaries
            .into_iter()
            .map(|b| BoundaryRow {
                id: b.region_id,
                code: b.code,
                name: b.name,
                polygons: b.polygons,
                updated_at: format_local(b.updated_at),
            })
            .collect(),
        rules: rules.into_iter().map(|r| RuleRow::new(lang, r)).collect(),
        categories: category_options(staff, &typed.category).await?,
        departments: department_choices(&departments, std::slice::from_ref(&typed.department)),
        point_categories: category_options(staff, &typed.point_category).await?,
        lat: typed.lat,
        lon: typed.lon,
        tested,
    })
}

/// A coordinate typed into the point test, or its message.
fn coordinate(lang: Lang, field: &str, raw: &str, errors: &mut FormErrors) -> Option<f64> {
    let value = raw.trim().parse::<f64>().ok().filter(|v| v.is_finite());
    if value.is_none() {
        let problem = if raw.trim().is_empty() {
            Problem::Required
        } else {
            Problem::Malformed
        };
        errors.add(field, lang.problem(&problem));
    }
    value
}

/// Runs the point test when one was asked for (a category chosen); its refusals go to its
/// own fields.
async fn test_point(
    staff: &Staff,
    typed: &Typed,
    errors: &mut FormErrors,
) -> Result<Option<Tested>, Failure> {
    let lang = staff.lang();
    if typed.point_category.is_empty() && typed.lat.is_empty() && typed.lon.is_empty() {
        return Ok(None);
    }
    let lat = coordinate(lang, "lat", &typed.lat, errors);
    let lon = coordinate(lang, "lon", &typed.lon, errors);
    let (Some(lat), Some(lon)) = (lat, lon) else {
        return Ok(None);
    };
    let point = Point { lat, lon };
    match staff
        .store()
        .requests()
        .test_route(&typed.point_category, point)
        .await
    {
        Ok(route) => Ok(Some(Tested {
            boundaries: if route.boundaries.is_empty() {
                lang.t("routing.test.no_boundary").to_owned()
            } else {
                route.boundaries.join("、")
            },
            destination: match route.destination {
                Destination::Department(name) => name,
                Destination::OutsideScope => lang.t("routing.test.outside").to_owned(),
                Destination::DispatchQueue => lang.t("routing.test.queue").to_owned(),
            },
        })),
        Err(StoreError::Invalid(problems)) => {
            for p in problems {
                errors.add("point_category", lang.problem(&p.problem));
            }
            Ok(None)
        }
        Err(e) => Err(e.into()),
    }
}

/// GET `/requests/routing`, with the point test's answer when its form was sent.
pub async fn show(staff: Staff, Params(typed): Params<Typed>) -> Result<Response, Failure> {
    staff.permit(Permission::ModerateRequests)?;
    let mut errors = FormErrors::default();
    let tested = test_point(&staff, &typed, &mut errors).await?;
    page(&staff, typed, String::new(), errors, tested).await
}

/// The upload form as read: the typed code, and the file's text or why there is none.
struct GeoUpload {
    code: String,
    text: Result<String, Problem>,
}

/// Reads the `code` field and the `file` of the upload form, up to [`MAX_FILE_BYTES`].
async fn read_geojson(multipart: Result<Multipart, MultipartRejection>) -> GeoUpload {
    let too_large = || Problem::refused(BoundaryRefusal::TooLarge);
    let mut upload = GeoUpload {
        code: String::new(),
        text: Err(Problem::Required),
    };
    let Ok(mut multipart) = multipart else {
        upload.text = Err(Problem::Malformed);
        return upload;
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return upload,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => {
                upload.text = Err(too_large());
                return upload;
            }
            Err(_) => {
                upload.text = Err(Problem::Malformed);
                return upload;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        match name.as_str() {
            "code" => upload.code = field.text().await.unwrap_or_default(),
            "file" => upload.text = file_text(field, too_large()).await,
            _ => {}
        }
    }
}

/// The text of an uploaded file: UTF-8 (a leading byte-order mark dropped), at most
/// [`MAX_FILE_BYTES`]; an empty file input is "required".
async fn file_text(
    mut field: axum::extract::multipart::Field<'_>,
    too_large: Problem,
) -> Result<String, Problem> {
    let mut bytes = Vec::new();
    loop {
        match field.chunk().await {
            Ok(Some(chunk)) if bytes.len() + chunk.len() > MAX_FILE_BYTES => {
                return Err(too_large);
            }
            Ok(Some(chunk)) => bytes.extend_from_slice(&chunk),
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return Err(too_large),
            Err(_) => return Err(Problem::Malformed),
        }
    }
    if bytes.is_empty() {
        return Err(Problem::Required);
    }
    let text = String::from_utf8(bytes).map_err(|_| Problem::refused(BoundaryRefusal::NotJson))?;
    Ok(text
        .strip_prefix('\u{feff}')
        .map(str::to_owned)
        .unwrap_or(text))
}

/// POST `/requests/routing/boundaries` (multipart, token in the query): imports the file, or
/// the page again with the message and the typed code.
pub async fn import(
    staff: Staff,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Response, Failure> {
    staff.permit(Permission::ModerateRequests)?;
    let lang = staff.lang();
    let upload = read_geojson(multipart).await;
    let result = match &upload.text {
        Ok(text) => {
            staff
                .store()
                .requests()
                .import_boundaries(text, &upload.code)
                .await
        }
        Err(problem) => Err(StoreError::invalid("file", problem.clone())),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}?notice=saved")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_store(lang, e)?;
            page(&staff, Typed::default(), upload.code, errors, None).await
        }
    }
}

/// POST `/requests/routing/boundaries/{id}/delete`
pub async fn delete_boundary(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    staff.store().requests().delete_boundary(id).await?;
    Ok(Redirect::to(&format!("{PATH}?notice=deleted")).into_response())
}

/// An optional id from a select: blank is `None`, anything unreadable matches nothing.
fn chosen(raw: &str) -> Option<i64> {
    let raw = raw.trim();
    (!raw.is_empty()).then(|| raw.parse().unwrap_or(0))
}

/// POST `/requests/routing/rules`: adds a rule, or the page again with the form as typed.
pub async fn add_rule(staff: Staff, Input(typed): Input<Typed>) -> Result<Response, Failure> {
    let rule = NewRule {
        category: Some(typed.category.trim().to_owned()).filter(|c| !c.is_empty()),
        boundary: chosen(&typed.boundary),
        department: chosen(&typed.department).unwrap_or(0),
    };
    match staff.store().requests().add_routing_rule(&rule).await {
        Ok(_) => Ok(Redirect::to(&format!("{PATH}?notice=created")).into_response()),
        Err(e) => {
            let errors = FormErrors::from_store(staff.lang(), e)?;
            page(&staff, typed, String::new(), errors, None).await
        }
    }
}

/// POST `/requests/routing/rules/{id}/delete`
pub async fn delete_rule(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    staff.store().requests().delete_routing_rule(id).await?;
    Ok(Redirect::to(&format!("{PATH}?notice=deleted")).into_response())
}
