//! The leader dashboard's totals (issue 4): the projects of every plan year added up by region,
//! lead department, stage and light (count, budget, paid), and their money by funding source
//! (planned, approved, disbursed, paid). A district's dashboard then reads a few hundred rows
//! instead of its fifteen thousand projects with their budget lines. An index on the reports
//! answers "did each due project file, and when" without reading the reports themselves.
//!
//! Triggers keep both tables equal to the sums of `projects`, `budget_lines` and
//! `project_source_money`, whoever writes them: on SQLite one row at a time; on PostgreSQL once
//! per statement over its transition tables, so the nightly light run (500 projects a
//! statement) adds one grouped upsert per statement rather than a thousand, and the monthly
//! snapshot of 100,000 rows no longer leaves as many dead rows in `snapshot_totals`.
//! Projects are never deleted (a cancelled project keeps its row), so no trigger follows one.
//!
//! A totals row is shared by every project with its key, so on PostgreSQL two transactions
//! writing projects of the same street, department, stage and light wait for each other at the
//! totals row until the first commits (milliseconds: the writes are short). Every upsert takes
//! its rows in key order, so two bulk statements (light runs, imports) cannot deadlock each other.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{IndexCreateStatement, TableCreateStatement};

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    vec![
        table(PlanTotals::Table)
            .col(int(PlanTotals::Year))
            .col(path(PlanTotals::RegionPath, backend))
            .col(big(PlanTotals::LeadDepartmentId))
            .col(text(PlanTotals::Stage))
            // '' for projects without a light: a key column cannot be NULL.
            .col(text(PlanTotals::Light))
            .col(money(PlanTotals::Projects))
            .col(money(PlanTotals::BudgetFen))
            .col(money(PlanTotals::PaidFen))
            .primary_key(&mut key([
                PlanTotals::Year,
                PlanTotals::RegionPath,
                PlanTotals::LeadDepartmentId,
                PlanTotals::Stage,
                PlanTotals::Light,
            ]))
            .take(),
        table(PlanSourceTotals::Table)
            .col(int(PlanSourceTotals::Year))
            .col(path(PlanSourceTotals::RegionPath, backend))
            .col(big(PlanSourceTotals::LeadDepartmentId))
            .col(text(PlanSourceTotals::Stage))
            .col(text(PlanSourceTotals::Source))
            .col(money(PlanSourceTotals::PlannedFen))
            .col(money(PlanSourceTotals::ApprovedFen))
            .col(money(PlanSourceTotals::DisbursedFen))
            .col(money(PlanSourceTotals::PaidFen))
            .primary_key(&mut key([
                PlanSourceTotals::Year,
                PlanSourceTotals::RegionPath,
                PlanSourceTotals::LeadDepartmentId,
                PlanSourceTotals::Stage,
                PlanSourceTotals::Source,
            ]))
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    // The dashboard's reports of the last month due: whether and when each due project filed,
    // from the index alone rather than a heap visit per project.
    vec![index_on(
        "progress_reports_submitted",
        ProgressReports::Table,
        [
            ProgressReports::ProjectId,
            ProgressReports::Period,
            ProgressReports::SubmittedAt,
        ],
    )]
}

/// The key of both tables, as the columns of a project row `p`.
const KEY: &str = "p.year AS year, p.region_path AS region_path, \
     p.lead_department_id AS lead_department_id, p.stage AS stage";

/// Projects rows (`{from}` names them `p`) as deltas of `plan_totals`, negated by `sign` "-".
fn project_rows(from: &str, sign: &str) -> String {
    format!(
        "SELECT {KEY}, COALESCE(p.light, '') AS light, {sign}1 AS projects, \
         {sign}p.budget_fen AS budget_fen, {sign}p.paid_fen AS paid_fen FROM {from} p"
    )
}

