//! A request's file for staff (issue 6): everything about it — place, photos, the whole
//! timeline with who did what, the party the caller acts as — and the resident's contact
//! details only for those handling it ([`minxin_domain::requests::access::handles`]), plus the
//! near-duplicates staff may merge it with.

use super::Requests;
use super::categories::WithCategory;
use super::follow::timeline;
use super::queue::WithDepartmentName;
use super::work::in_scope;
use crate::kernel::blobs::BlobStore;
use crate::kernel::error::StoreError;
use crate::kernel::schema::*;
use crate::org::departments::Department;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::geo::Point;
use minxin_domain::kernel::geo::distance_metres;
use minxin_domain::requests::access::{RequestOwnership, handles, party_of};
use minxin_domain::requests::duplicates::{DuplicateRule, Sighting, near_duplicates};
use minxin_domain::requests::service_request::{Party, Request, RequestState};
use minxin_domain::{DataScope, Permission};
use sea_query::{Alias, Expr, ExprTrait, Order, Query, SelectStatement};

/// A request as staff see it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct RequestFile {
    /// Its number.
    pub id: i64,
    /// Category code.
    pub category_code: String,
    /// Category name.
    pub category_name: String,
    /// Category name in English.
    pub category_name_en: String,
    /// What the resident wrote.
    pub description: String,
    /// The address given.
    pub address: String,
    /// Where, WGS-84: exact for those handling it, else coarsened to the public grid.
    pub latitude: Option<f64>,
    /// Where, WGS-84.
    pub longitude: Option<f64>,
    /// The project it concerns, if any.
    pub project_id: Option<i64>,
    /// That project's code.
    pub project_code: Option<String>,
    /// That project's name.
    pub project_name: Option<String>,
    /// The community or street it was placed in.
    pub region_name: Option<String>,
    /// How it came in.
    pub channel: String,
    /// The staff member who entered it for a resident, if one did.
    pub entered_by_name: Option<String>,
    /// The resident's name; `None` when anonymous or when the caller does not handle it.
    #[sqlx(skip)]
    pub contact_name: Option<String>,
    /// The resident's phone, under the same rule.
    #[sqlx(skip)]
    pub contact_phone: Option<String>,
    /// Workflow state code.
    pub state: String,
    /// The department holding it.
    pub holder_department_id: Option<i64>,
    /// Its name.
    pub holder_name: Option<String>,
    /// The coordinating department (首问).
    pub owner_department_id: Option<i64>,
    /// Its name.
    pub owner_name: Option<String>,
    /// How often the resident reopened it.
    pub reopened: i32,
    /// The request it was merged into.
    pub merged_into: Option<i64>,
    /// When it was received.
    pub submitted_at: DateTime<Utc>,
    /// Deadline for accepting.
    pub accept_by: DateTime<Utc>,
    /// Deadline for answering.
    pub answer_by: DateTime<Utc>,
    /// When it was answered.
    pub answered_at: Option<DateTime<Utc>>,
    /// When it ended.
    pub closed_at: Option<DateTime<Utc>>,
    /// The answer.
    pub answer: Option<String>,
    /// The resident's rating code.
    pub rating: Option<String>,
    /// The resident's comment on the answer.
    pub rating_comment: Option<String>,
    /// Whether the public sees it.
    pub is_published: bool,
    /// The wording the public sees (the office's, without personal data).
    pub public_description: String,
    /// For the version check of the next move.
    pub version: i64,
    /// The party the caller acts as, if they may act at all.
    #[sqlx(skip)]
    #[serde(skip)]
    pub party: Option<Party>,
    /// Its photos, the resident's first.
    #[sqlx(skip)]
    pub photos: Vec<FilePhoto>,
    /// Everything that happened, oldest first.
    #[sqlx(skip)]
    pub timeline: Vec<FileStep>,
}

