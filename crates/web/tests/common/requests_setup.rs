//! The service-request steps tests take straight in storage to bring a request where the page
//! under test begins (dispatched, answered, published), and the Open311 keys the command line
//! issues, kept here beside the other set-ups of [`TestApp`] so that a change of storage's API
//! touches few lines.

use super::TestApp;
use chrono::{DateTime, Utc};
use minxin_domain::requests::service_request::Move;
use minxin_storage::requests::{IssuedKey, Open311Key};
use minxin_storage::testing::execute_raw;

impl TestApp {
    /// Gives street A a community boundary around (30.5, 114.5), so that requests placed there
    /// are routed inside the district office's scope.
    pub async fn bound_street_a(&self) {
        execute_raw(
            self.store(),
            &format!(
                "INSERT INTO community_boundaries (region_id, geojson, updated_at) VALUES ({}, \
                 '{{\"type\":\"Polygon\",\"coordinates\":[[[114.4,30.4],[114.6,30.4],[114.6,30.6],[114.4,30.6]]]}}', \
                 CURRENT_TIMESTAMP)",
                self.fx().street_a.id
            ),
        )
        .await
        .unwrap();
    }

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
            .requests()
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
            .requests()
            .publish(id, version, wording, confirmed, now)
            .await
            .unwrap();
    }

    /// An Open311 key for application `name`, issued the way `minxin open311-key create` does.
    pub async fn open311_key(&self, name: &str) -> IssuedKey {
        self.store().bootstrap_open311_key(name).await.unwrap()
    }

    /// The Open311 keys issued so far, as `minxin open311-key list` shows them.
    pub async fn open311_keys(&self) -> Vec<Open311Key> {
        self.store().bootstrap_open311_keys().await.unwrap()
    }

    /// Revokes Open311 key `id`, as `minxin open311-key revoke` does.
    pub async fn revoke_open311_key(&self, id: i64) {
        self.store().bootstrap_revoke_open311_key(id).await.unwrap();
    }
}