/// Adds the deltas `rows` into `plan_totals`.
fn add_projects(rows: &str) -> String {
    format!(
        "INSERT INTO plan_totals \
         (year, region_path, lead_department_id, stage, light, projects, budget_fen, paid_fen) \
         SELECT year, region_path, lead_department_id, stage, light, \
         SUM(projects), SUM(budget_fen), SUM(paid_fen) FROM ({rows}) d WHERE true \
         GROUP BY year, region_path, lead_department_id, stage, light \
         HAVING SUM(projects) <> 0 OR SUM(budget_fen) <> 0 OR SUM(paid_fen) <> 0 \
         ORDER BY year, region_path, lead_department_id, stage, light \
         ON CONFLICT (year, region_path, lead_department_id, stage, light) DO UPDATE SET \
         projects = plan_totals.projects + excluded.projects, \
         budget_fen = plan_totals.budget_fen + excluded.budget_fen, \
         paid_fen = plan_totals.paid_fen + excluded.paid_fen"
    )
}

/// Budget lines `{lines}` of the projects `{projects}` as deltas of `plan_source_totals`.
fn line_rows(lines: &str, projects: &str, sign: &str) -> String {
    format!(
        "SELECT {KEY}, l.source AS source, {sign}l.amount_fen AS planned_fen, \
         0 AS approved_fen, 0 AS disbursed_fen, 0 AS paid_fen \
         FROM {lines} l JOIN {projects} p ON p.id = l.project_id"
    )
}

/// Per-source money `{money}` of the projects `{projects}` as deltas of `plan_source_totals`.
fn money_rows(money: &str, projects: &str, sign: &str) -> String {
    format!(
        "SELECT {KEY}, m.source AS source, 0 AS planned_fen, \
         {sign}m.approved_fen AS approved_fen, {sign}m.disbursed_fen AS disbursed_fen, \
         {sign}m.paid_fen AS paid_fen FROM {money} m JOIN {projects} p ON p.id = m.project_id"
    )
}

/// Adds the deltas `rows` into `plan_source_totals`.
fn add_sources(rows: &str) -> String {
    format!(
        "INSERT INTO plan_source_totals (year, region_path, lead_department_id, stage, source, \
         planned_fen, approved_fen, disbursed_fen, paid_fen) \
         SELECT year, region_path, lead_department_id, stage, source, SUM(planned_fen), \
         SUM(approved_fen), SUM(disbursed_fen), SUM(paid_fen) FROM ({rows}) d WHERE true \
         GROUP BY year, region_path, lead_department_id, stage, source \
         HAVING SUM(planned_fen) <> 0 OR SUM(approved_fen) <> 0 OR SUM(disbursed_fen) <> 0 \
         OR SUM(paid_fen) <> 0 \
         ORDER BY year, region_path, lead_department_id, stage, source \
         ON CONFLICT (year, region_path, lead_department_id, stage, source) DO UPDATE SET \
         planned_fen = plan_source_totals.planned_fen + excluded.planned_fen, \
         approved_fen = plan_source_totals.approved_fen + excluded.approved_fen, \
         disbursed_fen = plan_source_totals.disbursed_fen + excluded.disbursed_fen, \
         paid_fen = plan_source_totals.paid_fen + excluded.paid_fen"
    )
}

/// A project's money moved from its old key (`old`) to its new one (`new`), both sets of
/// project rows.
fn move_sources(new: &str, old: &str) -> String {
    add_sources(
        &[
            line_rows("budget_lines", new, ""),
            line_rows("budget_lines", old, "-"),
            money_rows("project_source_money", new, ""),
            money_rows("project_source_money", old, "-"),
        ]
        .join(" UNION ALL "),
    )
}

/// One SQLite row (`NEW` or `OLD`) as a derived table.
fn sqlite_row(row: &str, columns: &[&str]) -> String {
    let list: Vec<String> = columns
        .iter()
        .map(|c| format!("{row}.{c} AS {c}"))
        .collect();
    format!("(SELECT {})", list.join(", "))
}

const PROJECT_COLUMNS: &[&str] = &[
    "id",
    "year",
    "region_path",
    "lead_department_id",
    "stage",
    "light",
    "budget_fen",
    "paid_fen",
];
const LINE_COLUMNS: &[&str] = &["project_id", "source", "amount_fen"];
const MONEY_COLUMNS: &[&str] = &[
    "project_id",
    "source",
    "approved_fen",
    "disbursed_fen",
    "paid_fen",
];

