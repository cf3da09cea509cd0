//! [`TestApp`], the one way a web test gets an application: built by [`Builder`] on every
//! database under test (SQLite, and PostgreSQL when `MINXIN_TEST_DATABASE_URL` is set), each
//! over a fresh copy of the storage harness's fixture or of the demo district. The tests' direct
//! storage calls for their set-up live here and beside it (`projects_setup.rs`,
//! `money_setup.rs`, `requests_setup.rs`), so a change of storage's API touches few lines.

use super::client::Client;
use super::{Reply, send, test_config};
use axum::Router;
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use chrono::NaiveDate;
use minxin_domain::kernel::clock::Clock;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::{Actor, Role, RoleSet};
use minxin_storage::Store;
use minxin_storage::identity::bootstrap::CliAccount;
use minxin_storage::kernel::blobs::BlobStore;
use minxin_storage::org::regions::Region;
use minxin_storage::testing::{Fixture, PASSWORD, fixture, stores_on};
use minxin_web::{AppState, WebConfig, app};
use serde_json::{Value, json};

/// One database's application, its state and what it was seeded with.
pub struct TestApp {
    /// Which database the app runs on, for assertion messages.
    pub backend: &'static str,
    /// The application's routes.
    pub router: Router,
    /// The state the routes run on (store, configuration, clock, CSRF key).
    pub state: AppState,
    fixture: Option<Fixture>,
    password: &'static str,
}

/// How the apps of a test are made: configuration, clock and seed data.
pub struct Builder {
    config: Box<dyn Fn(&mut WebConfig)>,
    clock: Option<Clock>,
    demo: Option<(&'static str, NaiveDate)>,
}

impl TestApp {
    /// An app on every database under test, each over a fresh fixture, with the default test
    /// configuration.
    pub async fn each() -> Vec<TestApp> {
        Self::builder().each().await
    }

    /// A builder for apps that need another configuration, clock or seed.
    pub fn builder() -> Builder {
        Builder {
            config: Box::new(|_| {}),
            clock: None,
            demo: None,
        }
    }

    /// The standard organisation this app was seeded with.
    ///
    /// # Panics
    ///
    /// When the app runs on the demo district instead.
    pub fn fx(&self) -> &Fixture {
        self.fixture
            .as_ref()
            .expect("this app runs on the demo district, not the fixture")
    }

    /// The same app with attachments and photos kept in `blobs` (the object-storage suite runs
    /// the app on every blob back end).
    pub fn with_blobs(mut self, blobs: std::sync::Arc<dyn BlobStore>) -> Self {
        self.state = self.state.with_blobs(blobs);
        self.router = app(self.state.clone());
        self
    }

    /// The store behind the app.
    pub fn store(&self) -> &Store {
        &self.state.store
    }

    /// A browser without a session.
    pub fn anonymous(&self) -> Client<'_> {
        Client::new(self)
    }

