//! The system's scheduled jobs on the queue: the nightly run asked for by two instances runs
//! once, and is taken over by the other instance when the one holding it died; each ten-minute
//! slot's escalation runs once too.

use crate::common::TestApp;
use chrono::{DateTime, Duration, Utc};
use minxin_domain::kernel::clock::Clock;
use minxin_storage::kernel::jobs::{JobState, ListedJob};
use minxin_web::AppState;

/// The jobs of `kind`, as the system administrator lists them.
async fn jobs_of(app: &TestApp, kind: &str) -> Vec<ListedJob> {
    let admin = app.actor("sysadmin").await;
    let scoped = app.state.store.scoped(&admin, "t");
    let all = scoped.job_admin().list(None).await.unwrap();
    all.into_iter().filter(|j| j.kind == kind).collect()
}

/// A second server instance on the app's database.
async fn another_instance(app: &TestApp) -> AppState {
    AppState::new(app.state.store.another_instance(), app.state.config.clone())
        .await
        .unwrap()
}

#[tokio::test]
async fn the_nightly_run_of_two_instances_runs_once_and_is_taken_over_when_its_holder_dies() {
    // 08:00 in Shanghai: today's nightly run is due.
    let at: DateTime<Utc> = "2026-12-07T00:00:00Z".parse().unwrap();
    let clock = Clock::fixed(at);
    for app in TestApp::builder().clock(&clock).each().await {
        // Each back end starts at 08:00 again: the previous one left the clock a day later.
        clock.set(at);
        let b = app.backend;
        let other = another_instance(&app).await;
        let (one, two) = (
            minxin_web::worker(app.state.clone()),
            minxin_web::worker(other.clone()),
        );
        one.schedule_due().await.unwrap();
        two.schedule_due().await.unwrap();
        let nightly = jobs_of(&app, "control.nightly").await;
        assert_eq!(nightly.len(), 1, "[{b}] one run for the day");
        assert_eq!(jobs_of(&app, "requests.escalation").await.len(), 1, "[{b}]");

        // The first instance claims it and dies: its lease is never renewed.
        let dead = app
            .state
            .store
            .queue()
            .claim(&["control.nightly"], Duration::seconds(60))
            .await
            .unwrap()
            .expect("due");
        assert_eq!(dead.job.id, nightly[0].id, "[{b}]");
        two.drain().await.unwrap();
        let held = jobs_of(&app, "control.nightly").await;
        assert_eq!(held[0].state, JobState::Running, "[{b}] still leased");

        clock.set(at + Duration::seconds(61));
        two.drain().await.unwrap();
        let done = jobs_of(&app, "control.nightly").await;
        assert_eq!(done[0].state, JobState::Finished, "[{b}] taken over");
        assert_eq!(done[0].attempts, 2, "[{b}]");

        // Asked for again the same day by both: nothing more runs.
        one.schedule_due().await.unwrap();
        two.schedule_due().await.unwrap();
        one.drain().await.unwrap();
        let nightly = jobs_of(&app, "control.nightly").await;
        assert_eq!(nightly.len(), 1, "[{b}]");
        assert_eq!(nightly[0].attempts, 2, "[{b}] not run again");
        let escalations = jobs_of(&app, "requests.escalation").await;
        assert_eq!(escalations.len(), 1, "[{b}] the same ten minutes");
        assert_eq!(escalations[0].state, JobState::Finished, "[{b}]");

        // The next ten minutes have a run of their own; the next day a nightly run.
        clock.set(at + Duration::minutes(10));
        two.schedule_due().await.unwrap();
        clock.set(at + Duration::days(1));
        one.schedule_due().await.unwrap();
        assert_eq!(jobs_of(&app, "requests.escalation").await.len(), 3, "[{b}]");
        assert_eq!(jobs_of(&app, "control.nightly").await.len(), 2, "[{b}]");
    }
}
