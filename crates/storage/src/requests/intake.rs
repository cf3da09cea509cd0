//! Intake: a request checked, placed, routed and stored in one transaction with its photos,
//! its first timeline entries and its audit entry, so a receipt code handed out is a request
//! durably committed; the transaction is shared with the other requests submitted at the same
//! moment ([`GroupCommit`]), each under its own savepoint. Placement and routing are
//! `placement.rs`: a request no rule fits waits in the dispatch queue of the office whose scope
//! it was placed in.

use super::Requests;
use super::placement::{Routed, region_for, routed};
use super::rows::{EventRow, RequestRow, insert_events, insert_requests};
use super::{GroupCommit, Residents};
use crate::kernel::audit::{self, NewEntry};
use crate::kernel::blobs::BlobStore;
use crate::kernel::db::Db;
use crate::kernel::db::Tx;
use crate::kernel::error::StoreError;
use crate::kernel::schema::*;
use crate::projects::read::shown;
use chrono::{DateTime, Utc};
use minxin_domain::kernel::audit::{AuditAction, AuditOutcome};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::kernel::geo::Point;
use minxin_domain::requests::deadline::{Deadlines, deadlines};
use minxin_domain::requests::intake::{Channel, Intake, IntakeDraft, MAX_PHOTOS, check_intake};
use minxin_domain::requests::receipt::ReceiptCode;
use minxin_domain::requests::service_request::RequestState;
use minxin_domain::{FieldProblem, Permission, Problem};
use sea_query::{Expr, ExprTrait, Query};
use serde::Serialize;

/// A photo prepared for storage: only re-encoded copies without metadata are kept.
#[derive(Clone)]
pub struct RequestPhoto {
    /// The display copy (JPEG, no metadata).
    pub display: Vec<u8>,
    /// The thumbnail (JPEG, no metadata).
    pub thumbnail: Vec<u8>,
    /// Display width in pixels.
    pub width: u32,
    /// Display height in pixels.
    pub height: u32,
    /// Whether the upload carried a GPS location (removed from the copies).
    pub had_location: bool,
}

/// A request as submitted, with how it came: parsed at the edge ([`Submission::parse`]), so
/// storage takes only a checked request and never reads raw form text.
#[derive(Debug, Clone)]
pub struct Submission {
    /// The request, checked.
    pub intake: Intake,
    /// The code of the project it concerns, if any (a signboard's QR code fills it in).
    pub project_code: Option<String>,
    /// How it reached us.
    pub channel: Channel,
}

impl Submission {
    /// The request as typed, with `photos` photos, about the project `project_code` if any
    /// (whose location then stands for the place), or every field's problem at once.
    pub fn parse(
        mut draft: IntakeDraft,
        project_code: Option<String>,
        channel: Channel,
        photos: usize,
    ) -> Result<Submission, Vec<FieldProblem>> {
        draft.has_project = project_code.is_some();
        draft.photos = photos;
        Ok(Submission {
            intake: check_intake(&draft)?,
            project_code,
            channel,
        })
    }
}

/// What the resident is given back: the code to follow the request with and its deadlines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Receipt {
    /// The request's id.
    pub id: i64,
    /// The receipt code (查询码).
    pub code: ReceiptCode,
    /// Its deadlines.
    pub deadlines: Deadlines,
    /// Whether a routing rule sent it straight to a department.
    pub routed: bool,
}

/// A category as intake and routing read it.
#[derive(sqlx::FromRow)]
pub(super) struct CategoryRow {
    /// Id.
    pub(super) id: i64,
    /// Code (Open311 service code).
    pub(super) code: String,
    accept_days: i32,
    answer_days: i32,
}

#[derive(sqlx::FromRow)]
struct ProjectRow {
    id: i64,
    region_path: String,
    latitude: Option<f64>,
    longitude: Option<f64>,
}

