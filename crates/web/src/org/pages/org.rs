//! The organisation as every business role sees it: the regions and departments of the caller's
//! data scope, read-only.

use super::regions::{TreeRow, tree};
use crate::kernel::chrome::Chrome;
use crate::kernel::error::Failure;
use crate::kernel::page::html;
use crate::kernel::staff::Staff;
use askama::Template;
use axum::response::Response;
use minxin_storage::org::departments::Department;

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    c: Chrome,
    rows: Vec<TreeRow>,
    departments: Vec<Department>,
    manage: bool,
}

/// GET /org
pub async fn show(staff: Staff) -> Result<Response, Failure> {
    let store = staff.store();
    let regions = store.org().regions().await?;
    let departments = store.org().departments(None).await?;
    html(&OrgPage {
        c: staff.chrome("/org"),
        rows: tree(staff.lang(), &regions),
        departments,
        manage: false,
    })
}