    /// A browser signed in through the login form as account `username` (with the seed's
    /// password).
    pub async fn signed_in(&self, username: &str) -> Client<'_> {
        let mut client = self.anonymous();
        let reply = client.sign_in(username, self.password).await;
        assert_eq!(
            reply.status,
            StatusCode::SEE_OTHER,
            "{}: {username} signs in: {}",
            self.backend,
            reply.body
        );
        client
    }

    /// Sends one request to the app.
    pub async fn send(&self, request: Request<Body>) -> Reply {
        send(&self.router, request).await
    }

    /// Calls the JSON API as the holder of `token`.
    pub async fn api(
        &self,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        self.api_in(None, method, path, token, body).await
    }

    /// Posts `body` to the JSON API as the holder of `token`: the call most API tests repeat.
    pub async fn post_api(&self, path: &str, token: &str, body: Value) -> Reply {
        self.api(Method::POST, path, Some(token), Some(body)).await
    }

    /// Reads `path` from the JSON API as the holder of `token`.
    pub async fn get_api(&self, path: &str, token: &str) -> Reply {
        self.api(Method::GET, path, Some(token), None).await
    }

    /// Calls the JSON API as the holder of `token`, asking for messages in `language` if given.
    pub async fn api_in(
        &self,
        language: Option<&str>,
        method: Method,
        path: &str,
        token: Option<&str>,
        body: Option<Value>,
    ) -> Reply {
        let mut request = Request::builder()
            .method(method)
            .uri(format!("/api/v1{path}"));
        if let Some(language) = language {
            request = request.header(header::ACCEPT_LANGUAGE, language);
        }
        if let Some(token) = token {
            request = request.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        let request = match body {
            Some(body) => request
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(body.to_string())),
            None => request.body(Body::empty()),
        };
        self.send(request.unwrap()).await
    }

    /// A bearer token for account `username` (with the seed's password).
    pub async fn token(&self, username: &str) -> String {
        let body = json!({ "username": username, "password": self.password, "name": "test" });
        let reply = self
            .api(Method::POST, "/auth/token", None, Some(body))
            .await;
        assert_eq!(
            reply.status,
            StatusCode::CREATED,
            "{}: token for {username}: {}",
            self.backend,
            reply.body
        );
        reply.json()["token"].as_str().unwrap().to_owned()
    }

    /// Runs every due background job (a confirmed import) to the end, as the server's worker
    /// would, so a test sees the outcome without waiting on timing.
    pub async fn drain_jobs(&self) {
        minxin_web::worker(self.state.clone())
            .drain()
            .await
            .unwrap_or_else(|e| panic!("{}: running the jobs: {e}", self.backend));
    }

    /// Serves the app on a free loopback port, for a real browser; returns its base URL.
    pub async fn serve(&self) -> String {
        super::chrome::serve(self.state.clone()).await
    }

    /// The actor of account `username` (seeded or added later), as storage builds it for a
    /// signed-in request, on the fixture and the demo district alike.
    pub async fn actor(&self, username: &str) -> Actor {
        self.store()
            .actor_for_cli(username)
            .await
            .unwrap_or_else(|e| panic!("account `{username}`: {e:?}"))
    }

    /// Adds region `code` (`name`, at `level`) under region `parent`, as the command line would.
    pub async fn region(
        &self,
        code: &str,
        name: &str,
        level: RegionLevel,
        parent: Option<&str>,
    ) -> Region {
        self.store()
            .bootstrap_region(code, name, level, parent)
            .await
            .unwrap()
    }

    /// Adds `account` beside the seeded ones, as the command line would; returns its id.
    pub async fn account(&self, account: &CliAccount<'_>) -> i64 {
        self.store().bootstrap_account(account).await.unwrap()
    }

    /// Adds `site_manager` (现场负责人), a project manager of department A-ZJ in region 990101,
    /// with the fixture's password: the manager the progress tests assign and sign in.
    pub async fn site_manager(&self) -> i64 {
        minxin_storage::testing::site_manager(self.store()).await
    }

    /// Adds a new office account of region 990101 with the initial `password`, which it must
    /// change at its first sign-in: the newcomer of the sign-in tests.
    pub async fn newcomer(&self, username: &str, display_name: &str, password: &str) -> i64 {
        self.account(&CliAccount {
            username,
            display_name,
            password,
            roles: RoleSet::new([Role::Office]),
            region_code: "990101",
            department_code: None,
            scope_region_code: Some("990101"),
            must_change_password: true,
        })
        .await
    }

    /// Narrows account `username` to the departments of `codes`, so it acts on what they hold.
    pub async fn narrow(&self, username: &str, codes: &[&str]) {
        let account = self.actor(username).await.account_id;
        self.store()
            .bootstrap_scope_departments(account, codes)
            .await
            .unwrap();
    }
}

impl Builder {
    /// Changes the test configuration (a fresh data directory per app) with `change`.
    pub fn config(mut self, change: impl Fn(&mut WebConfig) + 'static) -> Self {
        self.config = Box::new(change);
        self
    }

    /// Runs the apps on `clock`, which the test sets (deadlines, overdue, handling times).
    pub fn clock(mut self, clock: &Clock) -> Self {
        self.clock = Some(clock.clone());
        self
    }

    /// Seeds the whole demo district as of `today` (accounts with `password`) instead of the
    /// fixture.
    pub fn demo(mut self, password: &'static str, today: NaiveDate) -> Self {
        self.demo = Some((password, today));
        self
    }

    /// The clock of the apps: the test's, else the system clock. Storage and the pages share
    /// it, so moving it moves every "now".
    fn the_clock(&self) -> Clock {
        self.clock.clone().unwrap_or_else(Clock::system)
    }

    /// The apps, one on every database under test.
    pub async fn each(self) -> Vec<TestApp> {
        let mut out = Vec::new();
        for (backend, store) in stores_on(&self.the_clock()).await {
            out.push(self.build(backend, store).await);
        }
        out
    }

    /// The app on the first database under test, SQLite, for tests whose subject does not
    /// depend on the database (a real browser, the OpenAPI document).
    pub async fn sqlite(self) -> TestApp {
        let (backend, store) = stores_on(&self.the_clock()).await.remove(0);
        self.build(backend, store).await
    }

    async fn build(&self, backend: &'static str, store: Store) -> TestApp {
        let (fixture, password) = match self.demo {
            Some((password, today)) => {
                minxin_demo::seed(&store, password, today, |_| {})
                    .await
                    .unwrap();
                (None, password)
            }
            None => (Some(fixture(&store).await), PASSWORD),
        };
        let mut config = test_config();
        (self.config)(&mut config);
        let state = AppState::new(store, config).await.unwrap();
        TestApp {
            backend,
            router: app(state.clone()),
            state,
            fixture,
            password,
        }
    }
}