/// What the audit log keeps of a new request: no contact details, no receipt code.
#[derive(Serialize)]
struct Audited<'a> {
    category: &'a str,
    channel: &'a str,
    state: &'a str,
    department: Option<i64>,
    project: Option<i64>,
}

impl Residents<'_> {
    /// Checks, routes and stores a resident's request with its photos; the receipt comes back
    /// only once everything is committed. Deadlines are counted on `calendar` from `now`.
    /// Residents' own channels only: the portal, a signboard, Open311.
    pub async fn submit(
        &self,
        submission: &Submission,
        photos: &[RequestPhoto],
        blobs: &dyn BlobStore,
        calendar: &WorkingCalendar,
        now: DateTime<Utc>,
    ) -> Result<Receipt, StoreError> {
        if Channel::STAFF.contains(&submission.channel) {
            return Err(StoreError::invalid("channel", Problem::Malformed));
        }
        let entrant = Entrant {
            account: None,
            address: self.address,
        };
        receive(
            self.db,
            self.intake,
            &entrant,
            submission,
            photos,
            blobs,
            calendar,
            now,
        )
        .await
    }
}

impl Requests<'_> {
    /// A staff member (a grid worker, say) enters a request on a resident's behalf, taken by
    /// phone, at the counter or on a visit; the request records the channel and who entered
    /// it, and is otherwise received like a resident's own.
    pub async fn enter(
        &self,
        submission: &Submission,
        photos: &[RequestPhoto],
        blobs: &dyn BlobStore,
        calendar: &WorkingCalendar,
        now: DateTime<Utc>,
    ) -> Result<Receipt, StoreError> {
        self.require(Permission::EnterRequests).await?;
        if !Channel::STAFF.contains(&submission.channel) {
            return Err(StoreError::invalid("channel", Problem::Malformed));
        }
        let entrant = Entrant {
            account: Some((self.actor.account_id, &self.actor.username)),
            address: self.address,
        };
        receive(
            self.db,
            &self.store.intake,
            &entrant,
            submission,
            photos,
            blobs,
            calendar,
            now,
        )
        .await
    }
}

/// Who hands a request in: a resident (no account) or staff entering it for one.
struct Entrant<'a> {
    account: Option<(i64, &'a str)>,
    address: &'a str,
}

/// A request checked, placed and routed, with everything its rows need: what the intake
/// writer ([`GroupCommit`]) inserts.
#[derive(Debug)]
pub(crate) struct Prepared {
    intake: Intake,
    category: i64,
    category_code: String,
    point: Option<Point>,
    project: Option<i64>,
    region_path: String,
    department: Option<i64>,
    channel: Channel,
    account: Option<(i64, String)>,
    address: String,
    code: ReceiptCode,
    state: RequestState,
    due: Deadlines,
    photos: Vec<StoredPhoto>,
    now: DateTime<Utc>,
}

/// A photo's copies as kept in the blob store, and its facts.
#[derive(Debug)]
pub(crate) struct StoredPhoto {
    display: String,
    thumbnail: String,
    width: u32,
    height: u32,
    had_location: bool,
}

