//! The service-request steps tests take straight in storage to bring a request where the page
//! under test begins (dispatched, answered, published), kept here beside the other set-ups of
//! [`TestApp`] so that a change of storage's API touches few lines.

use super::TestApp;
use chrono::{DateTime, Utc};
use minxin_domain::requests::service_request::Move;

impl TestApp {
    /// Takes step `step` on request `id` at `version` as account `username`, at `now`.
    pub async fn move_request(
        &self,
        username: &str,
        id: i64,
        version: i64,
        step: &Move,
        now: DateTime<Utc>,
    ) {
        let actor = self.actor(username).await;
        self.store()
            .scoped(&actor, "t")
            .move_request(id, version, step, now)
            .await
            .unwrap();
    }

    /// Publishes request `id` at `version` on the public pages as `office_a`, in `wording` if
    /// given (`confirmed` that it holds no personal data).
    pub async fn publish_request(
        &self,
        id: i64,
        version: i64,
        wording: Option<&str>,
        confirmed: bool,
        now: DateTime<Utc>,
    ) {
        let office = self.actor("office_a").await;
        self.store()
            .scoped(&office, "t")
            .publish_request(id, version, wording, confirmed, now)
            .await
            .unwrap();
    }
}
