//! The joins that every view of accounts starts from, written once: the enabled holders of a
//! role (the narrow views other contexts take: managers to assign, department staff to remind)
//! and an account's home region and department (the listing and the manager picker).

use crate::kernel::schema::{AccountRoles, Accounts, Departments, Regions};
use minxin_domain::Role;
use sea_query::{Expr, ExprTrait, Query, SelectStatement};

/// Enabled accounts holding `role`; the caller adds its columns and conditions.
pub(crate) fn enabled_with_role(role: Role) -> SelectStatement {
    Query::select()
        .from(Accounts::Table)
        .inner_join(
            AccountRoles::Table,
            Expr::col((AccountRoles::Table, AccountRoles::AccountId))
                .equals((Accounts::Table, Accounts::Id)),
        )
        .and_where(Expr::col((AccountRoles::Table, AccountRoles::Role)).eq(role.code()))
        .and_where(Expr::col((Accounts::Table, Accounts::Disabled)).eq(false))
        .take()
}

/// Joins each account's home region (always set) and department (optional) to `select`.
pub(crate) fn join_home(select: &mut SelectStatement) {
    select
        .inner_join(
            Regions::Table,
            Expr::col((Regions::Table, Regions::Id)).equals((Accounts::Table, Accounts::RegionId)),
        )
        .left_join(
            Departments::Table,
            Expr::col((Departments::Table, Departments::Id))
                .equals((Accounts::Table, Accounts::DepartmentId)),
        );
}
