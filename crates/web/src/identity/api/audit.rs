//! The audit log for 审计管理员: a filtered page of entries and the CSV export, with the same
//! filters and CSV as the `/audit` page.

use crate::identity::pages::audit::{AuditQuery, export};
use crate::kernel::api::ApiCall;
use crate::kernel::error::Failure;
use crate::kernel::state::AppState;
use crate::kernel::widgets::Params;
use axum::response::{Json, Response};
use minxin_storage::Page;
use minxin_storage::identity::audit::Entry;
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;

/// Audit entries in your scope matching the filters, newest first (审计管理员).
#[utoipa::path(get, path = "/audit", tag = "audit", params(AuditQuery),
    responses((status = 200, body = Page<Entry>)))]
async fn list(
    call: ApiCall,
    Params(query): Params<AuditQuery>,
) -> Result<Json<Page<Entry>>, Failure> {
    let filter = query.filter().map_err(Failure::invalid)?;
    Ok(Json(
        call.store()
            .identity()
            .audit_log(&filter, query.page()?)
            .await?,
    ))
}

/// Every audit entry matching the filters (at most 100,000, oldest first) as CSV: UTF-8 with a
/// byte-order mark, times in Beijing time, headings in the `Accept-Language` (审计管理员).
#[utoipa::path(get, path = "/audit.csv", tag = "audit", params(AuditQuery),
    responses((status = 200, description = "CSV attachment", content_type = "text/csv", body = String)))]
async fn csv(call: ApiCall, Params(query): Params<AuditQuery>) -> Result<Response, Failure> {
    export(&call.store(), call.user.lang, &query).await
}

/// Routes of this module.
pub fn routes() -> OpenApiRouter<AppState> {
    OpenApiRouter::new()
        .routes(routes!(list))
        .routes(routes!(csv))
}
