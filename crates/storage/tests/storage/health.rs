//! The operator's figures, on SQLite and PostgreSQL: a migrated database has every migration,
//! the queue's depth counts jobs by state with its oldest queued one, and the pool reports its
//! connections.

use chrono::{Duration, SubsecRound, Utc};
use minxin_domain::Permission;
use minxin_domain::kernel::clock::Clock;
use minxin_storage::kernel::jobs::NewJob;
use minxin_storage::testing::{fixture, stores_on};
use serde_json::json;

fn job(n: i64) -> NewJob<'static> {
    NewJob {
        kind: "test.health",
        payload: json!({ "n": n }),
        priority: 0,
        file: None,
        held: false,
        permission: Permission::ReadProjects,
    }
}

#[tokio::test]
async fn the_figures_count_migrations_jobs_and_connections() {
    let clock = Clock::fixed(Utc::now().trunc_subsecs(6));
    for (b, store) in stores_on(&clock).await {
        let db = store.db();
        assert!(db.migrations_applied().await.unwrap(), "[{b}] migrated");
        let empty = db.queue_depth().await.unwrap();
        assert_eq!(empty.oldest_queued_at, None, "[{b}] nothing queued yet");

        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let first_at = clock.now();
        let jobs = store.scoped(&office, "t");
        jobs.jobs().enqueue(job(1)).await.unwrap();
        clock.set(first_at + Duration::seconds(30));
        jobs.jobs().enqueue(job(2)).await.unwrap();
        let claimed = store
            .queue()
            .claim(&["test.health"], Duration::seconds(60))
            .await
            .unwrap();
        assert!(claimed.is_some(), "[{b}] one job claimed");

        let depth = db.queue_depth().await.unwrap();
        let count = |state: &str| {
            depth
                .by_state
                .iter()
                .find(|(s, _)| s == state)
                .map_or(0, |(_, n)| *n)
        };
        assert_eq!(
            (count("queued"), count("running")),
            (1, 1),
            "[{b}] {depth:?}"
        );
        assert_eq!(
            depth.oldest_queued_at,
            Some(first_at + Duration::seconds(30)),
            "[{b}] the job still queued is the second, the first runs"
        );

        let pool = db.pool_use();
        assert!(pool.size >= 1 && pool.idle <= pool.size, "[{b}] {pool:?}");
        assert!(pool.max >= pool.size, "[{b}] {pool:?}");
    }
}
