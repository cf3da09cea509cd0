//! The request categories residents choose from (the Open311 services), in the office's order.

use super::Residents;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{RequestCategories, ServiceRequests};
use sea_query::{Alias, Expr, ExprTrait, Order, Query};

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

/// A select of service requests joined to their category, with its names as `category_name`
/// and `category_name_en` — what every listing of requests shows, in either language.
pub(crate) trait WithCategory {
    /// Adds the join and the two names.
    fn with_category(&mut self) -> &mut Self;
}

impl WithCategory for sea_query::SelectStatement {
    fn with_category(&mut self) -> &mut Self {
        let c = RequestCategories::Table;
        self.expr_as(
            Expr::col((c, RequestCategories::Name)),
            Alias::new("category_name"),
        )
        .expr_as(
            Expr::col((c, RequestCategories::NameEn)),
            Alias::new("category_name_en"),
        )
        .inner_join(
            c,
            Expr::col((c, RequestCategories::Id))
                .equals((ServiceRequests::Table, ServiceRequests::CategoryId)),
        )
    }
}
