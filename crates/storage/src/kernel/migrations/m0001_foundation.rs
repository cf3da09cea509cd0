//! The foundation schema: region tree, departments, accounts with roles and data scopes,
//! sessions, sign-in attempts, API tokens, settings and the append-only audit log.

use super::columns::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{
    ColumnDef, ForeignKeyAction, Index, IndexCreateStatement, Table, TableCreateStatement,
};

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    vec![
        Table::create()
            .table(Regions::Table)
            .col(id(Regions::Id))
            .col(text(Regions::Code).unique_key())
            .col(text(Regions::Name))
            .col(text(Regions::Level))
            .col(big_null(Regions::ParentId))
            .col(path(Regions::Path, backend))
            .col(time(Regions::CreatedAt))
            .col(time(Regions::UpdatedAt))
            .col(version(Regions::Version))
            .foreign_key(&mut fk(
                (Regions::Table, Regions::ParentId),
                (Regions::Table, Regions::Id),
                Restrict,
            ))
            .take(),
        Table::create()
            .table(Departments::Table)
            .col(id(Departments::Id))
            .col(text(Departments::Code).unique_key())
            .col(text(Departments::Name))
            .col(big(Departments::RegionId))
            .col(text_null(Departments::Phone))
            .col(time(Departments::CreatedAt))
            .col(time(Departments::UpdatedAt))
            .col(version(Departments::Version))
            .foreign_key(&mut fk(
                (Departments::Table, Departments::RegionId),
                (Regions::Table, Regions::Id),
                Restrict,
            ))
            .take(),
        Table::create()
            .table(Accounts::Table)
            .col(id(Accounts::Id))
            .col(text(Accounts::Username).unique_key())
            .col(text(Accounts::DisplayName))
            .col(text_null(Accounts::Phone))
            .col(big(Accounts::RegionId))
            .col(big_null(Accounts::DepartmentId))
            .col(text(Accounts::PasswordHash))
            .col(flag(Accounts::MustChangePassword))
            .col(time(Accounts::PasswordChangedAt))
            .col(text_null(Accounts::TotpSecret))
            .col(flag(Accounts::Disabled))
            .col(big_null(Accounts::ScopeRegionId))
            .col(time_null(Accounts::LastSignInAt))
            .col(time(Accounts::CreatedAt))
            .col(time(Accounts::UpdatedAt))
            .col(version(Accounts::Version))
            .foreign_key(&mut fk(
                (Accounts::Table, Accounts::RegionId),
                (Regions::Table, Regions::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                (Accounts::Table, Accounts::DepartmentId),
                (Departments::Table, Departments::Id),
                Restrict,
            ))
            .foreign_key(&mut fk(
                (Accounts::Table, Accounts::ScopeRegionId),
                (Regions::Table, Regions::Id),
                Restrict,
            ))
            .take(),
        Table::create()
            .table(AccountRoles::Table)
            .col(big(AccountRoles::AccountId))
            .col(text(AccountRoles::Role))
            .col(big_null(AccountRoles::GrantedBy))
            .col(time(AccountRoles::GrantedAt))
            .primary_key(
                Index::create()
                    .col(AccountRoles::AccountId)
                    .col(AccountRoles::Role),
            )
            .foreign_key(&mut fk(
                (AccountRoles::Table, AccountRoles::AccountId),
                (Accounts::Table, Accounts::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                (AccountRoles::Table, AccountRoles::GrantedBy),
                (Accounts::Table, Accounts::Id),
                SetNull,
            ))
            .take(),
        Table::create()
            .table(AccountScopeDepartments::Table)
            .col(big(AccountScopeDepartments::AccountId))
            .col(big(AccountScopeDepartments::DepartmentId))
            .primary_key(
                Index::create()
                    .col(AccountScopeDepartments::AccountId)
                    .col(AccountScopeDepartments::DepartmentId),
            )
            .foreign_key(&mut fk(
                (
                    AccountScopeDepartments::Table,
                    AccountScopeDepartments::AccountId,
                ),
                (Accounts::Table, Accounts::Id),
                Cascade,
            ))
            .foreign_key(&mut fk(
                (
                    AccountScopeDepartments::Table,
                    AccountScopeDepartments::DepartmentId,
                ),
                (Departments::Table, Departments::Id),
                Restrict,
            ))
            .take(),
        Table::create()
            .table(PasswordHistory::Table)
            .col(id(PasswordHistory::Id))
            .col(big(PasswordHistory::AccountId))
            .col(text(PasswordHistory::PasswordHash))
            .col(time(PasswordHistory::CreatedAt))
            .foreign_key(&mut fk(
                (PasswordHistory::Table, PasswordHistory::AccountId),
                (Accounts::Table, Accounts::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(Sessions::Table)
            .col(id(Sessions::Id))
            .col(text(Sessions::TokenHash).unique_key())
            .col(big(Sessions::AccountId))
            .col(flag(Sessions::SecondFactorPending))
            .col(text(Sessions::Address))
            .col(text(Sessions::UserAgent))
            .col(time(Sessions::CreatedAt))
            .col(time(Sessions::LastSeenAt))
            .foreign_key(&mut fk(
                (Sessions::Table, Sessions::AccountId),
                (Accounts::Table, Accounts::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(SignInAttempts::Table)
            .col(id(SignInAttempts::Id))
            .col(text(SignInAttempts::Username))
            .col(text(SignInAttempts::Address))
            .col(flag(SignInAttempts::Success))
            .col(time(SignInAttempts::At))
            .take(),
        Table::create()
            .table(ApiTokens::Table)
            .col(id(ApiTokens::Id))
            .col(big(ApiTokens::AccountId))
            .col(text(ApiTokens::Name))
            .col(text(ApiTokens::TokenHash).unique_key())
            .col(text(ApiTokens::Prefix))
            .col(time(ApiTokens::CreatedAt))
            .col(time(ApiTokens::ExpiresAt))
            .col(time_null(ApiTokens::LastUsedAt))
            .col(time_null(ApiTokens::RevokedAt))
            .foreign_key(&mut fk(
                (ApiTokens::Table, ApiTokens::AccountId),
                (Accounts::Table, Accounts::Id),
                Cascade,
            ))
            .take(),
        Table::create()
            .table(AuditLog::Table)
            .col(id(AuditLog::Id))
            .col(time(AuditLog::At))
            .col(big_null(AuditLog::ActorId))
            .col(text(AuditLog::ActorName))
            .col(text(AuditLog::Address))
            .col(text(AuditLog::Action))
            .col(text(AuditLog::Outcome))
            .col(text(AuditLog::TargetType))
            .col(text_null(AuditLog::TargetId))
            .col(text(AuditLog::TargetLabel))
            .col(text_null(AuditLog::Before))
            .col(text_null(AuditLog::After))
            .col(path(AuditLog::RegionPath, backend))
            .take(),
        Table::create()
            .table(Settings::Table)
            .col(
                ColumnDef::new(Settings::Key)
                    .text()
                    .not_null()
                    .primary_key(),
            )
            .col(text(Settings::Value))
            .col(time(Settings::UpdatedAt))
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        Index::create()
            .name("regions_parent")
            .table(Regions::Table)
            .col(Regions::ParentId)
            .take(),
        Index::create()
            .name("regions_path")
            .table(Regions::Table)
            .col(Regions::Path)
            .take(),
        Index::create()
            .name("departments_region")
            .table(Departments::Table)
            .col(Departments::RegionId)
            .take(),
        Index::create()
            .name("accounts_region")
            .table(Accounts::Table)
            .col(Accounts::RegionId)
            .take(),
        Index::create()
            .name("password_history_account")
            .table(PasswordHistory::Table)
            .col(PasswordHistory::AccountId)
            .take(),
        Index::create()
            .name("sessions_account")
            .table(Sessions::Table)
            .col(Sessions::AccountId)
            .take(),
        Index::create()
            .name("sign_in_attempts_username")
            .table(SignInAttempts::Table)
            .col(SignInAttempts::Username)
            .col(SignInAttempts::At)
            .take(),
        Index::create()
            .name("sign_in_attempts_address")
            .table(SignInAttempts::Table)
            .col(SignInAttempts::Address)
            .col(SignInAttempts::At)
            .take(),
        Index::create()
            .name("api_tokens_account")
            .table(ApiTokens::Table)
            .col(ApiTokens::AccountId)
            .take(),
        Index::create()
            .name("audit_log_at")
            .table(AuditLog::Table)
            .col(AuditLog::At)
            .take(),
        Index::create()
            .name("audit_log_actor")
            .table(AuditLog::Table)
            .col(AuditLog::ActorName)
            .col(AuditLog::At)
            .take(),
    ]
}

/// The audit log refuses UPDATE and DELETE for everyone, including the application itself.
fn append_only_audit_log(backend: Backend) -> Vec<String> {
    match backend {
        Backend::Sqlite => vec![
            "CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                .into(),
            "CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log \
             BEGIN SELECT RAISE(ABORT, 'audit_log is append-only'); END"
                .into(),
        ],
        Backend::Postgres => vec![
            "CREATE FUNCTION minxin_append_only() RETURNS trigger LANGUAGE plpgsql AS \
             $$ BEGIN RAISE EXCEPTION '% is append-only', TG_TABLE_NAME; END $$"
                .into(),
            "CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log \
             FOR EACH ROW EXECUTE FUNCTION minxin_append_only()"
                .into(),
            "CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log \
             FOR EACH STATEMENT EXECUTE FUNCTION minxin_append_only()"
                .into(),
        ],
    }
}

/// The statements of this migration for `backend`.
pub fn statements(backend: Backend) -> Vec<String> {
    let mut out = render(backend, &tables(backend), &indexes());
    out.extend(append_only_audit_log(backend));
    out
}
