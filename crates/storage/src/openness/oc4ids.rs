//! The facts of public projects for the OC4IDS export, a batch at a time: each batch is one
//! statement for the projects (in id order, after the last id of the previous batch) and one
//! each for their contracts, money records and milestones, so 100,000 projects are a few
//! hundred statements and never one giant result held in memory.

use super::{Public, Row, by_code, public_rows};
use crate::control::money::{Contract, MoneyEntry, contract_select, record_select};
use crate::kernel::db::Tx;
use crate::kernel::error::{Found, StoreError};
use crate::kernel::schema::{Categories, Contracts, Milestones, MoneyRecords, Projects, Regions};
use crate::projects::milestones::{Milestone, in_plan_order};
use crate::projects::read::ordered;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::money::Fen;
use minxin_domain::openness::oc4ids::{ContractFact, MilestoneFact, MoneyFact, ProjectFacts, Unit};
use minxin_domain::projects::project::{Hold, Stage};
use sea_query::{Expr, ExprTrait, Order, Query};
use std::collections::HashMap;

/// A batch of public projects' facts and where the next batch starts.
#[derive(Debug, Clone)]
pub struct Batch {
    /// The projects, in id order.
    pub projects: Vec<ProjectFacts>,
    /// The cursor to pass for the next batch; `None` after the last.
    pub next: Option<i64>,
}

/// Category id → code, for the sector mapping (the dictionary is small).
async fn category_codes(tx: &mut Tx) -> Result<HashMap<i64, String>, StoreError> {
    let rows: Vec<(i64, String)> = tx
        .all(
            &Query::select()
                .columns([Categories::Id, Categories::Code])
                .from(Categories::Table)
                .take(),
        )
        .await?;
    Ok(rows.into_iter().collect())
}

fn money_fact(m: MoneyEntry) -> Option<MoneyFact> {
    Some(MoneyFact {
        id: m.id,
        kind: m.kind.parse().ok()?,
        source: m.source.parse().ok()?,
        amount: Fen(m.amount_fen),
        contract_id: m.contract_id,
        occurred_on: m.occurred_on,
    })
}

fn contract_fact(c: Contract) -> ContractFact {
    ContractFact {
        id: c.id,
        method: c.method.parse().ok(),
        contractor: c.contractor,
        credit_code: c.credit_code,
        amount: Fen(c.amount_fen),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
    }
}

/// Groups rows by project id, keeping their order.
fn by_project<T>(rows: Vec<T>, project_of: impl Fn(&T) -> i64) -> HashMap<i64, Vec<T>> {
    let mut out: HashMap<i64, Vec<T>> = HashMap::new();
    for row in rows {
        out.entry(project_of(&row)).or_default().push(row);
    }
    out
}

