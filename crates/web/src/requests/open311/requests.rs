//! Service requests: `requests` GET (filters of the spec; answers to callers without a key are
//! kept in the page cache while nothing is written) and POST (form-encoded, with `api_key`, at
//! most the key's allowance an hour), `requests/{id}` and `tokens/{token}`. The service request
//! id is the request's number, never its receipt code (the resident's secret for `/track`).

use super::{Call, Format, Node, Open311Error, Params};
use crate::kernel::http_cache::Validators;
use crate::kernel::i18n::Lang;
use crate::kernel::observability::metrics::{IntakeChannel, intake};
use crate::kernel::page_cache::Rendered;
use crate::kernel::state::AppState;
use axum::body::{Body, Bytes};
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Response};
use minxin_domain::kernel::time::format_local;
use minxin_domain::requests::intake::Channel;
use minxin_domain::requests::open311::{
    PostForm, Status, draft, format_datetime, request_ids, statuses, window,
};
use minxin_domain::requests::service_request::RequestState;
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::StoreError;
use minxin_storage::requests::{Open311Query, Open311Request, Submission};
use std::sync::Arc;

/// The largest POST body: a 4,000-character description, percent-encoded, and the rest.
const POST_LIMIT: usize = 64 * 1024;
/// How long browsers and proxies may reuse a public list.
const LIST_CACHE: &str = "public, max-age=5";

/// One request as the spec writes it; a [`Open311Request::limited`] one (not yet published,
/// not the caller's) leaves out its notes, description, address and place.
fn request_node(r: &Open311Request, lang: Lang) -> Node {
    let state: Option<RequestState> = r.state.parse().ok();
    let status = state.map_or(Status::Open, Status::of);
    let coordinate = |v: Option<f64>| v.map_or(Node::Null, Node::Float);
    let mut fields = vec![
        ("service_request_id", Node::Int(r.id)),
        ("status", Node::Text(status.code().into())),
        (
            "service_name",
            Node::Text(match lang {
                Lang::Zh => r.service_name.clone(),
                Lang::En => r.service_name_en.clone(),
            }),
        ),
        ("service_code", Node::Text(r.service_code.clone())),
        (
            "agency_responsible",
            Node::text(r.department_name.as_deref()),
        ),
        (
            "requested_datetime",
            Node::Text(format_datetime(r.submitted_at)),
        ),
        (
            "updated_datetime",
            Node::Text(format_datetime(r.updated_at)),
        ),
        (
            "expected_datetime",
            Node::Text(format_datetime(r.answer_by)),
        ),
    ];
    if !r.limited {
        fields.insert(2, ("status_notes", Node::text(r.answer.as_deref())));
        fields.insert(5, ("description", Node::Text(r.description.clone())));
        fields.extend([
            (
                "address",
                Node::text(Some(r.address.as_str()).filter(|a| !a.is_empty())),
            ),
            ("lat", coordinate(r.latitude)),
            ("long", coordinate(r.longitude)),
        ]);
    }
    Node::Object(fields)
}

fn requests_body(requests: &[Open311Request], lang: Lang) -> Node {
    Node::List(
        "request",
        requests.iter().map(|r| request_node(r, lang)).collect(),
    )
}

/// The query of `GET requests` from the call's parameters; `Err` names the bad one.
fn query(call: &Call, key: Option<i64>, state: &AppState) -> Result<Open311Query, FieldProblem> {
    let p = &call.params;
    let states = statuses(p.get("status").as_deref())?
        .into_iter()
        .flat_map(Status::states)
        .collect();
    Ok(Open311Query {
        ids: request_ids(p.get("service_request_id").as_deref())?,
        service_codes: minxin_domain::requests::open311::list(p.get("service_code").as_deref()),
        states,
        window: window(
            p.get("start_date").as_deref(),
            p.get("end_date").as_deref(),
            state.clock.now(),
        )?,
        key,
    })
}

/// GET `requests.{format}`: published requests (and the caller key's own) the filters select.
pub(super) async fn list(
    state: &AppState,
    call: &Call,
    headers: &HeaderMap,
) -> Result<Response, Open311Error> {
    let key = call.key(state).await?;
    let invalid = |p: FieldProblem| Open311Error::invalid(call.format, call.lang, &[p]);
    let query = query(call, key, state).map_err(invalid)?;
    let content_type = call.format.content_type();
    let rows = || async {
        state
            .store
            .open311(&call.address)
            .requests(&query)
            .await
            .map_err(|e| call.store(e))
    };
    if key.is_some() {
        let rows = rows().await?;
        return Ok(call.format.render(
            StatusCode::OK,
            "service_requests",
            &requests_body(&rows, call.lang),
        ));
    }
    let cache_key = format!(
        "/open311/v2/requests.{}?{}#{}",
        if call.format == Format::Json {
            "json"
        } else {
            "xml"
        },
        call.query,
        call.lang.tag()
    );
    let rendered = match state.pages.get(&cache_key) {
        Some(hit) => hit,
        None => {
            let generation = minxin_storage::write_generation();
            let rows = rows().await?;
            let body = call
                .format
                .bytes("service_requests", &requests_body(&rows, call.lang));
            let rendered = Arc::new(Rendered {
                validators: Validators::of_body(&body, state.clock.now()),
                body: Bytes::from(body),
            });
            state
                .pages
                .put(cache_key, generation, Arc::clone(&rendered));
            rendered
        }
    };
    rendered
        .validators
        .respond(headers, LIST_CACHE, || -> Result<Response, Open311Error> {
            Ok((
                [(header::CONTENT_TYPE, content_type)],
                rendered.body.clone(),
            )
                .into_response())
        })
}