impl RequestFile {
    /// The request as the workflow rules see it.
    pub fn request(&self) -> Option<Request> {
        Some(Request {
            state: self.state.parse().ok()?,
            holder: self.holder_department_id,
            owner: self.owner_department_id,
            reopened: u8::try_from(self.reopened).unwrap_or(u8::MAX),
        })
    }

    /// Where it is, if it has a point.
    pub fn point(&self) -> Option<Point> {
        Some(Point {
            lat: self.latitude?,
            lon: self.longitude?,
        })
    }
}

/// One photo of a request.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FilePhoto {
    /// Its number, for its address.
    pub id: i64,
    /// `intake` (the resident's) or `answer` (the department's).
    pub stage: String,
    /// Width of the display copy.
    pub width: i32,
    /// Height of the display copy.
    pub height: i32,
}

/// One entry of the timeline, with the staff member who made it.
#[derive(Debug, Clone, serde::Serialize, sqlx::FromRow, utoipa::ToSchema)]
pub struct FileStep {
    /// What happened (event kind code).
    pub kind: String,
    /// When.
    pub at: DateTime<Utc>,
    /// The staff account's name; empty for residents and routing rules.
    pub actor_name: String,
    /// The department it concerns.
    pub department_name: Option<String>,
    /// The reason or answer.
    pub note: String,
}

/// Another request staff may merge this one with.
#[derive(Debug, Clone)]
pub struct DuplicateCandidate {
    /// Its number.
    pub id: i64,
    /// What its resident wrote.
    pub description: String,
    /// Its state code.
    pub state: String,
    /// When it was received.
    pub submitted_at: DateTime<Utc>,
    /// How far from this one, in whole metres.
    pub metres: u32,
}

#[derive(sqlx::FromRow)]
struct Contact {
    contact_name: Option<String>,
    contact_phone: Option<String>,
}

