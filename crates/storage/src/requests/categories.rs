//! The request categories residents choose from (the Open311 services), in the office's order.

use super::Residents;
use crate::error::StoreError;
use crate::schema::RequestCategories;
use sea_query::{Expr, ExprTrait, Order, Query};

/// A category a request can be filed under.
#[derive(Debug, Clone, PartialEq, Eq, sqlx::FromRow)]
pub struct RequestCategory {
    /// The code (Open311 `service_code`).
    pub code: String,
    /// The name.
    pub name: String,
    /// The English name.
    pub name_en: String,
    /// Working days to answer in.
    pub answer_days: i32,
}

impl Residents<'_> {
    /// The active categories, in the office's order.
    pub async fn categories(&self) -> Result<Vec<RequestCategory>, StoreError> {
        self.db
            .read()
            .await?
            .all(
                Query::select()
                    .columns([
                        RequestCategories::Code,
                        RequestCategories::Name,
                        RequestCategories::NameEn,
                        RequestCategories::AnswerDays,
                    ])
                    .from(RequestCategories::Table)
                    .and_where(Expr::col(RequestCategories::Active).eq(true))
                    .order_by(RequestCategories::Sort, Order::Asc),
            )
            .await
    }
}