/// Whether a project's key changed, on SQLite.
const SQLITE_KEY_CHANGED: &str = "OLD.year IS NOT NEW.year OR OLD.region_path IS NOT \
     NEW.region_path OR OLD.lead_department_id IS NOT NEW.lead_department_id OR OLD.stage IS NOT \
     NEW.stage";

fn sqlite_triggers() -> Vec<String> {
    let new_project = sqlite_row("NEW", PROJECT_COLUMNS);
    let old_project = sqlite_row("OLD", PROJECT_COLUMNS);
    let mut out = vec![
        format!(
            "CREATE TRIGGER projects_plan_totals_insert AFTER INSERT ON projects BEGIN {}; END",
            add_projects(&project_rows(&new_project, ""))
        ),
        format!(
            "CREATE TRIGGER projects_plan_totals_update AFTER UPDATE OF year, region_path, \
             lead_department_id, stage, light, budget_fen, paid_fen ON projects BEGIN {}; END",
            add_projects(&format!(
                "{} UNION ALL {}",
                project_rows(&new_project, ""),
                project_rows(&old_project, "-")
            ))
        ),
        format!(
            "CREATE TRIGGER projects_source_totals_move AFTER UPDATE OF year, region_path, \
             lead_department_id, stage ON projects WHEN {SQLITE_KEY_CHANGED} BEGIN {}; END",
            move_sources(&new_project, &old_project)
        ),
    ];
    for (table, columns, rows) in [
        (
            "budget_lines",
            LINE_COLUMNS,
            line_rows as fn(&str, &str, &str) -> String,
        ),
        ("project_source_money", MONEY_COLUMNS, money_rows),
    ] {
        let new = rows(&sqlite_row("NEW", columns), "projects", "");
        let old = rows(&sqlite_row("OLD", columns), "projects", "-");
        out.push(format!(
            "CREATE TRIGGER {table}_source_totals_insert AFTER INSERT ON {table} BEGIN {}; END",
            add_sources(&new)
        ));
        out.push(format!(
            "CREATE TRIGGER {table}_source_totals_delete AFTER DELETE ON {table} BEGIN {}; END",
            add_sources(&old)
        ));
        out.push(format!(
            "CREATE TRIGGER {table}_source_totals_update AFTER UPDATE ON {table} BEGIN {}; END",
            add_sources(&format!("{new} UNION ALL {old}"))
        ));
    }
    out
}

/// The ids of an UPDATE statement's projects whose key changed.
const PG_CHANGED: &str = "SELECT n.id FROM new_rows n JOIN old_rows o ON o.id = n.id \
     WHERE (n.year, n.region_path, n.lead_department_id, n.stage) IS DISTINCT FROM \
     (o.year, o.region_path, o.lead_department_id, o.stage)";

/// The money of an UPDATE statement's projects whose key changed, moved to their new key. Only
/// run when some key changed (an edit, one project): the transition tables have no statistics,
/// so the projects moved are materialised once before they meet the budget lines.
fn pg_move_sources() -> String {
    format!(
        "IF EXISTS ({PG_CHANGED}) THEN \
         WITH changed AS MATERIALIZED ({PG_CHANGED}), \
         moved_new AS MATERIALIZED (SELECT * FROM new_rows WHERE id IN (SELECT id FROM changed)), \
         moved_old AS MATERIALIZED (SELECT * FROM old_rows WHERE id IN (SELECT id FROM changed)) \
         {}; END IF",
        move_sources("moved_new", "moved_old")
    )
}

/// A PL/pgSQL trigger function running `on_insert`, `on_update` or `on_delete` by operation.
fn pg_function(name: &str, on_insert: &str, on_update: &str, on_delete: &str) -> String {
    format!(
        "CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN \
         IF TG_OP = 'INSERT' THEN {on_insert}; \
         ELSIF TG_OP = 'UPDATE' THEN {on_update}; \
         ELSE {on_delete}; END IF; RETURN NULL; END $$"
    )
}

