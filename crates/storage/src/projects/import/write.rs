//! The import itself: every row of a plan written in one transaction, created projects and
//! updated ones in batches (many rows per statement) with their partners, budget lines,
//! timeline entry and audit entries, so that 10,000 rows take seconds.

use super::super::Registry;
use super::{
    IMPORT_MOVE, ImportOptions, ImportReport, ROWS_PER_INSERT, RowAction, RowPlan, Rules, draft_of,
    holds,
};
use crate::kernel::audit::{self, NewEntry};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::{BudgetLines, ProjectPartners, Projects, Transitions};
use crate::projects::lifecycle::TRANSITION_COLUMNS;
use crate::projects::read::{Project, full, ordered};
use crate::projects::write::{self, budget_row, insert_rows, partner_rows, registry_values};
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::projects::access::may_manage;
use minxin_domain::projects::import::{Column, ImportRow, Issue, RowIssue};
use minxin_domain::projects::project::{Hold, Stage};
use minxin_domain::{Permission, Problem};
use sea_query::{Expr, ExprTrait, Query};
use std::collections::HashMap;

/// Inserts the partners and budget lines of `(project id, row)` pairs, many per statement.
async fn insert_children(tx: &mut Tx, rows: &[(i64, &ImportRow)]) -> Result<(), StoreError> {
    let mut partners = Vec::new();
    let mut lines = Vec::new();
    for (id, row) in rows {
        partners.extend(partner_rows(*id, &row.partner_department_ids));
        lines.extend(
            row.budget
                .iter()
                .filter(|(_, fen)| **fen > 0)
                .map(|(source, fen)| budget_row(*id, *source, *fen)),
        );
    }
    write::insert_children(tx, &partners, &lines).await
}

