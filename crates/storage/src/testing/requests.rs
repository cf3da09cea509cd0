//! A resident's request as the suites about handling and publishing start from: anonymous,
//! from the portal, about a broken street light inside the fixture's street; and where intake
//! places a request, for the placement and demo-boundary suites.

use super::{Fixture, query_raw};
use crate::Store;
use crate::kernel::blobs::LocalBlobStore;
use crate::requests::{Receipt, Submission};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::requests::intake::{Channel, IntakeDraft};

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

/// Submits `submission` without photos as a resident and returns its receipt.
pub async fn submit(store: &Store, submission: &Submission) -> Receipt {
    // Nothing is written to the blob store by a request without photos.
    let blobs = LocalBlobStore::new(&std::env::temp_dir());
    store
        .residents("203.0.113.7")
        .submit(
            submission,
            &[],
            &blobs,
            &WorkingCalendar::shipped(),
            store.db().now(),
        )
        .await
        .expect("the resident's request is accepted")
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
