//! The foundation schema: region tree, departments, accounts with roles and data scopes,
//! sessions, sign-in attempts, API tokens, settings and the append-only audit log.

use super::columns::*;
use super::statements::*;
use crate::kernel::db::Backend;
use crate::kernel::schema::*;
use sea_query::{ForeignKeyAction, IndexCreateStatement, TableCreateStatement};

fn tables(backend: Backend) -> Vec<TableCreateStatement> {
    use ForeignKeyAction::{Cascade, Restrict, SetNull};
    vec![
        table(Regions::Table)
            .col(id(Regions::Id))
            .col(text(Regions::Code).unique_key())
            .col(text(Regions::Name))
            .col(text(Regions::Level))
            .col(big_null(Regions::ParentId))
            .col(path(Regions::Path, backend))
            .col(time(Regions::CreatedAt))
            .col(time(Regions::UpdatedAt))
            .col(version(Regions::Version))
            .references(Regions::ParentId, Regions::Table, Restrict)
            .take(),
        table(Departments::Table)
            .col(id(Departments::Id))
            .col(text(Departments::Code).unique_key())
            .col(text(Departments::Name))
            .col(big(Departments::RegionId))
            .col(text_null(Departments::Phone))
            .col(time(Departments::CreatedAt))
            .col(time(Departments::UpdatedAt))
            .col(version(Departments::Version))
            .references(Departments::RegionId, Regions::Table, Restrict)
            .take(),
        table(Accounts::Table)
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
            .references(Accounts::RegionId, Regions::Table, Restrict)
            .references(Accounts::DepartmentId, Departments::Table, Restrict)
            .references(Accounts::ScopeRegionId, Regions::Table, Restrict)
            .take(),
        table(AccountRoles::Table)
            .col(big(AccountRoles::AccountId))
            .col(text(AccountRoles::Role))
            .col(big_null(AccountRoles::GrantedBy))
            .col(time(AccountRoles::GrantedAt))
            .primary_key(&mut key([AccountRoles::AccountId, AccountRoles::Role]))
            .references(AccountRoles::AccountId, Accounts::Table, Cascade)
            .references(AccountRoles::GrantedBy, Accounts::Table, SetNull)
            .take(),
        table(AccountScopeDepartments::Table)
            .col(big(AccountScopeDepartments::AccountId))
            .col(big(AccountScopeDepartments::DepartmentId))
            .primary_key(&mut key([
                AccountScopeDepartments::AccountId,
                AccountScopeDepartments::DepartmentId,
            ]))
            .references(AccountScopeDepartments::AccountId, Accounts::Table, Cascade)
            .references(
                AccountScopeDepartments::DepartmentId,
                Departments::Table,
                Restrict,
            )
            .take(),
        table(PasswordHistory::Table)
            .col(id(PasswordHistory::Id))
            .col(big(PasswordHistory::AccountId))
            .col(text(PasswordHistory::PasswordHash))
            .col(time(PasswordHistory::CreatedAt))
            .references(PasswordHistory::AccountId, Accounts::Table, Cascade)
            .take(),
        table(Sessions::Table)
            .col(id(Sessions::Id))
            .col(text(Sessions::TokenHash).unique_key())
            .col(big(Sessions::AccountId))
            .col(flag(Sessions::SecondFactorPending))
            .col(text(Sessions::Address))
            .col(text(Sessions::UserAgent))
            .col(time(Sessions::CreatedAt))
            .col(time(Sessions::LastSeenAt))
            .references(Sessions::AccountId, Accounts::Table, Cascade)
            .take(),
        table(SignInAttempts::Table)
            .col(id(SignInAttempts::Id))
            .col(text(SignInAttempts::Username))
            .col(text(SignInAttempts::Address))
            .col(flag(SignInAttempts::Success))
            .col(time(SignInAttempts::At))
            .take(),
        table(ApiTokens::Table)
            .col(id(ApiTokens::Id))
            .col(big(ApiTokens::AccountId))
            .col(text(ApiTokens::Name))
            .col(text(ApiTokens::TokenHash).unique_key())
            .col(text(ApiTokens::Prefix))
            .col(time(ApiTokens::CreatedAt))
            .col(time(ApiTokens::ExpiresAt))
            .col(time_null(ApiTokens::LastUsedAt))
            .col(time_null(ApiTokens::RevokedAt))
            .references(ApiTokens::AccountId, Accounts::Table, Cascade)
            .take(),
        table(AuditLog::Table)
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
        table(Settings::Table)
            .col(text(Settings::Key).primary_key())
            .col(text(Settings::Value))
            .col(time(Settings::UpdatedAt))
            .take(),
    ]
}

fn indexes() -> Vec<IndexCreateStatement> {
    vec![
        index_on("regions_parent", Regions::Table, [Regions::ParentId]),
        index_on("regions_path", Regions::Table, [Regions::Path]),
        index_on(
            "departments_region",
            Departments::Table,
            [Departments::RegionId],
        ),
        index_on("accounts_region", Accounts::Table, [Accounts::RegionId]),
        index_on(
            "password_history_account",
            PasswordHistory::Table,
            [PasswordHistory::AccountId],
        ),
        index_on("sessions_account", Sessions::Table, [Sessions::AccountId]),
        index_on(
            "sign_in_attempts_username",
            SignInAttempts::Table,
            [SignInAttempts::Username, SignInAttempts::At],
        ),
        index_on(
            "sign_in_attempts_address",
            SignInAttempts::Table,
            [SignInAttempts::Address, SignInAttempts::At],
        ),
        index_on(
            "api_tokens_account",
            ApiTokens::Table,
            [ApiTokens::AccountId],
        ),
        index_on("audit_log_at", AuditLog::Table, [AuditLog::At]),
        index_on(
            "audit_log_actor",
            AuditLog::Table,
            [AuditLog::ActorName, AuditLog::At],
        ),
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