impl Registry<'_> {
    /// Puts "imported into the annual plan" on the timeline of every created project, many rows
    /// per statement.
    async fn record_import_moves(
        &self,
        tx: &mut Tx,
        projects: &[i64],
        source: &str,
    ) -> Result<(), StoreError> {
        let now = tx.now();
        let reason: String = source.chars().take(200).collect();
        let (stage, hold) = (Stage::Approved.code(), Hold::Active.code());
        let moves: Vec<_> = projects
            .iter()
            .map(|id| {
                [
                    (*id).into(),
                    now.into(),
                    self.actor.account_id.into(),
                    self.actor.username.clone().into(),
                    IMPORT_MOVE.into(),
                    stage.into(),
                    stage.into(),
                    hold.into(),
                    hold.into(),
                    reason.clone().into(),
                ]
            })
            .collect();
        insert_rows(tx, Transitions::Table, TRANSITION_COLUMNS, &moves).await?;
        Ok(())
    }

    /// Imports `rows` in one transaction: a row whose code names a project the actor may manage
    /// updates it (unless it already holds these values), any other row creates a project in the
    /// annual plan (stage `approved`). All or nothing: on any problem nothing is saved and the
    /// report lists every problem. `progress` is called with (rows done, rows in all) as the
    /// import goes on. Every project created or changed is audited like one saved through the
    /// form (with its values after the change), the import as a whole once more with its counts,
    /// and every created project's timeline starts with the import.
    ///
    /// New projects are checked against the same rules and scope as the project form and
    /// written many rows per statement; changed projects get one versioned update each (a
    /// project changed meanwhile is a conflict) with their partners, budget lines and audit
    /// entries batched. So 10,000 rows take seconds rather than tens of thousands of round trips.
    pub async fn import<F>(
        &self,
        rows: &[ImportRow],
        options: &ImportOptions,
        mut progress: F,
    ) -> Result<ImportReport, StoreError>
    where
        F: FnMut(usize, usize) + Send,
    {
        self.require(Permission::ReadProjects).await?;
        let total = rows.len();
        let mut report = ImportReport {
            total,
            ..ImportReport::default()
        };
        let mut tx = self.db.begin().await?;
        let (plan, ids) = self.plan_in(&mut tx, rows).await?;
        if !plan.issues.is_empty() {
            report.rows = plan.rows;
            report.issues = plan.issues;
            return Ok(report);
        }
        let generated = self.generated_codes(&mut tx, rows).await?;
        let rules = Rules::load(self, &mut tx).await?;
        for row in rows {
            rules.check(row, &mut report.issues);
        }
        if !report.issues.is_empty() {
            return Ok(report);
        }
        let mut outcomes: Vec<RowPlan> = Vec::with_capacity(total);
        let mut done = 0;
        let mut reported = 0;
        let mut tell = |done: usize| {
            if done != reported {
                reported = done;
                progress(done, total);
            }
        };
        let creates: Vec<(&ImportRow, String)> = rows
            .iter()
            .filter(|r| !ids.contains_key(&r.code))
            .map(|r| {
                let code = generated.get(&r.row).cloned().unwrap_or(r.code.clone());
                (r, code)
            })
            .collect();
        // New projects: the rows first, then their partners, budget lines and timelines in a
        // few large statements, then their audit entries chunk by chunk.
        let mut created: Vec<(i64, &ImportRow)> = Vec::with_capacity(creates.len());
        for chunk in creates.chunks(ROWS_PER_INSERT) {
            match self.insert_many(&mut tx, chunk, &rules).await {
                Ok(ids) => created.extend(ids),
                Err(e) if e.is_unique_violation() => {
                    // A code taken by someone else since the plan; the transaction is lost.
                    report.issues.push(RowIssue {
                        row: None,
                        column: Some(Column::Code),
                        issue: Issue::Rule {
                            problem: Problem::Taken,
                        },
                    });
                    return Ok(report);
                }
                Err(e) => return Err(e),
            }
        }
        insert_children(&mut tx, &created).await?;
        let created_ids: Vec<i64> = created.iter().map(|(id, _)| *id).collect();
        self.record_import_moves(&mut tx, &created_ids, &options.source)
            .await?;
        for chunk in created_ids.chunks(ROWS_PER_INSERT) {
            let projects = self.load_many(&mut tx, chunk).await?;
            self.audit_created(&mut tx, &projects).await?;
            done += chunk.len();
            tell(done);
        }
        for (row, code) in &creates {
            outcomes.push(RowPlan {
                row: row.row,
                code: code.clone(),
                name: row.name.clone(),
                action: RowAction::Create,
            });
        }
        report.created = creates.len();
        let updates: Vec<(&ImportRow, i64)> = rows
            .iter()
            .filter_map(|r| ids.get(&r.code).map(|id| (r, *id)))
            .collect();
        for chunk in updates.chunks(ROWS_PER_INSERT) {
            let chunk_ids: Vec<i64> = chunk.iter().map(|(_, id)| *id).collect();
            let mut current: HashMap<i64, Project> = self
                .load_many(&mut tx, &chunk_ids)
                .await?
                .into_iter()
                .map(|p| (p.id, p))
                .collect();
            let mut changed = Vec::new();
            for (row, id) in chunk {
                let action = match current.remove(id) {
                    None => {
                        report.issues.push(RowIssue::cell(
                            row.row,
                            Column::Code,
                            Issue::Conflict {
                                code: row.code.clone(),
                            },
                        ));
                        continue;
                    }
                    Some(now) if holds(&now, row) => {
                        report.unchanged += 1;
                        RowAction::Unchanged
                    }
                    Some(now) => {
                        changed.push((*row, now));
                        report.updated += 1;
                        RowAction::Update
                    }
                };
                outcomes.push(RowPlan {
                    row: row.row,
                    code: row.code.clone(),
                    name: row.name.clone(),
                    action,
                });
            }
            self.update_many(&mut tx, &changed, &rules, &mut report.issues)
                .await?;
            done += chunk.len();
            tell(done);
        }
        tell(done);
        if !report.issues.is_empty() {
            report.created = 0;
            report.updated = 0;
            report.unchanged = 0;
            return Ok(report);
        }
        outcomes.sort_by_key(|o| o.row);
        report.rows = outcomes;
        if options.dry_run {
            return Ok(report);
        }
        let summary = serde_json::json!({
            "source": options.source,
            "rows": total,
            "created": report.created,
            "updated": report.updated,
            "unchanged": report.unchanged,
        });
        audit::append(
            &mut tx,
            NewEntry {
                actor_id: Some(self.actor.account_id),
                actor_name: self.actor.username.clone(),
                address: self.address.to_owned(),
                action: AuditAction::ProjectImport,
                outcome: AuditOutcome::Success,
                target_type: "project_import",
                target_id: None,
                target_label: options.source.clone(),
                before: None,
                after: Some(summary),
                region_path: self.actor.scope.region_path.clone().unwrap_or_default(),
            },
        )
        .await?;
        tx.commit().await?;
        report.applied = true;
        Ok(report)
    }

    /// Inserts checked rows as projects in the annual plan (stage `approved`) in one statement;
    /// returns each new id with its row.
    async fn insert_many<'r>(
        &self,
        tx: &mut Tx,
        rows: &[(&'r ImportRow, String)],
        rules: &Rules,
    ) -> Result<Vec<(i64, &'r ImportRow)>, StoreError> {
        let now = tx.now();
        let mut insert = Query::insert().into_table(Projects::Table).take();
        for (i, (row, code)) in rows.iter().enumerate() {
            let input = draft_of(row, code.clone(), None).map_err(StoreError::Invalid)?;
            let path = rules
                .regions
                .get(&row.region_id)
                .cloned()
                .unwrap_or_default();
            let mut values = registry_values(&input, &path, tx.now());
            values.extend([
                (Projects::Code, code.as_str().into()),
                (Projects::Stage, Stage::Approved.code().into()),
                (Projects::Hold, Hold::Active.code().into()),
                (Projects::ProgressNote, "".into()),
                (Projects::CreatedAt, now.into()),
            ]);
            let (columns, exprs): (Vec<_>, Vec<_>) = values.into_iter().unzip();
            if i == 0 {
                insert.columns(columns);
            }
            insert.values_panic(exprs);
        }
        insert.returning(Query::returning().columns([Projects::Id, Projects::Code]));
        let inserted: Vec<(i64, String)> = tx.all(&insert).await?;
        let id_of: HashMap<&str, i64> = inserted.iter().map(|(id, c)| (c.as_str(), *id)).collect();
        rows.iter()
            .map(|(row, code)| {
                let id = *id_of.get(code.as_str()).ok_or(StoreError::NotFound)?;
                Ok((id, *row))
            })
            .collect()
    }

    /// Audit entries for created projects, as the project form writes them.
    async fn audit_created(&self, tx: &mut Tx, projects: &[Project]) -> Result<(), StoreError> {
        let entries = projects
            .iter()
            .map(|p| NewEntry {
                actor_id: Some(self.actor.account_id),
                actor_name: self.actor.username.clone(),
                address: self.address.to_owned(),
                action: AuditAction::ProjectCreate,
                outcome: AuditOutcome::Success,
                target_type: "project",
                target_id: Some(p.id.to_string()),
                target_label: p.code.clone(),
                before: None,
                after: serde_json::to_value(p).ok(),
                region_path: p.region_path.clone(),
            })
            .collect();
        audit::append_many(tx, entries).await
    }

    /// Writes the changed values of existing projects: one versioned update each (a project
    /// changed meanwhile is a conflict), their partners and budget lines replaced and audit
    /// entries with before and after, many per statement.
    async fn update_many(
        &self,
        tx: &mut Tx,
        rows: &[(&ImportRow, Project)],
        rules: &Rules,
        issues: &mut Vec<RowIssue>,
    ) -> Result<(), StoreError> {
        if rows.is_empty() {
            return Ok(());
        }
        let mut ids = Vec::with_capacity(rows.len());
        for (row, before) in rows {
            let at_code = |issue: Issue| RowIssue::cell(row.row, Column::Code, issue);
            if !may_manage(self.actor, before.ownership()) {
                issues.push(at_code(Issue::NotManageable {
                    code: row.code.clone(),
                }));
                continue;
            }
            let input =
                draft_of(row, row.code.clone(), before.manager_id).map_err(StoreError::Invalid)?;
            let path = rules
                .regions
                .get(&row.region_id)
                .cloned()
                .unwrap_or_default();
            let mut values = registry_values(&input, &path, tx.now());
            values.push((Projects::Code, row.code.as_str().into()));
            values.push((Projects::Version, Expr::col(Projects::Version).add(1)));
            let updated = tx
                .update_versioned(
                    &Query::update()
                        .table(Projects::Table)
                        .values(values)
                        .and_where(Expr::col(Projects::Id).eq(before.id))
                        .and_where(Expr::col(Projects::Version).eq(before.version))
                        .take(),
                )
                .await;
            match updated {
                Ok(()) => ids.push(before.id),
                Err(StoreError::Conflict) => issues.push(at_code(Issue::Conflict {
                    code: row.code.clone(),
                })),
                Err(e) => return Err(e),
            }
        }
        if !issues.is_empty() {
            return Ok(());
        }
        tx.execute(
            &Query::delete()
                .from_table(ProjectPartners::Table)
                .and_where(Expr::col(ProjectPartners::ProjectId).is_in(ids.clone()))
                .take(),
        )
        .await?;
        tx.execute(
            &Query::delete()
                .from_table(BudgetLines::Table)
                .and_where(Expr::col(BudgetLines::ProjectId).is_in(ids.clone()))
                .take(),
        )
        .await?;
        let children: Vec<(i64, &ImportRow)> =
            rows.iter().map(|(row, before)| (before.id, *row)).collect();
        insert_children(tx, &children).await?;
        let after: HashMap<i64, Project> = self
            .load_many(tx, &ids)
            .await?
            .into_iter()
            .map(|p| (p.id, p))
            .collect();
        let entries = rows
            .iter()
            .filter_map(|(_, before)| {
                let after = after.get(&before.id)?;
                Some(NewEntry {
                    actor_id: Some(self.actor.account_id),
                    actor_name: self.actor.username.clone(),
                    address: self.address.to_owned(),
                    action: AuditAction::ProjectUpdate,
                    outcome: AuditOutcome::Success,
                    target_type: "project",
                    target_id: Some(after.id.to_string()),
                    target_label: after.code.clone(),
                    before: serde_json::to_value(before).ok(),
                    after: serde_json::to_value(after).ok(),
                    region_path: after.region_path.clone(),
                })
            })
            .collect();
        audit::append_many(tx, entries).await
    }

    /// Visible projects by id, in full (partners and budget lines too), in one query.
    async fn load_many(&self, tx: &mut Tx, ids: &[i64]) -> Result<Vec<Project>, StoreError> {
        if ids.is_empty() {
            return Ok(Vec::new());
        }
        let projects: Vec<Project> = tx
            .all(
                &full(self.actor, tx.backend())
                    .and_where(Expr::col((Projects::Table, Projects::Id)).is_in(ids.to_vec()))
                    .take(),
            )
            .await?;
        let projects = projects.into_iter().map(ordered).collect();
        Ok(projects)
    }
}