/// Receives a request: checks, places and routes it, then has the intake writer store it (see
/// the module documentation); the receipt comes back once it is committed.
#[allow(clippy::too_many_arguments)]
async fn receive(
    db: &Db,
    writer: &GroupCommit,
    entrant: &Entrant<'_>,
    submission: &Submission,
    photos: &[RequestPhoto],
    blobs: &dyn BlobStore,
    calendar: &WorkingCalendar,
    now: DateTime<Utc>,
) -> Result<Receipt, StoreError> {
    if photos.len() > MAX_PHOTOS {
        return Err(StoreError::invalid(
            "photos",
            Problem::TooMany { max: MAX_PHOTOS },
        ));
    }
    let intake = submission.intake.clone();
    let stored = put_photos(blobs, photos).await?;
    // Categories, projects, boundaries and rules are read before the write, outside its
    // transaction, so the writer holds the write lock for inserts only.
    let mut read = db.read().await?;
    let category = category(&mut read, &intake.category).await?;
    let project = match &submission.project_code {
        Some(code) => Some(public_project(&mut read, code).await?),
        None => None,
    };
    let point = intake.point.or_else(|| {
        project.as_ref().and_then(|p| {
            Some(Point {
                lat: p.latitude?,
                lon: p.longitude?,
            })
        })
    });
    let Routed {
        containing,
        department,
    } = routed(&mut read, &category.code, point).await?;
    let region_path = region_for(
        &mut read,
        &containing,
        project.as_ref().map(|p| p.region_path.as_str()),
        point,
        writer.near_project_metres(),
    )
    .await?;
    drop(read);
    let due = deadlines(
        calendar,
        now,
        u32::try_from(category.accept_days).unwrap_or(0),
        u32::try_from(category.answer_days).unwrap_or(0),
    );
    let state = if department.is_some() {
        RequestState::Assigned
    } else {
        RequestState::Submitted
    };
    let code = ReceiptCode::from_random(std::array::from_fn(|_| rand::random::<u64>()));
    let id = writer
        .commit(Prepared {
            intake,
            category: category.id,
            category_code: category.code,
            point,
            project: project.as_ref().map(|p| p.id),
            region_path,
            department,
            channel: submission.channel,
            account: entrant.account.map(|(id, name)| (id, name.to_owned())),
            address: entrant.address.to_owned(),
            code: code.clone(),
            state,
            due,
            photos: stored,
            now,
        })
        .await?;
    Ok(Receipt {
        id,
        code,
        deadlines: due,
        routed: department.is_some(),
    })
}

/// Writes a prepared request: its row, first timeline entries, photos and audit entry (no
/// contact details in the log); returns its id.
pub(crate) async fn write(tx: &mut Tx, p: &Prepared) -> Result<i64, StoreError> {
    let now = p.now;
    let account = p.account.as_ref().map(|(id, name)| (*id, name.as_str()));
    let id = insert(tx, p).await?;
    event_by(tx, id, "submitted", None, account, "", now).await?;
    if p.department.is_some() {
        event(tx, id, "assigned", p.department, now).await?;
    }
    add_photos(tx, id, "intake", &p.photos, now).await?;
    audit::append(
        tx,
        NewEntry {
            actor_id: account.map(|(id, _)| id),
            actor_name: account.map_or("resident", |(_, name)| name).to_owned(),
            address: p.address.clone(),
            action: AuditAction::RequestSubmit,
            outcome: AuditOutcome::Success,
            target_type: "service_request",
            target_id: Some(id.to_string()),
            target_label: format!("{} #{id}", p.category_code),
            before: None,
            after: serde_json::to_value(Audited {
                category: &p.category_code,
                channel: p.channel.code(),
                state: p.state.code(),
                department: p.department,
                project: p.project,
            })
            .ok(),
            region_path: p.region_path.clone(),
        },
    )
    .await?;
    Ok(id)
}

async fn insert(tx: &mut Tx, p: &Prepared) -> Result<i64, StoreError> {
    let intake = &p.intake;
    tx.insert(insert_requests([RequestRow {
        receipt: p.code.as_str(),
        category: p.category,
        description: &intake.description,
        point: p.point,
        address: &intake.address,
        project: p.project,
        region_path: &p.region_path,
        channel: p.channel,
        entered_by: p.account.as_ref().map(|(id, _)| *id),
        contact: (intake.name.as_deref(), intake.phone.as_deref()),
        state: p.state,
        holder: p.department,
        owner: None,
        submitted_at: p.now,
        due: p.due,
        answer: None,
        closed_at: None,
        rating: None,
        is_published: false,
        updated_at: p.now,
    }]))
    .await
}

