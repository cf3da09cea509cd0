//! Residents' requests as the public sees them (issue 6): only those the office published, in
//! the office's wording (never the resident's own text, name or phone, never staff names),
//! with their category, state and dates, and their place coarsened to about 100 m (issue 15) —
//! on a public project's page and on the portal map.

use super::Public;
use crate::db::Tx;
use crate::error::StoreError;
use crate::requests::WithPublicPoint;
use crate::requests::categories::WithCategory;
use crate::schema::*;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::geo::BoundingBox;
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

/// A published request.
#[derive(Debug, Clone, PartialEq, Serialize, sqlx::FromRow)]
pub struct PublicRequest {
    /// Its number (as Open311 shows it).
    pub id: i64,
    /// Category name.
    pub category_name: String,
    /// Category name in English.
    pub category_name_en: String,
    /// The office's wording.
    pub wording: String,
    /// Workflow state code.
    pub state: String,
    /// When it was received.
    pub submitted_at: DateTime<Utc>,
    /// When it was answered, if it was.
    pub answered_at: Option<DateTime<Utc>>,
    /// Deadline for accepting (for marking it overdue).
    pub accept_by: DateTime<Utc>,
    /// Deadline for answering.
    pub answer_by: DateTime<Utc>,
    /// Where, WGS-84, coarsened to the public grid (`Point::coarsened`): never the exact point.
    pub latitude: Option<f64>,
    /// Where, WGS-84, coarsened likewise.
    pub longitude: Option<f64>,
    /// When anything shown here last changed.
    pub updated_at: DateTime<Utc>,
}

/// How many published requests one map view or one project page shows at most.
pub const SHOWN_MAX: u64 = 500;

fn published() -> SelectStatement {
    let s = ServiceRequests::Table;
    Query::select()
        .column((s, ServiceRequests::Id))
        .expr_as(
            Expr::col((s, ServiceRequests::PublicDescription)),
            Alias::new("wording"),
        )
        .columns([
            (s, ServiceRequests::State),
            (s, ServiceRequests::SubmittedAt),
            (s, ServiceRequests::AnsweredAt),
            (s, ServiceRequests::AcceptBy),
            (s, ServiceRequests::AnswerBy),
        ])
        .with_public_point()
        .column((s, ServiceRequests::UpdatedAt))
        .from(s)
        .with_category()
        .and_where(Expr::col((s, ServiceRequests::IsPublished)).eq(true))
        .order_by((s, ServiceRequests::SubmittedAt), Order::Desc)
        .order_by((s, ServiceRequests::Id), Order::Desc)
        .limit(SHOWN_MAX)
        .take()
}

/// The published requests about project `project`, newest first.
pub(super) async fn of_project(
    tx: &mut Tx,
    project: i64,
) -> Result<Vec<PublicRequest>, StoreError> {
    tx.all(
        &published()
            .and_where(Expr::col((ServiceRequests::Table, ServiceRequests::ProjectId)).eq(project))
            .take(),
    )
    .await
}

impl Public<'_> {
    /// The published requests whose public (coarsened) point lies inside `area` (WGS-84), newest first, at most
    /// [`SHOWN_MAX`].
    pub async fn published_requests(
        &self,
        area: BoundingBox,
    ) -> Result<Vec<PublicRequest>, StoreError> {
        let s = ServiceRequests::Table;
        let mut tx = self.db.read().await?;
        tx.all(
            &published()
                .and_where(
                    Expr::col((s, ServiceRequests::PublicLatitude))
                        .between(area.south_west.lat, area.north_east.lat),
                )
                .and_where(
                    Expr::col((s, ServiceRequests::PublicLongitude))
                        .between(area.south_west.lon, area.north_east.lon),
                )
                .take(),
        )
        .await
    }
}
