//! Progress control and money (issue 4): monthly progress reports with photos, contracts,
//! money records (approvals, disbursements, payments — append-only), the current traffic light
//! and money totals on each project, monthly light snapshots for bulletins, per-region light
//! settings and in-app reminders.

use super::columns::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{
    ColumnDef, ForeignKeyAction, Index, IndexCreateStatement, PostgresQueryBuilder,
    SqliteQueryBuilder, Table, TableAlterStatement, TableCreateStatement,
};

fn int(col: impl sea_query::IntoIden) -> ColumnDef {
    ColumnDef::new(col).integer().not_null().take()
}

fn day(col: impl sea_query::IntoIden) -> ColumnDef {
    ColumnDef::new(col).date().not_null().take()
}

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    vec![
        Table::create()
            .table(ProgressReports::Table)
            .col(id(ProgressReports::Id))
            .col(big(ProgressReports::ProjectId))
            .col(text(ProgressReports::Period))
            .col(int(ProgressReports::PercentBp))
            .col(text(ProgressReports::Done))
            .col(text(ProgressReports::Problems))
            .col(text(ProgressReports::HelpNeeded))
            .col(text(ProgressReports::State))
            .col(big_null(ProgressReports::SubmittedBy))
            .col(text(ProgressReports::SubmittedByName))
            .col(time(ProgressReports::SubmittedAt))
            .col(big_null(ProgressReports::ReviewedBy))
            .col(text_null(ProgressReports::ReviewedByName))
            .col(time_null(ProgressReports::ReviewedAt))
            .col(text_null(ProgressReports::ReviewComment))
            .col(version(ProgressReports::Version))
            .foreign_key(&mut fk(
                (ProgressReports::Table, ProgressReports::ProjectId),
                (Projects::Table, Projects::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                (ProgressReports::Table, ProgressReports::SubmittedBy),
                (Accounts::Table, Accounts::Id),
                SetNull,
            ))
            .foreign_key(&mut fk(
                (ProgressReports::Table, ProgressReports::ReviewedBy),
                (Accounts::Table, Accounts::Id),
                SetNull,
            ))
            .take(),
        Table::create()
            .table(ReportPhotos::Table)
            .col(id(ReportPhotos::Id))
            .col(big(ReportPhotos::ReportId))
            .col(text(ReportPhotos::Original))
            .col(text(ReportPhotos::Display))
            .col(text(ReportPhotos::Thumbnail))
            .col(int(ReportPhotos::Width))
            .col(int(ReportPhotos::Height))
            .col(flag(ReportPhotos::HadLocation))
            .col(time(ReportPhotos::UploadedAt))
            .foreign_key(&mut fk(
                (ReportPhotos::Table, ReportPhotos::ReportId),
                (ProgressReports::Table, ProgressReports::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(Contracts::Table)
            .col(id(Contracts::Id))
            .col(big(Contracts::ProjectId))
            .col(text(Contracts::Method))
            .col(text(Contracts::Contractor))
            .col(text(Contracts::CreditCode))
            .col(big(Contracts::AmountFen))
            .col(day(Contracts::SignedOn))
            .col(day(Contracts::StartsOn))
            .col(day(Contracts::EndsOn))
            .col(text(Contracts::CreatedBy))
            .col(time(Contracts::CreatedAt))
            .foreign_key(&mut fk(
                (Contracts::Table, Contracts::ProjectId),
                (Projects::Table, Projects::Id),
                Restrict,
            ))
            .take(),
        Table::create()
            .table(MoneyRecords::Table)
            .col(id(MoneyRecords::Id))
            .col(big(MoneyRecords::ProjectId))
            .col(text(MoneyRecords::Kind))
            .col(text(MoneyRecords::Source))
            .col(big(MoneyRecords::AmountFen))
            .col(big_null(MoneyRecords::ContractId))
            .col(big_null(MoneyRecords::Reverses))
            .col(day(MoneyRecords::OccurredOn))
            .col(text(MoneyRecords::Note))
            .col(big_null(MoneyRecords::CreatedBy))
            .col(text(MoneyRecords::CreatedByName))
            .col(time(MoneyRecords::CreatedAt))
            .foreign_key(&mut fk(
                (MoneyRecords::Table, MoneyRecords::ProjectId),
                (Projects::Table, Projects::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                (MoneyRecords::Table, MoneyRecords::ContractId),
                (Contracts::Table, Contracts::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                (MoneyRecords::Table, MoneyRecords::Reverses),
                (MoneyRecords::Table, MoneyRecords::Id),
                Restrict,
            ))
            .take(),
        Table::create()
            .table(LightSnapshots::Table)
            .col(text(LightSnapshots::Period))
            .col(big(LightSnapshots::ProjectId))
            .col(path(LightSnapshots::RegionPath, backend))
            .col(big(LightSnapshots::LeadDepartmentId))
            .col(text(LightSnapshots::Stage))
            .col(text(LightSnapshots::Hold))
            .col(text_null(LightSnapshots::Light))
            .col(text(LightSnapshots::Reasons))
            .col(ColumnDef::new(LightSnapshots::ExpectedBp).integer().null())
            .col(int(LightSnapshots::ReportedBp))
            .col(big(LightSnapshots::BudgetFen))
            .col(big(LightSnapshots::ApprovedFen))
            .col(big(LightSnapshots::DisbursedFen))
            .col(big(LightSnapshots::PaidFen))
            .col(flag(LightSnapshots::ReportLate))
            .col(time(LightSnapshots::TakenAt))
            .primary_key(
                Index::create()
                    .col(LightSnapshots::Period)
                    .col(LightSnapshots::ProjectId),
            )
            .foreign_key(&mut fk(
                (LightSnapshots::Table, LightSnapshots::ProjectId),
                (Projects::Table, Projects::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(LightSettings::Table)
            .col(
                ColumnDef::new(LightSettings::RegionId)
                    .big_integer()
                    .not_null()
                    .primary_key(),
            )
            .col(text(LightSettings::Thresholds))
            .col(int(LightSettings::ReportDueDay))
            .col(time(LightSettings::UpdatedAt))
            .col(version(LightSettings::Version))
            .foreign_key(&mut fk(
                (LightSettings::Table, LightSettings::RegionId),
                (Regions::Table, Regions::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(Reminders::Table)
            .col(id(Reminders::Id))
            .col(big(Reminders::AccountId))
            .col(big(Reminders::ProjectId))
            .col(text(Reminders::Kind))
            .col(text(Reminders::Period))
            .col(time(Reminders::CreatedAt))
            .col(time_null(Reminders::ReadAt))
            .foreign_key(&mut fk(
                (Reminders::Table, Reminders::AccountId),
                (Accounts::Table, Accounts::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                (Reminders::Table, Reminders::ProjectId),
                (Projects::Table, Projects::Id),
                Cascade,
            ))
            .take(),
    ]
}

/// The light and money columns on `projects`, one statement per column (SQLite's ALTER TABLE
/// adds one at a time).
fn project_columns() -> Vec<TableAlterStatement> {
    let money = |col: ProjectLights| {
        ColumnDef::new(col)
            .big_integer()
            .not_null()
            .default(0)
            .take()
    };
    [
        text_null(ProjectLights::Light),
        text_null(ProjectLights::LightReasons),
        time_null(ProjectLights::LightAt),
        money(ProjectLights::ApprovedFen),
        money(ProjectLights::DisbursedFen),
        money(ProjectLights::PaidFen),
    ]
    .into_iter()
    .map(|mut c| {
        Table::alter()
            .table(ProjectLights::Table)
            .add_column(&mut c)
            .take()
    })
    .collect()
}

fn indexes() -> Vec<IndexCreateStatement> {
    let index = |name: &str| Index::create().name(name).take();
    vec![
        // One report per project and month: a returned report is refiled in place.
        index("progress_reports_period")
            .table(ProgressReports::Table)
            .col(ProgressReports::ProjectId)
            .col(ProgressReports::Period)
            .unique()
            .take(),
        index("progress_reports_state")
            .table(ProgressReports::Table)
            .col(ProgressReports::State)
            .take(),
        index("report_photos_report")
            .table(ReportPhotos::Table)
            .col(ReportPhotos::ReportId)
            .take(),
        index("contracts_project")
            .table(Contracts::Table)
            .col(Contracts::ProjectId)
            .take(),
        index("money_records_project")
            .table(MoneyRecords::Table)
            .col(MoneyRecords::ProjectId)
            .take(),
        index("money_records_contract")
            .table(MoneyRecords::Table)
            .col(MoneyRecords::ContractId)
            .take(),
        index("money_records_reverses")
            .table(MoneyRecords::Table)
            .col(MoneyRecords::Reverses)
            .take(),
        // Bulletins and trends read a month of one region.
        index("light_snapshots_region")
            .table(LightSnapshots::Table)
            .col(LightSnapshots::Period)
            .col(LightSnapshots::RegionPath)
            .take(),
        index("reminders_account")
            .table(Reminders::Table)
            .col(Reminders::AccountId)
            .col(Reminders::ProjectId)
            .col(Reminders::Kind)
            .col(Reminders::Period)
            .unique()
            .take(),
        // Dashboards count lights inside a scope.
        index("projects_scope_light")
            .table(Projects::Table)
            .col(Projects::RegionPath)
            .col(ProjectLights::Light)
            .take(),
    ]
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let alters = project_columns();
    let mut out: Vec<String> = match backend {
        Backend::Sqlite => alters
            .iter()
            .map(|a| a.to_string(SqliteQueryBuilder))
            .collect(),
        Backend::Postgres => alters
            .iter()
            .map(|a| a.to_string(PostgresQueryBuilder))
            .collect(),
    };
    // Migration 2's (year, stage, region_path) index competed with (year, stage, code,
    // region_path) for the usual list; without STAT4 (see .cargo/config.toml) SQLite picked it
    // and sorted every match. The remaining index answers both the count and the page.
    let mut drop = Index::drop();
    drop.name("projects_year_stage_scope")
        .table(Projects::Table);
    out.push(match backend {
        Backend::Sqlite => drop.to_string(SqliteQueryBuilder),
        Backend::Postgres => drop.to_string(PostgresQueryBuilder),
    });
    out.extend(render(backend, &tables(backend), &indexes()));
    out
}
