//! The working-day calendar service-request deadlines count on (issue 6): the years Minxin
//! ships plus those the office entered as each year's arrangement is announced
//! (migration 12). An entered year is checked on its own and together with the others before
//! it is kept, replaces a shipped year of the same number, and is audited.

use crate::Store;
use crate::kernel::audit::{self, NewEntry};
use crate::kernel::error::StoreError;
use crate::kernel::schema::CalendarYears;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::kernel::calendar::{
    CalendarYear, WorkingCalendar, parse_entered_year, with_entered,
};
use minxin_domain::{Permission, Problem};
use sea_query::{Expr, ExprTrait, Order, Query};

/// A year of the calendar as the office's page lists it.
#[derive(Debug, Clone)]
pub struct ListedYear {
    /// The arrangement.
    pub year: CalendarYear,
    /// Whether the office entered it (else Minxin shipped it).
    pub entered: bool,
}

async fn entered(db: &crate::kernel::db::Db) -> Result<Vec<CalendarYear>, StoreError> {
    let mut tx = db.read().await?;
    let rows: Vec<(String,)> = tx
        .all(
            &Query::select()
                .column(CalendarYears::Arrangement)
                .from(CalendarYears::Table)
                .order_by(CalendarYears::Year, Order::Asc)
                .take(),
        )
        .await?;
    rows.iter()
        .map(|(text,)| {
            parse_entered_year(text)
                .map_err(|e| StoreError::Config(format!("a stored calendar year: {e}")))
        })
        .collect()
}

fn refused(refusal: minxin_domain::kernel::calendar::CalendarError) -> StoreError {
    StoreError::invalid("arrangement", Problem::Calendar { refusal })
}

impl Store {
    /// The calendar of the shipped and the entered years, for counting deadlines.
    pub async fn working_calendar(&self) -> Result<WorkingCalendar, StoreError> {
        let years = with_entered(&entered(self.db()).await?);
        WorkingCalendar::of(&years).map_err(refused)
    }
}

crate::kernel::scoped::handle!(
    /// The working-day calendar for one actor: the years entered and entering one.
    Calendar,
    calendar
);

impl Calendar<'_> {
    /// Every year of the calendar, oldest first, marked shipped or entered.
    pub async fn years(&self) -> Result<Vec<ListedYear>, StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let entered = entered(self.db).await?;
        Ok(with_entered(&entered)
            .into_iter()
            .map(|year| ListedYear {
                entered: entered.iter().any(|e| e.year == year.year),
                year,
            })
            .collect())
    }

    /// Keeps the arrangement of one year typed by the office (the format of the shipped
    /// `holidays.toml`, one `[[year]]`), replacing an earlier entry or shipped year of the same
    /// number; returns the calendar with it.
    pub async fn enter_year(
        &self,
        text: &str,
        now: DateTime<Utc>,
    ) -> Result<WorkingCalendar, StoreError> {
        self.require(Permission::ModerateRequests).await?;
        let year = parse_entered_year(text).map_err(refused)?;
        let mut others = entered(self.db).await?;
        others.retain(|y| y.year != year.year);
        others.push(year.clone());
        let calendar = WorkingCalendar::of(&with_entered(&others)).map_err(refused)?;
        let mut tx = self.db.begin().await?;
        tx.execute(
            &Query::delete()
                .from_table(CalendarYears::Table)
                .and_where(Expr::col(CalendarYears::Year).eq(year.year))
                .take(),
        )
        .await?;
        tx.execute(
            &Query::insert()
                .into_table(CalendarYears::Table)
                .columns([
                    CalendarYears::Year,
                    CalendarYears::Arrangement,
                    CalendarYears::EnteredBy,
                    CalendarYears::EnteredAt,
                ])
                .values_panic([
                    year.year.into(),
                    text.trim().into(),
                    self.actor.account_id.into(),
                    now.into(),
                ])
                .take(),
        )
        .await?;
        let entry = self.entry(
            AuditAction::CalendarEnter,
            AuditOutcome::Success,
            "calendar_year",
        );
        audit::append(
            &mut tx,
            NewEntry {
                target_id: Some(year.year.to_string()),
                target_label: format!("{} {}", year.year, year.source),
                after: Some(serde_json::json!({ "arrangement": text.trim() })),
                ..entry
            },
        )
        .await?;
        tx.commit().await?;
        Ok(calendar)
    }
}