/// The facts of `rows`, with their contracts, money and milestones read for all at once.
async fn facts(tx: &mut Tx, rows: Vec<Row>) -> Result<Vec<ProjectFacts>, StoreError> {
    if rows.is_empty() {
        return Ok(Vec::new());
    }
    let ids: Vec<i64> = rows.iter().map(|r| r.project.id).collect();
    let categories = category_codes(tx).await?;
    let contracts: Vec<Contract> = tx
        .all(
            &contract_select()
                .and_where(Expr::col(Contracts::ProjectId).is_in(ids.clone()))
                .order_by(Contracts::Id, Order::Asc)
                .take(),
        )
        .await?;
    let records: Vec<MoneyEntry> = tx
        .all(
            &record_select()
                .and_where(Expr::col(MoneyRecords::ProjectId).is_in(ids.clone()))
                .order_by(MoneyRecords::Id, Order::Asc)
                .take(),
        )
        .await?;
    let milestones: Vec<Milestone> = tx
        .all(
            &in_plan_order()
                .and_where(Expr::col(Milestones::ProjectId).is_in(ids))
                .take(),
        )
        .await?;
    let mut contracts = by_project(contracts, |c| c.project_id);
    let mut records = by_project(records, |r| r.project_id);
    let mut milestones = by_project(milestones, |m| m.project_id);
    let mut out = Vec::with_capacity(rows.len());
    for row in rows {
        let updated: DateTime<Utc> = row.changed_at();
        let p = row.project;
        out.push(ProjectFacts {
            category_code: categories.get(&p.category_id).cloned().unwrap_or_default(),
            stage: p.stage.parse().unwrap_or(Stage::Approved),
            hold: p.hold.parse().unwrap_or(Hold::Active),
            lead: Unit {
                id: p.lead_department_id,
                name: p.lead_department_name,
            },
            partners: p
                .partners
                .into_iter()
                .map(|d| Unit {
                    id: d.id,
                    name: d.name,
                })
                .collect(),
            budget: p
                .budget
                .iter()
                .filter_map(|l| Some((l.source.parse().ok()?, Fen(l.amount_fen))))
                .collect(),
            contracts: contracts
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .map(contract_fact)
                .collect(),
            money: records
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .filter_map(money_fact)
                .collect(),
            milestones: milestones
                .remove(&p.id)
                .unwrap_or_default()
                .into_iter()
                .map(|m| MilestoneFact {
                    id: m.id,
                    name: m.name,
                    planned: m.planned_date,
                    actual: m.actual_date,
                })
                .collect(),
            code: p.code,
            name: p.name,
            description: p.description,
            goals: p.goals,
            region_name: p.region_name,
            address: p.address,
            latitude: p.latitude,
            longitude: p.longitude,
            owner_name: p.owner_name,
            planned_start: p.planned_start,
            planned_end: p.planned_end,
            actual_start: p.actual_start,
            actual_end: p.actual_end,
            updated,
        });
    }
    Ok(out)
}

impl Public<'_> {
    /// The OC4IDS facts of the public project `code`; "not found" unless it is public.
    pub async fn oc4ids_project(&self, code: &str) -> Result<ProjectFacts, StoreError> {
        let mut tx = self.db.read().await?;
        let row = by_code(&mut tx, code).await?;
        facts(&mut tx, vec![row]).await?.pop().found()
    }

    /// Up to `limit` public projects with ids above `after` (start with `None`), in id order.
    pub async fn oc4ids_batch(&self, after: Option<i64>, limit: u64) -> Result<Batch, StoreError> {
        let limit = std::cmp::max(limit, 1);
        let mut tx = self.db.read().await?;
        let mut query = public_rows(tx.backend());
        if let Some(after) = after {
            query.and_where(Expr::col((Projects::Table, Projects::Id)).gt(after));
        }
        let rows: Vec<Row> = tx
            .all(
                &query
                    .order_by((Projects::Table, Projects::Id), Order::Asc)
                    .limit(limit)
                    .take(),
            )
            .await?;
        let full = rows.len() as u64 >= limit;
        let next = if full {
            rows.last().map(|r| r.project.id)
        } else {
            None
        };
        let rows = rows
            .into_iter()
            .map(|mut r| {
                r.project = ordered(r.project);
                r
            })
            .collect();
        Ok(Batch {
            projects: facts(&mut tx, rows).await?,
            next,
        })
    }

    /// The name under which the open data is published: the project office of the root
    /// region(s) of the tree, e.g. 示例市民生工程管理中心.
    pub async fn publisher(&self) -> Result<String, StoreError> {
        let mut tx = self.db.read().await?;
        let names: Vec<(String,)> = tx
            .all(
                &Query::select()
                    .column(Regions::Name)
                    .from(Regions::Table)
                    .and_where(Expr::col(Regions::ParentId).is_null())
                    .order_by(Regions::Code, Order::Asc)
                    .take(),
            )
            .await?;
        let names: Vec<String> = names.into_iter().map(|(n,)| n).collect();
        Ok(format!("{}民生工程管理中心", names.join("、")))
    }
}