#[derive(sqlx::FromRow)]
struct Nearby {
    id: i64,
    description: String,
    state: String,
    submitted_at: DateTime<Utc>,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// A column of the request's project, as a scalar sub-select.
fn project_column(column: Projects) -> SelectStatement {
    Query::select()
        .column((Projects::Table, column))
        .from(Projects::Table)
        .and_where(
            Expr::col((Projects::Table, Projects::Id))
                .equals((ServiceRequests::Table, ServiceRequests::ProjectId)),
        )
        .take()
}

fn file() -> SelectStatement {
    let s = ServiceRequests::Table;
    let c = RequestCategories::Table;
    Query::select()
        .column((s, ServiceRequests::Id))
        .expr_as(
            Expr::col((c, RequestCategories::Code)),
            Alias::new("category_code"),
        )
        .columns([
            (s, ServiceRequests::Description),
            (s, ServiceRequests::Address),
            (s, ServiceRequests::Latitude),
            (s, ServiceRequests::Longitude),
            (s, ServiceRequests::ProjectId),
        ])
        .expr_as(project_column(Projects::Code), Alias::new("project_code"))
        .expr_as(project_column(Projects::Name), Alias::new("project_name"))
        .expr_as(
            Query::select()
                .column((Regions::Table, Regions::Name))
                .from(Regions::Table)
                .and_where(
                    Expr::col((Regions::Table, Regions::Path))
                        .equals((s, ServiceRequests::RegionPath)),
                )
                .take(),
            Alias::new("region_name"),
        )
        .column((s, ServiceRequests::Channel))
        .expr_as(
            Query::select()
                .column((Accounts::Table, Accounts::DisplayName))
                .from(Accounts::Table)
                .and_where(
                    Expr::col((Accounts::Table, Accounts::Id))
                        .equals((s, ServiceRequests::EnteredBy)),
                )
                .take(),
            Alias::new("entered_by_name"),
        )
        .columns([
            (s, ServiceRequests::State),
            (s, ServiceRequests::HolderDepartmentId),
        ])
        .department_name((s, ServiceRequests::HolderDepartmentId), "holder_name")
        .column((s, ServiceRequests::OwnerDepartmentId))
        .department_name((s, ServiceRequests::OwnerDepartmentId), "owner_name")
        .columns([
            (s, ServiceRequests::Reopened),
            (s, ServiceRequests::MergedInto),
            (s, ServiceRequests::SubmittedAt),
            (s, ServiceRequests::AcceptBy),
            (s, ServiceRequests::AnswerBy),
            (s, ServiceRequests::AnsweredAt),
            (s, ServiceRequests::ClosedAt),
            (s, ServiceRequests::Answer),
            (s, ServiceRequests::Rating),
            (s, ServiceRequests::RatingComment),
            (s, ServiceRequests::IsPublished),
            (s, ServiceRequests::PublicDescription),
            (s, ServiceRequests::Version),
        ])
        .from(s)
        .with_category()
        .to_owned()
}

/// Metres per degree of latitude, for the box that pre-selects duplicate candidates.
const METRES_PER_DEGREE: f64 = 111_320.0;

impl Requests<'_> {
    /// Request `id`'s file, if it lies in the caller's scope.
    pub async fn file(&self, id: i64) -> Result<RequestFile, StoreError> {
        self.require(Permission::ReadRequests).await?;
        let s = ServiceRequests::Table;
        let mut tx = self.db.read().await?;
        let mut found: RequestFile = tx
            .optional(
                file()
                    .and_where(Expr::col((s, ServiceRequests::Id)).eq(id))
                    .and_where(in_scope(&self.actor.scope)),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        let ownership = RequestOwnership {
            holder: found.holder_department_id,
            owner: found.owner_department_id,
        };
        found.party = party_of(self.actor, ownership);
        if handles(self.actor, ownership) {
            let contact: Contact = tx
                .one(
                    Query::select()
                        .columns([ServiceRequests::ContactName, ServiceRequests::ContactPhone])
                        .from(s)
                        .and_where(Expr::col(ServiceRequests::Id).eq(id)),
                )
                .await?;
            found.contact_name = contact.contact_name;
            found.contact_phone = contact.contact_phone;
        } else if let (Some(lat), Some(lon)) = (found.latitude, found.longitude) {
            // The exact point is for those handling it, like the contact details (issue 15).
            let shown = Point { lat, lon }.coarsened();
            (found.latitude, found.longitude) = (Some(shown.lat), Some(shown.lon));
        }
        found.photos = tx
            .all(
                Query::select()
                    .columns([
                        RequestPhotos::Id,
                        RequestPhotos::Stage,
                        RequestPhotos::Width,
                        RequestPhotos::Height,
                    ])
                    .from(RequestPhotos::Table)
                    .and_where(Expr::col(RequestPhotos::RequestId).eq(id))
                    .order_by(RequestPhotos::Id, Order::Asc),
            )
            .await?;
        found.timeline = tx
            .all(
                &timeline(id)
                    .columns([RequestEvents::ActorName, RequestEvents::Note])
                    .take(),
            )
            .await?;
        Ok(found)
    }

    /// The requests in the caller's scope that `file` may duplicate under `rule`: the same
    /// category, near in place and time, not merged themselves; nearest first.
    pub async fn duplicates(
        &self,
        file: &RequestFile,
        rule: &DuplicateRule,
    ) -> Result<Vec<DuplicateCandidate>, StoreError> {
        self.require(Permission::ReadRequests).await?;
        let Some(here) = file.point() else {
            return Ok(Vec::new());
        };
        let s = ServiceRequests::Table;
        let lat_span = rule.metres / METRES_PER_DEGREE;
        let lon_span = lat_span / here.lat.to_radians().cos().max(0.01);
        let mut tx = self.db.read().await?;
        let nearby: Vec<Nearby> = tx
            .all(
                Query::select()
                    .columns([
                        (s, ServiceRequests::Id),
                        (s, ServiceRequests::Description),
                        (s, ServiceRequests::State),
                        (s, ServiceRequests::SubmittedAt),
                        (s, ServiceRequests::Latitude),
                        (s, ServiceRequests::Longitude),
                    ])
                    .from(s)
                    .and_where(in_scope(&self.actor.scope))
                    .and_where(Expr::col((s, ServiceRequests::Id)).ne(file.id))
                    .and_where(
                        Expr::col((s, ServiceRequests::State)).ne(RequestState::Merged.code()),
                    )
                    .and_where(
                        Expr::col((s, ServiceRequests::CategoryId)).in_subquery(
                            Query::select()
                                .column(RequestCategories::Id)
                                .from(RequestCategories::Table)
                                .and_where(
                                    Expr::col(RequestCategories::Code)
                                        .eq(file.category_code.as_str()),
                                )
                                .take(),
                        ),
                    )
                    .and_where(Expr::col((s, ServiceRequests::SubmittedAt)).between(
                        file.submitted_at - rule.window,
                        file.submitted_at + rule.window,
                    ))
                    .and_where(
                        Expr::col((s, ServiceRequests::Latitude))
                            .between(here.lat - lat_span, here.lat + lat_span),
                    )
                    .and_where(
                        Expr::col((s, ServiceRequests::Longitude))
                            .between(here.lon - lon_span, here.lon + lon_span),
                    )
                    .limit(50),
            )
            .await?;
        let this = Sighting {
            category: &file.category_code,
            point: Some(here),
            at: file.submitted_at,
        };
        let mut out: Vec<DuplicateCandidate> = nearby
            .into_iter()
            .filter_map(|n| {
                let point = Point {
                    lat: n.latitude?,
                    lon: n.longitude?,
                };
                let other = Sighting {
                    category: &file.category_code,
                    point: Some(point),
                    at: n.submitted_at,
                };
                near_duplicates(&this, &other, rule).then(|| DuplicateCandidate {
                    id: n.id,
                    description: n.description,
                    state: n.state,
                    submitted_at: n.submitted_at,
                    metres: distance_metres(here, point).round() as u32,
                })
            })
            .collect();
        out.sort_by_key(|c| (c.metres, c.id));
        Ok(out)
    }

    /// The departments a request may be dispatched or transferred to: every department of the
    /// caller's region subtree, also for department staff whose scope is narrowed to their own
    /// (they pass requests to departments whose records they cannot otherwise see).
    pub async fn departments(&self) -> Result<Vec<Department>, StoreError> {
        self.require(Permission::HandleRequests).await?;
        let region = DataScope {
            region_path: self.actor.scope.region_path.clone(),
            departments: Vec::new(),
        };
        let mut tx = self.db.read().await?;
        tx.all(&crate::org::departments::in_scope(&region)).await
    }

    /// The bytes of a photo of request `id` (its display copy, or its thumbnail), if the
    /// request lies in the caller's scope.
    pub async fn photo(
        &self,
        id: i64,
        photo: i64,
        thumbnail: bool,
        blobs: &dyn BlobStore,
    ) -> Result<Vec<u8>, StoreError> {
        self.require(Permission::ReadRequests).await?;
        let s = ServiceRequests::Table;
        let p = RequestPhotos::Table;
        let copy = if thumbnail {
            RequestPhotos::Thumbnail
        } else {
            RequestPhotos::Display
        };
        let mut tx = self.db.read().await?;
        let (key,): (String,) = tx
            .optional(
                Query::select()
                    .column((p, copy))
                    .from(p)
                    .inner_join(
                        s,
                        Expr::col((s, ServiceRequests::Id)).equals((p, RequestPhotos::RequestId)),
                    )
                    .and_where(Expr::col((p, RequestPhotos::Id)).eq(photo))
                    .and_where(Expr::col((p, RequestPhotos::RequestId)).eq(id))
                    .and_where(in_scope(&self.actor.scope)),
            )
            .await?
            .ok_or(StoreError::NotFound)?;
        drop(tx);
        blobs.get(&key).await?.ok_or(StoreError::NotFound)
    }
}
