//! Discovery and the services: `discovery`, `services` (our request categories) and
//! `services/{code}`, whose one attribute is what the intake really stores beyond the standard
//! fields — the optional code of the project a signboard names.

use super::{Call, Node, Open311Error};
use crate::i18n::Lang;
use crate::state::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use minxin_domain::requests::open311::PROJECT_ATTRIBUTE;
use minxin_storage::requests::RequestCategory;

/// When the discovery document last changed in substance (the spec's sortable changeset).
const CHANGESET: &str = "2026-12-02 00:00";
/// The specification token of GeoReport v2.
const SPECIFICATION: &str = "http://wiki.open311.org/GeoReport_v2";

/// `discovery`: this endpoint, its formats and how to get a key.
pub(super) fn discovery(state: &AppState, call: &Call) -> Response {
    let lang = call.lang;
    let endpoint = Node::Object(vec![
        ("specification", Node::Text(SPECIFICATION.into())),
        (
            "url",
            Node::Text(format!("{}/open311/v2", state.config.public_base_url)),
        ),
        ("changeset", Node::Text(CHANGESET.into())),
        ("type", Node::Text("production".into())),
        (
            "formats",
            Node::List(
                "format",
                vec![
                    Node::Text("text/xml".into()),
                    Node::Text("application/json".into()),
                ],
            ),
        ),
    ]);
    let body = Node::Object(vec![
        ("changeset", Node::Text(CHANGESET.into())),
        ("contact", Node::Text(lang.t("open311.contact").into())),
        (
            "key_service",
            Node::Text(lang.t("open311.key_service").into()),
        ),
        ("endpoints", Node::List("endpoint", vec![endpoint])),
    ]);
    call.format.render(StatusCode::OK, "discovery", &body)
}

fn name(lang: Lang, category: &RequestCategory) -> &str {
    match lang {
        Lang::Zh => &category.name,
        Lang::En => &category.name_en,
    }
}

/// The active categories, which are the services.
async fn categories(state: &AppState, call: &Call) -> Result<Vec<RequestCategory>, Open311Error> {
    state
        .store
        .residents(&call.address)
        .categories()
        .await
        .map_err(|e| call.store(e))
}

/// `services`: every active category, realtime (a POST returns the request's id at once).
pub(super) async fn list(state: &AppState, call: &Call) -> Result<Response, Open311Error> {
    let lang = call.lang;
    let categories = categories(state, call).await?;
    let services = categories
        .iter()
        .map(|c| {
            Node::Object(vec![
                ("service_code", Node::Text(c.code.clone())),
                ("service_name", Node::Text(name(lang, c).to_owned())),
                (
                    "description",
                    Node::Text(lang.fill(
                        "open311.service_description",
                        &[("days", c.answer_days.to_string())],
                    )),
                ),
                ("metadata", Node::Bool(true)),
                ("type", Node::Text("realtime".into())),
                ("keywords", Node::Text(format!("{}, {}", c.name, c.name_en))),
                ("group", Node::Text(lang.t("open311.group").into())),
            ])
        })
        .collect();
    Ok(call
        .format
        .render(StatusCode::OK, "services", &Node::List("service", services)))
}

/// GET `services/{code}.{format}`: the attributes a request of that service may carry.
pub(super) async fn definition(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, Open311Error> {
    let lang = call.lang;
    let categories = categories(&state, &call).await?;
    let service = categories
        .iter()
        .find(|c| c.code == call.stem)
        .ok_or_else(|| call.not_found("open311.no_service", &call.stem))?;
    let project = Node::Object(vec![
        ("variable", Node::Bool(true)),
        ("code", Node::Text(PROJECT_ATTRIBUTE.into())),
        ("datatype", Node::Text("string".into())),
        ("required", Node::Bool(false)),
        (
            "datatype_description",
            Node::Text(lang.t("open311.project_datatype").into()),
        ),
        ("order", Node::Int(1)),
        (
            "description",
            Node::Text(lang.t("open311.project_description").into()),
        ),
    ]);
    let body = Node::Object(vec![
        ("service_code", Node::Text(service.code.clone())),
        ("attributes", Node::List("attribute", vec![project])),
    ]);
    Ok(call
        .format
        .render(StatusCode::OK, "service_definition", &body))
}