/// GET `requests/{id}.{format}`: one request; in full once published (or, with `api_key`, when
/// that key posted it), else its status, service, times and agency only.
pub(super) async fn one(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, Open311Error> {
    let key = call.key(&state).await?;
    let not_found = || call.not_found("open311.no_request", &call.stem);
    let id: i64 = call.stem.parse().map_err(|_| not_found())?;
    let request = match state.store.open311(&call.address).request(id, key).await {
        Ok(r) => r,
        Err(StoreError::NotFound) => return Err(not_found()),
        Err(e) => return Err(call.store(e)),
    };
    Ok(call.format.render(
        StatusCode::OK,
        "service_requests",
        &requests_body(&[request], call.lang),
    ))
}

/// GET `tokens/{token}.{format}`: the id of the request a POST was given `token` for.
pub(super) async fn token(
    State(state): State<AppState>,
    call: Call,
) -> Result<Response, Open311Error> {
    let id = match state.store.open311(&call.address).token(&call.stem).await {
        Ok(id) => id,
        Err(StoreError::NotFound) => return Err(call.not_found("open311.no_token", &call.stem)),
        Err(e) => return Err(call.store(e)),
    };
    let body = Node::List(
        "request",
        vec![Node::Object(vec![
            ("service_request_id", Node::Int(id)),
            ("token", Node::Text(call.stem.clone())),
        ])],
    );
    Ok(call
        .format
        .render(StatusCode::OK, "service_requests", &body))
}

/// The POST form's standard fields and attributes.
fn post_form(p: &Params) -> PostForm {
    PostForm {
        service_code: p.text("service_code"),
        description: p.text("description"),
        lat: p.text("lat"),
        long: p.text("long"),
        address_string: p.text("address_string"),
        address_id: p.text("address_id"),
        first_name: p.text("first_name"),
        last_name: p.text("last_name"),
        phone: p.text("phone"),
        attributes: p.attributes(),
    }
}

/// POST `requests.{format}`: a new request, received like a resident's own from the portal;
/// counted at intake as accepted or refused.
pub(super) async fn post(
    State(state): State<AppState>,
    call: Call,
    body: Body,
) -> Result<Response, Open311Error> {
    let posted = receive(state, call, body).await;
    intake(IntakeChannel::Open311, posted.is_ok());
    posted
}

async fn receive(state: AppState, mut call: Call, body: Body) -> Result<Response, Open311Error> {
    let lang = call.lang;
    if call.stem != "requests" {
        return Err(call.not_found("open311.no_resource", &call.stem));
    }
    let bytes = axum::body::to_bytes(body, POST_LIMIT)
        .await
        .map_err(|_| Open311Error::too_large(call.format, lang))?;
    call.params
        .join(Params::parse(&String::from_utf8_lossy(&bytes)));
    call.check_jurisdiction(&state).await?;
    let key = call
        .key(&state)
        .await?
        .ok_or_else(|| call.forbidden("open311.api_key_missing"))?;
    if !state
        .open311
        .limit
        .admit(&format!("open311-key:{key}"), state.clock.now())
    {
        return Err(Open311Error::new(
            call.format,
            StatusCode::TOO_MANY_REQUESTS,
            lang.t("open311.too_many"),
        ));
    }
    let (draft, project_code) = draft(&post_form(&call.params))
        .map_err(|p| Open311Error::invalid(call.format, lang, &[p]))?;
    let submission = Submission::parse(draft, project_code, Channel::Open311, 0)
        .map_err(|problems| Open311Error::invalid(call.format, lang, &problems))?;
    let posted = state
        .store
        .open311(&call.address)
        .submit(
            key,
            &submission,
            state.blobs.as_ref(),
            &state.calendar.current(),
            state.clock.now(),
        )
        .await;
    let posted = match posted {
        Ok(p) => p,
        Err(StoreError::Invalid(problems))
            if problems
                .iter()
                .any(|p| p.field == "category" && p.problem == Problem::Unknown) =>
        {
            let code = call.params.text("service_code");
            return Err(call.not_found("open311.no_service", &code));
        }
        Err(e) => return Err(call.store(e)),
    };
    let notice = lang.fill(
        "open311.service_notice",
        &[("answer_by", format_local(posted.deadlines.answer_by))],
    );
    let body = Node::List(
        "request",
        vec![Node::Object(vec![
            ("service_request_id", Node::Int(posted.id)),
            ("token", Node::Text(posted.token)),
            ("service_notice", Node::Text(notice)),
            ("account_id", Node::Null),
        ])],
    );
    Ok(call
        .format
        .render(StatusCode::OK, "service_requests", &body))
}
