//! Writing and reading the audit log. Writes go through the same transaction as the change they
//! describe, so a change and its record stand or fall together; the table itself refuses UPDATE
//! and DELETE (see the foundation migration). What an entry keeps of a change is cut down by
//! `domain::audit::redact_change` before it is written (changed fields only, personal data
//! masked, free text referenced), and again when read, for entries written before that rule.

use crate::db::Tx;
use crate::error::StoreError;
use crate::page::{Page, PageRequest};
use crate::schema::AuditLog;
use crate::scoped::Scoped;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome, mask_embedded, redact_change};
use minxin_domain::{DataScope, Permission};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

/// One entry to append.
#[derive(Debug, Clone)]
pub struct NewEntry {
    /// Who acted; `None` for anonymous attempts such as a failed sign-in.
    pub actor_id: Option<i64>,
    /// The user name as given, even when it matches no account.
    pub actor_name: String,
    /// The source address of the request, or `cli` for the command line.
    pub address: String,
    /// What was done.
    pub action: AuditAction,
    /// How it ended.
    pub outcome: AuditOutcome,
    /// The kind of record acted upon, e.g. `account`.
    pub target_type: &'static str,
    /// The record's id, if it has one.
    pub target_id: Option<String>,
    /// A human-readable label of the record (a name or user name).
    pub target_label: String,
    /// The record before the change, as JSON.
    pub before: Option<serde_json::Value>,
    /// The record after the change, as JSON.
    pub after: Option<serde_json::Value>,
    /// The region path of the actor or record, which decides which auditors see the entry.
    pub region_path: String,
}

/// Appends `entry` inside `tx`.
pub async fn append(tx: &mut Tx, entry: NewEntry) -> Result<(), StoreError> {
    append_many(tx, vec![entry]).await
}

/// Appends `entries` inside `tx`, many per statement (a bulk import writes thousands).
pub async fn append_many(tx: &mut Tx, entries: Vec<NewEntry>) -> Result<(), StoreError> {
    let json = |v: Option<serde_json::Value>| v.map(|v| v.to_string());
    let mut entries = entries.into_iter().peekable();
    while entries.peek().is_some() {
        let mut insert = Query::insert()
            .into_table(AuditLog::Table)
            .columns([
                AuditLog::At,
                AuditLog::ActorId,
                AuditLog::ActorName,
                AuditLog::Address,
                AuditLog::Action,
                AuditLog::Outcome,
                AuditLog::TargetType,
                AuditLog::TargetId,
                AuditLog::TargetLabel,
                AuditLog::Before,
                AuditLog::After,
                AuditLog::RegionPath,
            ])
            .take();
        // 12 values a row: 2,000 rows stay below both databases' parameter limits.
        for entry in entries.by_ref().take(2000) {
            let (before, after) = redact_change(
                entry.before.as_ref(),
                entry.after.as_ref(),
                &reference(entry.target_type, entry.target_id.as_deref()),
            );
            insert.values_panic([
                Utc::now().into(),
                entry.actor_id.into(),
                entry.actor_name.into(),
                entry.address.into(),
                entry.action.code().into(),
                entry.outcome.code().into(),
                entry.target_type.into(),
                entry.target_id.into(),
                mask_embedded(&entry.target_label).into(),
                json(before).into(),
                json(after).into(),
                entry.region_path.into(),
            ]);
        }
        tx.execute(&insert).await?;
    }
    Ok(())
}

/// One entry as read back.
#[derive(Debug, Clone, Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct Entry {
    /// Sequence number.
    pub id: i64,
    /// When it happened (UTC).
    pub at: DateTime<Utc>,
    /// Acting account, if known.
    pub actor_id: Option<i64>,
    /// User name as given.
    pub actor_name: String,
    /// Source address.
    pub address: String,
    /// Action code.
    pub action: String,
    /// Outcome code.
    pub outcome: String,
    /// Kind of record.
    pub target_type: String,
    /// Record id.
    pub target_id: Option<String>,
    /// Record label.
    pub target_label: String,
    /// Before, as JSON text.
    pub before: Option<String>,
    /// After, as JSON text.
    pub after: Option<String>,
}

/// How an entry refers to its record, in place of the free text it does not copy.
fn reference(target_type: &str, target_id: Option<&str>) -> String {
    format!("{target_type}/{}", target_id.unwrap_or(""))
}

impl Entry {
    /// The entry as the auditor may read it: the write-time rule applied again, so entries
    /// written before it carry no personal data out either (the table itself cannot be
    /// rewritten).
    fn redacted(mut self) -> Self {
        let parse = |text: &Option<String>| {
            text.as_deref()
                .and_then(|t| serde_json::from_str::<serde_json::Value>(t).ok())
        };
        let (before, after) = redact_change(
            parse(&self.before).as_ref(),
            parse(&self.after).as_ref(),
            &reference(&self.target_type, self.target_id.as_deref()),
        );
        self.before = before.map(|v| v.to_string());
        self.after = after.map(|v| v.to_string());
        self.target_label = mask_embedded(&self.target_label);
        self
    }
}

