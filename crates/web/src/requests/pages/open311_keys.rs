//! The office's Open311 API keys (issue 6, item 8): the keys issued in its scope, a form to
//! issue one — the new key is shown on the answer page once and never again, so it is not put
//! in a redirect's URL — and a button to revoke each. Storage checks the permission and scope
//! and audits every change.

use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::form::{FormErrors, notice};
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use crate::kernel::widgets::{Id, Input, Params};
use askama::Template;
use axum::response::{IntoResponse, Redirect, Response};
use minxin_domain::Permission;
use minxin_domain::kernel::time::format_local;
use minxin_storage::requests::Open311Key;
use serde::Deserialize;

/// Where the page lives.
const PATH: &str = "/open311-keys";

/// A key as a row of the page.
struct Row {
    id: i64,
    name: String,
    prefix: String,
    created_by: Option<String>,
    created_at: String,
    revoked: bool,
}

impl Row {
    fn new(k: &Open311Key) -> Self {
        Row {
            id: k.id,
            name: k.name.clone(),
            prefix: k.prefix.clone(),
            created_by: k.created_by.clone(),
            created_at: format_local(k.created_at),
            revoked: k.revoked_at.is_some(),
        }
    }
}

#[derive(Template)]
#[template(path = "open311_keys.html")]
struct KeysPage {
    c: Chrome,
    errors: FormErrors,
    rows: Vec<Row>,
    typed_name: String,
    issued: Option<String>,
    endpoint: String,
}

/// The form issuing a key.
#[derive(Debug, Default, Deserialize)]
pub struct KeyForm {
    #[serde(default)]
    name: String,
}

/// The query of the page: the notice after a revocation.
#[derive(Debug, Default, Deserialize)]
pub struct KeysQuery {
    notice: Option<String>,
}

async fn page(
    staff: &Staff,
    errors: FormErrors,
    name: String,
    issued: Option<String>,
    notice: Option<&'static str>,
) -> Result<Response, Failure> {
    let keys = staff.store().requests().open311_keys().await?;
    html(&KeysPage {
        c: staff.chrome(PATH).with_notice(notice),
        errors,
        rows: keys.iter().map(Row::new).collect(),
        typed_name: name,
        issued,
        endpoint: format!("{}/open311/v2", staff.state.config.public_base_url),
    })
}

/// GET /open311-keys
pub async fn list(staff: Staff, Params(q): Params<KeysQuery>) -> Result<Response, Failure> {
    staff.permit(Permission::ManageOpen311Keys)?;
    let notice = notice(q.notice.as_deref());
    page(&staff, FormErrors::default(), String::new(), None, notice).await
}

/// POST /open311-keys: issues a key and shows it once.
pub async fn create(staff: Staff, Input(form): Input<KeyForm>) -> Result<Response, Failure> {
    match staff.store().requests().issue_open311_key(&form.name).await {
        Ok(issued) => {
            let notice = Some("notice.created");
            page(
                &staff,
                FormErrors::default(),
                String::new(),
                Some(issued.key),
                notice,
            )
            .await
        }
        Err(e) => {
            let errors = FormErrors::from_store(staff.lang(), e)?;
            page(&staff, errors, form.name, None, None).await
        }
    }
}

/// POST /open311-keys/{id}/revoke
pub async fn revoke(staff: Staff, Id(id): Id) -> Result<Response, Failure> {
    staff.store().requests().revoke_open311_key(id).await?;
    Ok(Redirect::to(&format!("{PATH}?notice=revoked")).into_response())
}