/// Stores the copies of `photos` as blobs (before the transaction: a blob without a row is
/// harmless, a row without its blob is not) and returns them as kept.
pub(super) async fn put_photos(
    blobs: &dyn BlobStore,
    photos: &[RequestPhoto],
) -> Result<Vec<StoredPhoto>, StoreError> {
    let mut stored = Vec::with_capacity(photos.len());
    for photo in photos {
        stored.push(StoredPhoto {
            display: blobs.put(&photo.display).await?,
            thumbnail: blobs.put(&photo.thumbnail).await?,
            width: photo.width,
            height: photo.height,
            had_location: photo.had_location,
        });
    }
    Ok(stored)
}

/// Records `photos` (as [`put_photos`] kept them) for request `request` at
/// `stage`: `intake` for the resident's, `answer` for the department's.
pub(super) async fn add_photos(
    tx: &mut Tx,
    request: i64,
    stage: &str,
    photos: &[StoredPhoto],
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    for photo in photos {
        tx.insert(
            Query::insert()
                .into_table(RequestPhotos::Table)
                .columns([
                    RequestPhotos::RequestId,
                    RequestPhotos::Stage,
                    RequestPhotos::Display,
                    RequestPhotos::Thumbnail,
                    RequestPhotos::Width,
                    RequestPhotos::Height,
                    RequestPhotos::HadLocation,
                    RequestPhotos::UploadedAt,
                ])
                .values_panic([
                    request.into(),
                    stage.into(),
                    photo.display.as_str().into(),
                    photo.thumbnail.as_str().into(),
                    i64::from(photo.width).into(),
                    i64::from(photo.height).into(),
                    photo.had_location.into(),
                    now.into(),
                ])
                .take(),
        )
        .await?;
    }
    Ok(())
}

/// Appends a timeline entry by the resident or a routing rule (no account).
async fn event(
    tx: &mut Tx,
    request: i64,
    kind: &str,
    department: Option<i64>,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    event_by(tx, request, kind, department, None, "", now).await
}

/// Appends a timeline entry: what happened, the department it concerns, the staff account that
/// did it (none for residents and rules) and its reason or answer.
pub(super) async fn event_by(
    tx: &mut Tx,
    request: i64,
    kind: &str,
    department: Option<i64>,
    account: Option<(i64, &str)>,
    note: &str,
    now: DateTime<Utc>,
) -> Result<(), StoreError> {
    tx.insert(insert_events([EventRow {
        request,
        kind,
        at: now,
        account,
        department,
        note,
    }]))
    .await?;
    Ok(())
}

/// An active category by code, else a problem on the category field.
pub(super) async fn category(tx: &mut Tx, code: &str) -> Result<CategoryRow, StoreError> {
    tx.optional(
        Query::select()
            .columns([
                RequestCategories::Id,
                RequestCategories::Code,
                RequestCategories::AcceptDays,
                RequestCategories::AnswerDays,
            ])
            .from(RequestCategories::Table)
            .and_where(Expr::col(RequestCategories::Code).eq(code))
            .and_where(Expr::col(RequestCategories::Active).eq(true)),
    )
    .await?
    .ok_or_else(|| StoreError::invalid("category", Problem::Unknown))
}

/// The public project `code`, else a problem on the project field: residents can only name
/// projects the public sees.
async fn public_project(tx: &mut Tx, code: &str) -> Result<ProjectRow, StoreError> {
    tx.optional(
        Query::select()
            .columns([
                (Projects::Table, Projects::Id),
                (Projects::Table, Projects::RegionPath),
                (Projects::Table, Projects::Latitude),
                (Projects::Table, Projects::Longitude),
            ])
            .from(Projects::Table)
            .and_where(Expr::col((Projects::Table, Projects::Code)).eq(code.trim()))
            .and_where(shown()),
    )
    .await?
    .ok_or_else(|| StoreError::invalid("project", Problem::Unknown))
}
