//! Reads for anonymous visitors (the public portal, signboard QR codes, open data). They are not
//! scoped to an actor and not audited — anyone may make them — so every one of them goes through
//! [`shown`](crate::projects::read::shown), the rule of [`minxin_domain::openness::public`]: a
//! project that is not public, or not yet in the annual plan, is "not found". What they return is
//! cut down to public fields here, in storage, so no page or export can show a phone number, an
//! account name or an internal comment by mistake. The published service requests shown beside them
//! are chosen by the requests context (`requests::public`).

mod oc4ids;
mod photos;
mod portal;
mod view;

pub use oc4ids::Batch;
pub use photos::PublicPhotoBytes;
pub use portal::{Cluster, Facets, MapView, Marker, PortalFilter, PortalProject, Street};
pub use view::{PublicMilestone, PublicPhoto, PublicProject, PublicReport, PublicTransition};

use crate::Store;
use crate::kernel::db::{Db, Tx};
use crate::kernel::error::{Found, StoreError};
use crate::kernel::schema::Projects;
use crate::projects::read::{Project, named, ordered, shown, with_everything};
use chrono::{DateTime, Utc};
use sea_query::{Expr, ExprTrait, SelectStatement};

/// Public reads; see the module documentation.
#[derive(Clone, Copy, Debug)]
pub struct Public<'a> {
    db: &'a Db,
    counts: &'a crate::kernel::counts::CountCache,
}

impl Store {
    /// Reads for anonymous visitors: public projects and their public fields only.
    pub fn public(&self) -> Public<'_> {
        Public {
            db: self.db(),
            counts: &self.counts,
        }
    }
}

/// A public project with the times that tell when anything shown about it last changed.
#[derive(sqlx::FromRow)]
struct Row {
    #[sqlx(flatten)]
    project: Project,
    /// When its light last changed (a column of the row itself).
    light_at: Option<DateTime<Utc>>,
    /// When its last money record was written.
    money_at: Option<DateTime<Utc>>,
    /// When its last contract was written.
    contract_at: Option<DateTime<Utc>>,
}

impl Row {
    /// The latest of the project's own update and the writes that do not touch its row.
    fn changed_at(&self) -> DateTime<Utc> {
        [self.light_at, self.money_at, self.contract_at]
            .into_iter()
            .flatten()
            .fold(self.project.updated_at, std::cmp::max)
    }
}

/// Every column of [`Row`] for public projects; the caller narrows it further.
fn public_rows(backend: crate::kernel::db::Backend) -> SelectStatement {
    with_everything(named(), backend)
        .expr_as(
            Expr::cust(
                "(SELECT MAX(m.created_at) FROM money_records m WHERE m.project_id = projects.id)",
            ),
            "money_at",
        )
        .expr_as(
            Expr::cust(
                "(SELECT MAX(c.created_at) FROM contracts c WHERE c.project_id = projects.id)",
            ),
            "contract_at",
        )
        .and_where(shown())
        .take()
}

/// The public project with `code`, or "not found" — also for a project that exists but is not
/// public, so the answer does not reveal which codes exist.
async fn by_code(tx: &mut Tx, code: &str) -> Result<Row, StoreError> {
    let mut row: Row = tx
        .optional(
            &public_rows(tx.backend())
                .and_where(Expr::col((Projects::Table, Projects::Code)).eq(code.trim()))
                .take(),
        )
        .await?
        .found()?;
    row.project = ordered(row.project);
    Ok(row)
}