/// What the auditor filters by; every field is optional.
#[derive(Debug, Clone, Default)]
pub struct Filter {
    /// Entries at or after this time.
    pub from: Option<DateTime<Utc>>,
    /// Entries before this time.
    pub until: Option<DateTime<Utc>>,
    /// Exact user name of the actor.
    pub actor: Option<String>,
    /// Action code.
    pub action: Option<AuditAction>,
    /// Outcome code.
    pub outcome: Option<AuditOutcome>,
    /// Text contained in the target label or the source address.
    pub text: Option<String>,
}

fn filtered(filter: &Filter, scope: &DataScope) -> SelectStatement {
    let mut q = Query::select().from(AuditLog::Table).take();
    // No path starts with "!", so an empty scope matches nothing.
    let root = scope.region_path.clone().unwrap_or_else(|| "!".into());
    let in_scope = crate::regions::under(Expr::col(AuditLog::RegionPath), &root);
    // Anonymous attempts carry an empty path; only auditors of the whole tree see them.
    if scope.is_whole_tree() {
        q.and_where(in_scope.or(Expr::col(AuditLog::RegionPath).eq("")));
    } else {
        q.and_where(in_scope);
    }
    if let Some(from) = filter.from {
        q.and_where(Expr::col(AuditLog::At).gte(from));
    }
    if let Some(until) = filter.until {
        q.and_where(Expr::col(AuditLog::At).lt(until));
    }
    if let Some(actor) = &filter.actor {
        q.and_where(Expr::col(AuditLog::ActorName).eq(actor.as_str()));
    }
    if let Some(action) = filter.action {
        q.and_where(Expr::col(AuditLog::Action).eq(action.code()));
    }
    if let Some(outcome) = filter.outcome {
        q.and_where(Expr::col(AuditLog::Outcome).eq(outcome.code()));
    }
    if let Some(text) = &filter.text {
        q.and_where(
            Expr::col(AuditLog::TargetLabel)
                .like(crate::page::contains(text))
                .or(Expr::col(AuditLog::Address).like(crate::page::contains(text))),
        );
    }
    q
}

/// A page of entries matching `filter` inside `scope`, newest first.
pub async fn search(
    tx: &mut Tx,
    scope: &DataScope,
    filter: &Filter,
    page: PageRequest,
) -> Result<Page<Entry>, StoreError> {
    let base = filtered(filter, scope);
    let total = tx
        .scalar(&base.clone().expr(Expr::col(AuditLog::Id).count()).take())
        .await?;
    let items: Vec<Entry> = tx
        .all(
            &base
                .clone()
                .columns(ENTRY_COLUMNS)
                .order_by(AuditLog::Id, Order::Desc)
                .limit(page.limit())
                .offset(page.offset())
                .take(),
        )
        .await?;
    let items = items.into_iter().map(Entry::redacted).collect();
    Ok(Page::new(items, total, page))
}

const ENTRY_COLUMNS: [AuditLog; 12] = [
    AuditLog::Id,
    AuditLog::At,
    AuditLog::ActorId,
    AuditLog::ActorName,
    AuditLog::Address,
    AuditLog::Action,
    AuditLog::Outcome,
    AuditLog::TargetType,
    AuditLog::TargetId,
    AuditLog::TargetLabel,
    AuditLog::Before,
    AuditLog::After,
];

/// Every entry matching `filter` inside `scope`, oldest first, for export; at most `cap` rows.
pub async fn export(
    tx: &mut Tx,
    scope: &DataScope,
    filter: &Filter,
    cap: u64,
) -> Result<Vec<Entry>, StoreError> {
    let entries: Vec<Entry> = tx
        .all(
            &filtered(filter, scope)
                .columns(ENTRY_COLUMNS)
                .order_by(AuditLog::Id, Order::Asc)
                .limit(cap)
                .take(),
        )
        .await?;
    Ok(entries.into_iter().map(Entry::redacted).collect())
}

impl Scoped<'_> {
    /// A page of the audit log inside the actor's scope, newest first; 审计管理员 only, so the
    /// administrators whose actions are logged cannot read (and learn to evade) the log.
    pub async fn audit_log(
        &self,
        filter: &Filter,
        page: PageRequest,
    ) -> Result<Page<Entry>, StoreError> {
        self.require(Permission::ReadAudit).await?;
        let mut tx = self.db.read().await?;
        search(&mut tx, &self.actor.scope, filter, page).await
    }

    /// Every entry matching `filter` inside the actor's scope, oldest first and at most `cap`
    /// rows, for the auditor's export; 审计管理员 only.
    pub async fn audit_export(&self, filter: &Filter, cap: u64) -> Result<Vec<Entry>, StoreError> {
        self.require(Permission::ReadAudit).await?;
        let mut tx = self.db.read().await?;
        export(&mut tx, &self.actor.scope, filter, cap).await
    }
}
