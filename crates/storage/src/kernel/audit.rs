//! Writing the audit log (reading it is identity's: `identity::audit`). Writes go through the
//! same transaction as the change they describe, so a change and its record stand or fall
//! together; the table itself refuses UPDATE
//! and DELETE (see the foundation migration). What an entry keeps of a change is cut down by
//! `domain::audit::redact_change` before it is written (changed fields only, personal data
//! masked, free text referenced), and again when read, for entries written before that rule.

use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::AuditLog;
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome, mask_embedded, redact_change};
use sea_query::Query;

/// What an entry says, in the order its reader lists it: when, who, from where, what, how it
/// ended, about which record, and the change. Its id and region path stand apart.
pub(crate) const ENTRY_COLUMNS: [AuditLog; 11] = [
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
            .columns(ENTRY_COLUMNS.into_iter().chain([AuditLog::RegionPath]))
            .take();
        // 12 values a row: 2,000 rows stay below both databases' parameter limits.
        for entry in entries.by_ref().take(2000) {
            let (before, after) = redact_change(
                entry.before.as_ref(),
                entry.after.as_ref(),
                &reference(entry.target_type, entry.target_id.as_deref()),
            );
            insert.values_panic([
                tx.now().into(),
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

/// How an entry refers to its record, in place of the free text it does not copy.
pub(crate) fn reference(target_type: &str, target_id: Option<&str>) -> String {
    format!("{target_type}/{}", target_id.unwrap_or(""))
}
