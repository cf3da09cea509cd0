//! A resident's request as the suites about handling and publishing start from: anonymous,
//! from the portal, about a broken street light inside the fixture's street; where intake
//! places a request, for the placement and demo-boundary suites; and the moves of the workflow
//! at a chosen time, which every suite about handling and statistics takes.

use super::{Fixture, query_raw};
use crate::kernel::blobs::ObjectBlobStore;
use crate::requests::{Receipt, Submission};
use crate::{Store, StoreError};
use chrono::{DateTime, Utc};
use minxin_domain::Actor;
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::requests::intake::{Channel, IntakeDraft};
use minxin_domain::requests::service_request::{Move, RequestState};

impl Fixture {
    /// Submits an anonymous portal request in the words `description`, without photos.
    pub async fn resident_request(&self, description: &str) -> Receipt {
        let draft = IntakeDraft {
            category: "lighting".into(),
            description: description.into(),
            lat: "30.5".into(),
            lon: "114.5".into(),
            ..IntakeDraft::default()
        };
        let submission = Submission::parse(draft, None, Channel::Portal, 0).expect("a request");
        submit(&self.store, &submission).await
    }
}

/// A portal request from 王女士 (phone 13800001234) in `category` at (`lat`, `lon`), the
/// contact details that the suites check are kept from the audit log and from leaders.
pub fn portal_request(category: &str, lat: &str, lon: &str) -> Submission {
    Submission::parse(portal_draft(category, lat, lon), None, Channel::Portal, 0)
        .expect("the portal request parses")
}

/// The form of [`portal_request`] as typed, for the suites that change a field before parsing.
pub fn portal_draft(category: &str, lat: &str, lon: &str) -> IntakeDraft {
    IntakeDraft {
        category: category.into(),
        description: "人行道砖松动，老人容易绊倒".into(),
        lat: lat.into(),
        lon: lon.into(),
        name: "王女士".into(),
        phone: "13800001234".into(),
        ..IntakeDraft::default()
    }
}

/// Submits `submission` without photos as a resident and returns its receipt.
pub async fn submit(store: &Store, submission: &Submission) -> Receipt {
    submit_at(store, submission, store.db().now()).await
}

/// Submits `submission` without photos as a resident at `at` (deadlines count from it).
pub async fn submit_at(store: &Store, submission: &Submission, at: DateTime<Utc>) -> Receipt {
    // Nothing is written to the blob store by a request without photos.
    let blobs = ObjectBlobStore::new(
        std::sync::Arc::new(object_store::memory::InMemory::new()),
        object_store::path::Path::default(),
        "memory".into(),
    );
    store
        .residents("203.0.113.7")
        .submit(submission, &[], &blobs, &WorkingCalendar::shipped(), at)
        .await
        .expect("the resident's request is accepted")
}

/// The current version of request `id`, which every move must name.
pub async fn request_version(store: &Store, id: i64) -> i64 {
    let rows: Vec<(i64,)> = query_raw(
        store,
        &format!("SELECT version FROM service_requests WHERE id = {id}"),
    )
    .await
    .expect("the request is stored");
    rows[0].0
}

/// Takes request `id` one step `m` as `who` at `at`, naming its current version.
pub async fn move_request(
    store: &Store,
    who: &Actor,
    id: i64,
    m: &Move,
    at: DateTime<Utc>,
) -> Result<RequestState, StoreError> {
    let version = request_version(store, id).await;
    store
        .scoped(who, "t")
        .requests()
        .move_request(id, version, m, at)
        .await
}

/// Submits `submission` and returns the region path intake placed it in.
pub async fn placed(store: &Store, submission: &Submission) -> String {
    let receipt = submit(store, submission).await;
    let rows: Vec<(String,)> = query_raw(
        store,
        &format!(
            "SELECT region_path FROM service_requests WHERE id = {}",
            receipt.id
        ),
    )
    .await
    .expect("the request is stored");
    rows[0].0.clone()
}