/// The three statement triggers of `table` calling `function`, with the statement's rows as
/// the transition tables `new_rows` and `old_rows`.
fn pg_triggers(table: &str, function: &str) -> Vec<String> {
    [
        ("insert", "INSERT", "NEW TABLE AS new_rows"),
        (
            "update",
            "UPDATE",
            "OLD TABLE AS old_rows NEW TABLE AS new_rows",
        ),
        ("delete", "DELETE", "OLD TABLE AS old_rows"),
    ]
    .into_iter()
    .map(|(name, event, referencing)| {
        format!(
            "CREATE TRIGGER {table}_totals_{name} AFTER {event} ON {table} \
             REFERENCING {referencing} FOR EACH STATEMENT EXECUTE FUNCTION {function}()"
        )
    })
    .collect()
}

fn postgres_triggers() -> Vec<String> {
    let mut out = vec![pg_function(
        "minxin_plan_totals_projects",
        &add_projects(&project_rows("new_rows", "")),
        &format!(
            "{}; {}",
            add_projects(&format!(
                "{} UNION ALL {}",
                project_rows("new_rows", ""),
                project_rows("old_rows", "-")
            )),
            pg_move_sources()
        ),
        &add_projects(&project_rows("old_rows", "-")),
    )];
    out.extend(pg_triggers("projects", "minxin_plan_totals_projects"));
    for (table, rows, function) in [
        (
            "budget_lines",
            line_rows as fn(&str, &str, &str) -> String,
            "minxin_plan_totals_lines",
        ),
        (
            "project_source_money",
            money_rows,
            "minxin_plan_totals_money",
        ),
    ] {
        let new = rows("new_rows", "projects", "");
        let old = rows("old_rows", "projects", "-");
        out.push(pg_function(
            function,
            &add_sources(&new),
            &add_sources(&format!("{new} UNION ALL {old}")),
            &add_sources(&old),
        ));
        out.extend(pg_triggers(table, function));
    }
    // The snapshot totals of migration 5, per statement as well.
    out.push("DROP TRIGGER light_snapshots_totals ON light_snapshots".into());
    out.push(pg_function(
        "minxin_snapshot_totals",
        &add_snapshots("new_rows", ""),
        &format!(
            "{}; {}",
            add_snapshots("new_rows", ""),
            add_snapshots("old_rows", "-")
        ),
        &add_snapshots("old_rows", "-"),
    ));
    out.extend(pg_triggers("light_snapshots", "minxin_snapshot_totals"));
    out
}

/// Adds the snapshot rows of `{from}` into `snapshot_totals`, negated by `sign` "-".
fn add_snapshots(from: &str, sign: &str) -> String {
    format!(
        "INSERT INTO snapshot_totals \
         (period, region_path, lead_department_id, light, projects, paid_fen) \
         SELECT period, region_path, lead_department_id, COALESCE(light, ''), {sign}COUNT(*), \
         {sign}SUM(paid_fen) FROM {from} WHERE true \
         GROUP BY period, region_path, lead_department_id, COALESCE(light, '') \
         ORDER BY period, region_path, lead_department_id, COALESCE(light, '') \
         ON CONFLICT (period, region_path, lead_department_id, light) DO UPDATE SET \
         projects = snapshot_totals.projects + excluded.projects, \
         paid_fen = snapshot_totals.paid_fen + excluded.paid_fen"
    )
}

/// The statements of this migration for `backend`: tables, totals of what exists, triggers.
pub fn statements(backend: Backend) -> Vec<String> {
    let mut out = render(backend, &tables(backend), &indexes());
    out.push(add_projects(&project_rows("projects", "")));
    out.push(add_sources(&format!(
        "{} UNION ALL {}",
        line_rows("budget_lines", "projects", ""),
        money_rows("project_source_money", "projects", "")
    )));
    out.extend(match backend {
        Backend::Sqlite => sqlite_triggers(),
        Backend::Postgres => postgres_triggers(),
    });
    out
}
