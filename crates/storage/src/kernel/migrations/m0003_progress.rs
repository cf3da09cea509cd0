//! Progress control and money (issue 4): monthly progress reports with photos, contracts,
//! money records (approvals, disbursements, payments — append-only), the current traffic light
//! and money totals on each project, monthly light snapshots for bulletins, per-region light
//! settings and in-app reminders.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{
    ColumnDef, ForeignKeyAction, Index, IndexCreateStatement, IntoIden, TableCreateStatement,
};

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    vec![
        table(ProgressReports::Table)
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
            .references(ProgressReports::ProjectId, Projects::Table, Cascade)
            .references(ProgressReports::SubmittedBy, Accounts::Table, SetNull)
            .references(ProgressReports::ReviewedBy, Accounts::Table, SetNull)
            .take(),
        table(ReportPhotos::Table)
            .col(id(ReportPhotos::Id))
            .col(big(ReportPhotos::ReportId))
            .col(text(ReportPhotos::Original))
            .col(text(ReportPhotos::Display))
            .col(text(ReportPhotos::Thumbnail))
            .col(int(ReportPhotos::Width))
            .col(int(ReportPhotos::Height))
            .col(flag(ReportPhotos::HadLocation))
            .col(time(ReportPhotos::UploadedAt))
            .references(ReportPhotos::ReportId, ProgressReports::Table, Cascade)
            .take(),
        table(Contracts::Table)
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
            .references(Contracts::ProjectId, Projects::Table, Restrict)
            .take(),
        table(MoneyRecords::Table)
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
            .references(MoneyRecords::ProjectId, Projects::Table, Restrict)
            .references(MoneyRecords::ContractId, Contracts::Table, Restrict)
            .references(MoneyRecords::Reverses, MoneyRecords::Table, Restrict)
            .take(),
        table(LightSnapshots::Table)
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
            .primary_key(&mut key([
                LightSnapshots::Period,
                LightSnapshots::ProjectId,
            ]))
            .references(LightSnapshots::ProjectId, Projects::Table, Cascade)
            .take(),
        table(LightSettings::Table)
            .col(big(LightSettings::RegionId).primary_key())
            .col(text(LightSettings::Thresholds))
            .col(int(LightSettings::ReportDueDay))
            .col(time(LightSettings::UpdatedAt))
            .col(version(LightSettings::Version))
            .references(LightSettings::RegionId, Regions::Table, Cascade)
            .take(),
        table(Reminders::Table)
            .col(id(Reminders::Id))
            .col(big(Reminders::AccountId))
            .col(big(Reminders::ProjectId))
            .col(text(Reminders::Kind))
            .col(text(Reminders::Period))
            .col(time(Reminders::CreatedAt))
            .col(time_null(Reminders::ReadAt))
            .references(Reminders::AccountId, Accounts::Table, Cascade)
            .references(Reminders::ProjectId, Projects::Table, Cascade)
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        // One report per project and month: a returned report is refiled in place.
        index_on(
            "progress_reports_period",
            ProgressReports::Table,
            [ProgressReports::ProjectId, ProgressReports::Period],
        )
        .unique()
        .take(),
        index_on(
            "progress_reports_state",
            ProgressReports::Table,
            [ProgressReports::State],
        ),
        index_on(
            "report_photos_report",
            ReportPhotos::Table,
            [ReportPhotos::ReportId],
        ),
        index_on(
            "contracts_project",
            Contracts::Table,
            [Contracts::ProjectId],
        ),
        index_on(
            "money_records_project",
            MoneyRecords::Table,
            [MoneyRecords::ProjectId],
        ),
        index_on(
            "money_records_contract",
            MoneyRecords::Table,
            [MoneyRecords::ContractId],
        ),
        index_on(
            "money_records_reverses",
            MoneyRecords::Table,
            [MoneyRecords::Reverses],
        ),
        // Bulletins and trends read a month of one region.
        index_on(
            "light_snapshots_region",
            LightSnapshots::Table,
            [LightSnapshots::Period, LightSnapshots::RegionPath],
        ),
        index_on(
            "reminders_account",
            Reminders::Table,
            [
                Reminders::AccountId,
                Reminders::ProjectId,
                Reminders::Kind,
                Reminders::Period,
            ],
        )
        .unique()
        .take(),
        // Dashboards count lights inside a scope.
        index_on(
            "projects_scope_light",
            Projects::Table,
            [
                Projects::RegionPath.into_iden(),
                ProjectLights::Light.into_iden(),
            ],
        ),
    ]
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    // The light and money columns on `projects`.
    let mut out = add_columns(
        backend,
        ProjectLights::Table,
        [
            text_null(ProjectLights::Light),
            text_null(ProjectLights::LightReasons),
            time_null(ProjectLights::LightAt),
            money(ProjectLights::ApprovedFen),
            money(ProjectLights::DisbursedFen),
            money(ProjectLights::PaidFen),
        ],
    );
    // Migration 2's (year, stage, region_path) index competed with (year, stage, code,
    // region_path) for the usual list; without STAT4 (see .cargo/config.toml) SQLite picked it
    // and sorted every match. The remaining index answers both the count and the page.
    let mut drop = Index::drop();
    drop.name("projects_year_stage_scope")
        .table(Projects::Table);
    out.push(backend.schema_sql(&drop));
    out.extend(render(backend, &tables(backend), &indexes()));
    out
}
