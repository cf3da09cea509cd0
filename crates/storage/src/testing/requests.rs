//! A resident's request as the suites about handling and publishing start from: anonymous,
//! from the portal, about a broken street light inside the fixture's street.

use super::Fixture;
use crate::blobs::LocalBlobStore;
use crate::requests::{Receipt, Submission};
use minxin_domain::calendar::WorkingCalendar;
use minxin_domain::request_intake::{Channel, IntakeDraft};

impl Fixture {
    /// Submits an anonymous portal request in the words `description`, without photos.
    pub async fn resident_request(&self, description: &str) -> Receipt {
        let submission = Submission {
            draft: IntakeDraft {
                category: "lighting".into(),
                description: description.into(),
                lat: "30.5".into(),
                lon: "114.5".into(),
                ..IntakeDraft::default()
            },
            project_code: None,
            channel: Channel::Portal,
        };
        // Nothing is written to the blob store by a request without photos.
        let blobs = LocalBlobStore::new(&std::env::temp_dir());
        self.store
            .residents("203.0.113.7")
            .submit(
                &submission,
                &[],
                &blobs,
                &WorkingCalendar::shipped(),
                chrono::Utc::now(),
            )
            .await
            .expect("the resident's request is accepted")
    }
}
