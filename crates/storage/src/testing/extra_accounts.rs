//! Accounts that suites add beside the fixture's, with the fixture's password, narrowed to
//! departments where a test needs it; and the site manager that the attachment and
//! progress suites of storage and web assign.

use super::PASSWORD;
use crate::Store;
use crate::identity::bootstrap::CliAccount;
use minxin_domain::{Role, RoleSet};

/// Adds `username` (shown as `display_name`) with `role` in region `region` and scoped to it,
/// a member of `department` if given, with [`PASSWORD`]; returns its id.
///
/// # Panics
///
/// When the account cannot be created, e.g. because `username` is taken.
pub async fn account(
    store: &Store,
    username: &str,
    display_name: &str,
    role: Role,
    region: &str,
    department: Option<&str>,
) -> i64 {
    store
        .bootstrap_account(&CliAccount {
            username,
            display_name,
            password: PASSWORD,
            roles: RoleSet::new([role]),
            region_code: region,
            department_code: department,
            scope_region_code: Some(region),
            must_change_password: false,
        })
        .await
        .unwrap_or_else(|e| panic!("test account {username}: {e}"))
}

/// Narrows account `id` to the departments of `codes`, so it acts on what they hold.
pub async fn narrow(store: &Store, id: i64, codes: &[&str]) {
    store
        .bootstrap_scope_departments(id, codes)
        .await
        .unwrap_or_else(|e| panic!("narrowing account {id} to {codes:?}: {e}"));
}

/// Adds `site_manager` (现场负责人), a project manager of department A-ZJ in region 990101,
/// with [`PASSWORD`]; returns its id.
pub async fn site_manager(store: &Store) -> i64 {
    let (username, name) = ("site_manager", "现场负责人");
    account(store, username, name, Role::Manager, "990101", Some("A-ZJ")).await
}
