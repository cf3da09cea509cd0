//! The leader dashboard (issue 4): money per project and funding source, kept beside the money
//! records so the dashboard adds up investment by source without reading them; the monthly
//! light snapshots added up per month, region, department and light, kept by triggers on the
//! snapshots whoever writes them, so twelve months of trends read a few thousand rows instead of
//! a million; and the indexes that let one district's figures come from index ranges alone.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::derived::from_records;
use crate::kernel::schema::*;
use sea_query::{
    Alias, Expr, ExprTrait, ForeignKeyAction, IndexCreateStatement, InsertStatement, IntoIden,
    Query, TableCreateStatement,
};

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    vec![
        table(SnapshotTotals::Table)
            .col(text(SnapshotTotals::Period))
            .col(path(SnapshotTotals::RegionPath, backend))
            .col(big(SnapshotTotals::LeadDepartmentId))
            // '' for projects without a light: a key column cannot be NULL.
            .col(text(SnapshotTotals::Light))
            .col(big(SnapshotTotals::Projects))
            .col(big(SnapshotTotals::PaidFen))
            .primary_key(&mut key([
                SnapshotTotals::Period,
                SnapshotTotals::RegionPath,
                SnapshotTotals::LeadDepartmentId,
                SnapshotTotals::Light,
            ]))
            .take(),
        table(SourceMoney::Table)
            .col(big(SourceMoney::ProjectId))
            .col(text(SourceMoney::Source))
            .col(money(SourceMoney::ApprovedFen))
            .col(money(SourceMoney::DisbursedFen))
            .col(money(SourceMoney::PaidFen))
            .primary_key(&mut key([SourceMoney::ProjectId, SourceMoney::Source]))
            .references(
                SourceMoney::ProjectId,
                Projects::Table,
                ForeignKeyAction::Cascade,
            )
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        // The dashboard's figures for a plan year inside a region subtree, from the index
        // alone: counts by stage, light and department, budget and paid.
        index_on(
            "projects_dashboard",
            Projects::Table,
            [
                Projects::Year.into_iden(),
                Projects::RegionPath.into_iden(),
                Projects::Stage.into_iden(),
                Projects::Hold.into_iden(),
                ProjectLights::Light.into_iden(),
                Projects::LeadDepartmentId.into_iden(),
                Projects::PlannedStart.into_iden(),
                Projects::BudgetFen.into_iden(),
                ProjectLights::PaidFen.into_iden(),
            ],
        ),
        // The first red projects by code: read in order, stopping at the list's length.
        index_on(
            "projects_light_code",
            Projects::Table,
            [
                Projects::Year.into_iden(),
                ProjectLights::Light.into_iden(),
                Projects::Code.into_iden(),
            ],
        ),
        // Planned money by source of the selected projects, without reading the table rows.
        index_on(
            "budget_lines_amounts",
            BudgetLines::Table,
            [
                BudgetLines::ProjectId,
                BudgetLines::Source,
                BudgetLines::AmountFen,
            ],
        ),
        index_on(
            "project_source_money_amounts",
            SourceMoney::Table,
            [
                SourceMoney::ProjectId,
                SourceMoney::Source,
                SourceMoney::ApprovedFen,
                SourceMoney::DisbursedFen,
                SourceMoney::PaidFen,
            ],
        ),
    ]
}

/// Fills the snapshot totals from the snapshots already taken.
fn backfill_totals() -> InsertStatement {
    let mut insert = Query::insert();
    insert
        .into_table(SnapshotTotals::Table)
        .columns([
            SnapshotTotals::Period,
            SnapshotTotals::RegionPath,
            SnapshotTotals::LeadDepartmentId,
            SnapshotTotals::Light,
            SnapshotTotals::Projects,
            SnapshotTotals::PaidFen,
        ])
        .select_from(
            Query::select()
                .columns([
                    LightSnapshots::Period,
                    LightSnapshots::RegionPath,
                    LightSnapshots::LeadDepartmentId,
                ])
                .expr(Expr::col(LightSnapshots::Light).if_null(""))
                .expr(Expr::col(LightSnapshots::ProjectId).count())
                .expr(
                    Expr::col(LightSnapshots::PaidFen)
                        .sum()
                        .cast_as(Alias::new("BIGINT")),
                )
                .from(LightSnapshots::Table)
                .group_by_col(LightSnapshots::Period)
                .group_by_col(LightSnapshots::RegionPath)
                .group_by_col(LightSnapshots::LeadDepartmentId)
                .group_by_col(LightSnapshots::Light)
                .take(),
        )
        .expect("six columns selected for six");
    insert
}

/// Adds a snapshot row (`NEW`) to its totals.
const ADD_NEW: &str = "INSERT INTO snapshot_totals \
     (period, region_path, lead_department_id, light, projects, paid_fen) \
     VALUES (NEW.period, NEW.region_path, NEW.lead_department_id, COALESCE(NEW.light, ''), 1, \
     NEW.paid_fen) \
     ON CONFLICT (period, region_path, lead_department_id, light) DO UPDATE SET \
     projects = snapshot_totals.projects + 1, \
     paid_fen = snapshot_totals.paid_fen + excluded.paid_fen";

/// Takes a snapshot row (`OLD`) out of its totals.
const TAKE_OLD: &str = "UPDATE snapshot_totals SET projects = projects - 1, \
     paid_fen = paid_fen - OLD.paid_fen \
     WHERE period = OLD.period AND region_path = OLD.region_path \
     AND lead_department_id = OLD.lead_department_id AND light = COALESCE(OLD.light, '')";

/// The triggers that keep `snapshot_totals` equal to the sums of `light_snapshots`.
fn totals_triggers(backend: Backend) -> Vec<String> {
    match backend {
        Backend::Sqlite => vec![
            format!(
                "CREATE TRIGGER light_snapshots_totals_insert AFTER INSERT ON light_snapshots \
                 BEGIN {ADD_NEW}; END"
            ),
            format!(
                "CREATE TRIGGER light_snapshots_totals_delete AFTER DELETE ON light_snapshots \
                 BEGIN {TAKE_OLD}; END"
            ),
            format!(
                "CREATE TRIGGER light_snapshots_totals_update AFTER UPDATE ON light_snapshots \
                 BEGIN {TAKE_OLD}; {ADD_NEW}; END"
            ),
        ],
        Backend::Postgres => vec![
            format!(
                "CREATE FUNCTION minxin_snapshot_totals() RETURNS trigger LANGUAGE plpgsql AS $$ \
                 BEGIN \
                 IF TG_OP IN ('UPDATE', 'DELETE') THEN {TAKE_OLD}; END IF; \
                 IF TG_OP IN ('UPDATE', 'INSERT') THEN {ADD_NEW}; END IF; \
                 RETURN NULL; \
                 END $$"
            ),
            "CREATE TRIGGER light_snapshots_totals AFTER INSERT OR UPDATE OR DELETE \
             ON light_snapshots FOR EACH ROW EXECUTE FUNCTION minxin_snapshot_totals()"
                .into(),
        ],
    }
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let mut out = render(backend, &tables(backend), &indexes());
    out.push(backend.query_sql(&from_records(None)));
    out.push(backend.query_sql(&backfill_totals()));
    out.extend(totals_triggers(backend));
    out
}
