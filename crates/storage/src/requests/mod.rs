//! Residents' service requests (诉求, issue 6). [`Residents`] is the handle for people without
//! an account — the portal form, a signboard's QR code, Open311 — who submit a request and
//! follow it by its receipt code; what they get back never carries staff names or contact
//! details. [`Open311`] serves GeoReport v2 clients, who post with an API key. Staff work on
//! requests through [`Requests`] (`scoped.requests()`), and the office routes them by its
//! boundaries and rules (`routing.rs`). The published requests the public sees are chosen here
//! too (`public.rs`), for the pages of the openness context.

pub(crate) mod categories;
mod escalation;
mod file;
mod follow;
mod group_commit;
mod intake;
mod moderation;
mod open311;
mod open311_select;
mod placement;
mod public;
mod queue;
mod routing;
mod rows;
pub mod seed;
mod stats;
mod work;

pub use categories::RequestCategory;
pub use escalation::EscalationReport;
pub use file::{DuplicateCandidate, FilePhoto, FileStep, RequestFile};
pub use follow::{Joined, Step, Tracked};
pub(crate) use group_commit::GroupCommit;
pub use intake::{Receipt, RequestPhoto, Submission};
pub use open311::{IssuedKey, Open311, Open311Key, Open311Query, Open311Request, Posted};
pub use public::{PublicRequest, SHOWN_MAX};
pub(crate) use public::{in_area as published_in_area, of_project as published_of_project};
pub use queue::{QueueFilter, QueueRow, QueueView};
pub use routing::{CommunityBoundary, Destination, NewRule, PointRoute, RuleListing};
pub use stats::{
    CategoryFigures, DepartmentFigures, HotSpot, RequestFigures, RequestStats, RequestStatsFilter,
};

use crate::Store;
use crate::kernel::db::Db;
use crate::kernel::schema::ServiceRequests;
use sea_query::{Alias, Expr};

crate::kernel::scoped::handle!(
    /// Staff work on service requests for one actor: intake, queues, files, routing,
    /// moderation, statistics and Open311 keys.
    Requests,
    requests
);

/// Operations for residents, who have no account; see the module documentation.
#[derive(Clone, Copy, Debug)]
pub struct Residents<'a> {
    db: &'a Db,
    intake: &'a GroupCommit,
    address: &'a str,
}

impl Store {
    /// Operations for a resident whose request came from `address` (kept in the audit log).
    pub fn residents<'a>(&'a self, address: &'a str) -> Residents<'a> {
        Residents {
            db: self.db(),
            intake: &self.intake,
            address,
        }
    }
}

/// A select of service requests that the public reads: its point is only ever the coarsened one
/// (issue 15), as `latitude` and `longitude`; the exact point stays in the file of those
/// handling the request.
pub(crate) trait WithPublicPoint {
    /// Adds the two coarsened coordinates.
    fn with_public_point(&mut self) -> &mut Self;
}

impl WithPublicPoint for sea_query::SelectStatement {
    fn with_public_point(&mut self) -> &mut Self {
        let s = ServiceRequests::Table;
        self.expr_as(
            Expr::col((s, ServiceRequests::PublicLatitude)),
            Alias::new("latitude"),
        )
        .expr_as(
            Expr::col((s, ServiceRequests::PublicLongitude)),
            Alias::new("longitude"),
        )
    }
}
