//! Seeds a fictional demo district (示例市 › 示例区 with streets, communities and about fifteen
//! departments) and one account for every role of SPEC §2, so that a fresh install can be tried
//! at once. All names and codes are invented (code prefix 99 is no real province).

pub mod bench;
mod data;
mod dice;
pub mod geography;
mod places;
mod progress;
pub mod projects;
pub mod requests;

use minxin_domain::org::region::RegionLevel;
use minxin_domain::{Role, RoleSet};
use minxin_storage::identity::bootstrap::CliAccount;
use minxin_storage::{Store, StoreError};

pub use data::DEMO_ACCOUNTS;

/// A demo account as printed at start-up.
#[derive(Debug, Clone, Copy)]
pub struct DemoAccount {
    /// User name (a role code, or role code and department).
    pub username: &'static str,
    /// Real name.
    pub display_name: &'static str,
    /// The role it holds.
    pub role: Role,
    /// Code of its department, if any.
    pub department: Option<&'static str>,
    /// Code of its home region.
    pub region: &'static str,
    /// Code of its data scope's root region.
    pub scope: &'static str,
    /// Whether its scope is narrowed to its own department.
    pub own_department_only: bool,
}

/// Seeds the demo district into an empty database, reporting each step through `progress`.
pub async fn seed(
    store: &Store,
    password: &str,
    today: chrono::NaiveDate,
    mut progress: impl FnMut(&str),
) -> Result<(), StoreError> {
    progress("regions 行政区划");
    store
        .bootstrap_region(data::CITY.0, data::CITY.1, RegionLevel::City, None)
        .await?;
    for (code, name) in data::DISTRICTS {
        store
            .bootstrap_region(code, name, RegionLevel::District, Some(data::CITY.0))
            .await?;
    }
    let mut communities = 0;
    for (district, street_code, street_name, villages) in data::STREETS {
        store
            .bootstrap_region(
                street_code,
                street_name,
                RegionLevel::Street,
                Some(district),
            )
            .await?;
        for (i, name) in villages.iter().enumerate() {
            let code = format!("{street_code}{:03}", i + 1);
            store
                .bootstrap_region(&code, name, RegionLevel::Community, Some(street_code))
                .await?;
            communities += 1;
        }
    }
    progress(&format!(
        "  {} districts, {} streets, {communities} communities",
        data::DISTRICTS.len(),
        data::STREETS.len()
    ));
    progress("departments 部门");
    for (code, name, region, phone) in data::DEPARTMENTS {
        store
            .bootstrap_department(code, name, region, Some(phone))
            .await?;
    }
    progress(&format!("  {} departments", data::DEPARTMENTS.len()));
    progress("accounts 账户");
    for account in DEMO_ACCOUNTS {
        let scope_departments: Vec<&str> = match (account.own_department_only, account.department) {
            (true, Some(d)) => vec![d],
            _ => Vec::new(),
        };
        let id = store
            .bootstrap_account(&CliAccount {
                username: account.username,
                display_name: account.display_name,
                password,
                roles: RoleSet::new([account.role]),
                region_code: account.region,
                department_code: account.department,
                scope_region_code: Some(account.scope),
                must_change_password: false,
            })
            .await?;
        if !scope_departments.is_empty() {
            store
                .bootstrap_scope_departments(id, &scope_departments)
                .await?;
        }
    }
    progress(&format!("  {} accounts", DEMO_ACCOUNTS.len()));
    progress("boundaries 街道和社区边界");
    let office = store.actor_for_cli("office").await?;
    let imported = store
        .scoped(&office, minxin_storage::identity::bootstrap::CLI_ADDRESS)
        .requests()
        .import_boundaries(&geography::boundaries_geojson(), "")
        .await?;
    progress(&format!("  {} boundaries", imported.len()));
    progress("projects 民心工程项目");
    projects::seed(store, today, &mut progress).await?;
    Ok(())
}
