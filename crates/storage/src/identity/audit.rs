//! Reading the audit log, for the auditor (审计员): entries narrowed to the reader's data scope,
//! searched and exported. What an entry shows is cut down again by
//! `domain::audit::redact_change` when read, for entries written before that rule; writing is
//! the kernel's (`kernel::audit`).

use super::Identity;
use crate::kernel::audit::{ENTRY_COLUMNS, reference};
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::page::{Page, PageRequest};
use crate::kernel::schema::AuditLog;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome, mask_embedded, redact_change};
use minxin_domain::{DataScope, Permission};
use sea_query::{Expr, ExprTrait, Order, Query, SelectStatement};
use serde::Serialize;

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
    let in_scope = crate::kernel::scope::under(Expr::col(AuditLog::RegionPath), &root);
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
                .like(crate::kernel::page::contains(text))
                .or(Expr::col(AuditLog::Address).like(crate::kernel::page::contains(text))),
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
                .column(AuditLog::Id)
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
                .column(AuditLog::Id)
                .columns(ENTRY_COLUMNS)
                .order_by(AuditLog::Id, Order::Asc)
                .limit(cap)
                .take(),
        )
        .await?;
    Ok(entries.into_iter().map(Entry::redacted).collect())
}

impl Identity<'_> {
    /// A page of the audit log inside the actor's scope, newest first; 审计管理员 only, so the
    /// administrators whose actions are logged cannot read (and learn to evade) the log.
    pub async fn audit_log(
        &self,
        filter: &Filter,
        page: PageRequest,
    ) -> Result<Page<Entry>, StoreError> {
        let mut tx = self.begin_read(Permission::ReadAudit).await?;
        search(&mut tx, &self.actor.scope, filter, page).await
    }

    /// Every entry matching `filter` inside the actor's scope, oldest first and at most `cap`
    /// rows, for the auditor's export; 审计管理员 only.
    pub async fn audit_export(&self, filter: &Filter, cap: u64) -> Result<Vec<Entry>, StoreError> {
        let mut tx = self.begin_read(Permission::ReadAudit).await?;
        export(&mut tx, &self.actor.scope, filter, cap).await
    }
}
