//! The job queue, on SQLite and PostgreSQL: a held job waits for its owner's release, only the
//! owner reads it and its file, a claim takes the next due job by priority with a lease, progress
//! and the outcome are kept, a lease that expired makes the job claimable again (and fences the
//! old claim out), two claimers never get the same job, and old jobs are swept with their files.

use chrono::{Duration, SubsecRound, Utc};
use minxin_domain::Actor;
use minxin_domain::Permission;
use minxin_domain::kernel::clock::Clock;
use minxin_storage::StoreError;
use minxin_storage::kernel::jobs::{JobState, NewJob, Queue};
use minxin_storage::testing::{Fixture, fixture, stores_on};
use serde_json::json;
use std::collections::BTreeSet;

const KIND: &str = "test.job";
const LEASE: Duration = Duration::seconds(60);

/// A clock standing now, to the microsecond PostgreSQL keeps.
fn fixed() -> Clock {
    Clock::fixed(Utc::now().trunc_subsecs(6))
}

/// The fixture in `store` and its office, who owns the jobs.
async fn office(store: &minxin_storage::Store) -> (Fixture, Actor) {
    let f = fixture(store).await;
    let office = f.actor("office_a").await;
    (f, office)
}

/// Asserts that no job of [`KIND`] is due.
async fn nothing_due(queue: &Queue<'_>, backend: &str) {
    let claim = queue.claim(&[KIND], LEASE).await.unwrap();
    assert!(claim.is_none(), "[{backend}] nothing due");
}

fn job<'a>(n: i64, file: Option<&'a [u8]>, held: bool) -> NewJob<'a> {
    NewJob {
        kind: KIND,
        payload: json!({ "n": n }),
        priority: 0,
        file,
        held,
        permission: Permission::ReadProjects,
    }
}

#[tokio::test]
async fn a_held_job_runs_once_released_and_only_its_owner_sees_it() {
    let clock = fixed();
    for (b, store) in stores_on(&clock).await {
        let (f, office) = office(&store).await;
        let mine = store.scoped(&office, "t");
        let id = mine
            .jobs()
            .enqueue(job(1, Some(b"workbook"), true))
            .await
            .unwrap();
        let queue = store.queue();
        assert!(
            queue.claim(&[KIND], LEASE).await.unwrap().is_none(),
            "[{b}] held"
        );
        let held = mine.jobs().get(id).await.unwrap();
        assert_eq!(held.state, JobState::Held, "[{b}]");
        assert_eq!(held.owner_id, Some(office.account_id), "[{b}]");
        assert_eq!(held.created_at, clock.now(), "[{b}] the store's clock");
        assert_eq!(mine.jobs().file(id).await.unwrap(), b"workbook", "[{b}]");

        // Someone else neither sees, reads nor releases it.
        let other = f.actor("leader_a").await;
        let theirs = store.scoped(&other, "t");
        assert!(
            matches!(theirs.jobs().get(id).await, Err(StoreError::NotFound)),
            "[{b}]"
        );
        assert!(
            matches!(theirs.jobs().file(id).await, Err(StoreError::NotFound)),
            "[{b}]"
        );
        assert!(!theirs.jobs().release(id).await.unwrap(), "[{b}]");

        // Released once only; then a worker claims it with a lease.
        assert!(mine.jobs().release(id).await.unwrap(), "[{b}]");
        assert!(
            !mine.jobs().release(id).await.unwrap(),
            "[{b}] a second click"
        );
        let claim = queue.claim(&["other.kind"], LEASE).await.unwrap();
        assert!(claim.is_none(), "[{b}] workers claim only their kinds");
        let claim = queue.claim(&[KIND], LEASE).await.unwrap().expect("due");
        assert_eq!(claim.job.id, id, "[{b}]");
        assert_eq!(claim.job.state, JobState::Running, "[{b}]");
        assert_eq!(claim.job.attempts, 1, "[{b}]");
        assert_eq!(claim.job.payload, json!({ "n": 1 }), "[{b}]");
        assert_eq!(claim.job.lease_until, Some(clock.now() + LEASE), "[{b}]");
        assert_eq!(
            queue.file(&claim).await.unwrap().as_deref(),
            Some(&b"workbook"[..]),
            "[{b}]"
        );
        nothing_due(&queue, b).await;
    }
}

#[tokio::test]
async fn progress_extends_the_lease_and_the_outcome_is_kept() {
    let clock = fixed();
    for (b, store) in stores_on(&clock).await {
        let (_, office) = office(&store).await;
        let mine = store.scoped(&office, "t");
        let queue = store.queue();
        let first = mine.jobs().enqueue(job(1, None, false)).await.unwrap();
        let second = mine.jobs().enqueue(job(2, None, false)).await.unwrap();

        let claim = queue.claim(&[KIND], LEASE).await.unwrap().unwrap();
        assert_eq!(claim.job.id, first, "[{b}] oldest first");
        clock.set(clock.now() + Duration::seconds(40));
        assert!(queue.heartbeat(&claim, 300, 1000).await.unwrap(), "[{b}]");
        let running = mine.jobs().get(first).await.unwrap();
        assert_eq!((running.done, running.total), (300, 1000), "[{b}]");
        assert_eq!(running.lease_until, Some(clock.now() + LEASE), "[{b}]");
        // 40 s on: the first lease would have run out, the extended one has not.
        clock.set(clock.now() + Duration::seconds(40));
        let next = queue.claim(&[KIND], LEASE).await.unwrap().unwrap();
        assert_eq!(next.job.id, second, "[{b}] the running job is not due");

        assert!(
            queue
                .finish(&claim, &json!({ "created": 2 }))
                .await
                .unwrap(),
            "[{b}]"
        );
        let finished = mine.jobs().get(first).await.unwrap();
        assert_eq!(finished.state, JobState::Finished, "[{b}]");
        assert_eq!(finished.result, Some(json!({ "created": 2 })), "[{b}]");
        assert_eq!(finished.lease_until, None, "[{b}]");
        assert!(!queue.heartbeat(&claim, 1, 1).await.unwrap(), "[{b}] over");

        assert!(
            queue.fail(&next, "the workbook vanished", 1).await.unwrap(),
            "[{b}]"
        );
        let failed = mine.jobs().get(second).await.unwrap();
        assert_eq!(failed.state, JobState::Failed, "[{b}]");
        assert_eq!(
            failed.error.as_deref(),
            Some("the workbook vanished"),
            "[{b}]"
        );
        nothing_due(&queue, b).await;
    }
}

#[tokio::test]
async fn a_job_whose_lease_expired_runs_again_and_the_old_claim_is_fenced_out() {
    let clock = fixed();
    for (b, store) in stores_on(&clock).await {
        let (_, office) = office(&store).await;
        let id = store
            .scoped(&office, "t")
            .jobs()
            .enqueue(job(1, None, false))
            .await
            .unwrap();
        let queue = store.queue();
        let dead = queue.claim(&[KIND], LEASE).await.unwrap().unwrap();
        clock.set(clock.now() + LEASE - Duration::seconds(1));
        assert!(
            queue.claim(&[KIND], LEASE).await.unwrap().is_none(),
            "[{b}] leased"
        );
        clock.set(clock.now() + Duration::seconds(2));
        let again = queue.claim(&[KIND], LEASE).await.unwrap().expect("expired");
        assert_eq!(again.job.id, id, "[{b}]");
        assert_eq!(again.job.attempts, 2, "[{b}]");
        assert!(!queue.heartbeat(&dead, 5, 10).await.unwrap(), "[{b}]");
        assert!(!queue.finish(&dead, &json!("late")).await.unwrap(), "[{b}]");
        assert!(queue.finish(&again, &json!("done")).await.unwrap(), "[{b}]");
    }
}

#[tokio::test]
async fn two_claimers_never_get_the_same_job_and_priority_goes_first() {
    for (b, store) in stores_on(&Clock::system()).await {
        let (_, office) = office(&store).await;
        let mine = store.scoped(&office, "t");
        let mut all = BTreeSet::new();
        for n in 0..30 {
            all.insert(mine.jobs().enqueue(job(n, None, false)).await.unwrap());
        }
        let urgent = mine
            .jobs()
            .enqueue(NewJob {
                priority: 10,
                ..job(99, None, false)
            })
            .await
            .unwrap();
        let first = store.queue().claim(&[KIND], LEASE).await.unwrap().unwrap();
        assert_eq!(first.job.id, urgent, "[{b}] the higher priority first");

        let worker = |store: minxin_storage::Store| async move {
            let mut got = Vec::new();
            let mut idle = 0;
            while idle < 3 {
                match store.queue().claim(&[KIND], LEASE).await.unwrap() {
                    Some(claim) => {
                        idle = 0;
                        got.push(claim.job.id);
                    }
                    // The other claimer may have taken the job this one saw due.
                    None => idle += 1,
                }
            }
            got
        };
        let (one, two) = tokio::join!(
            tokio::spawn(worker(store.clone())),
            tokio::spawn(worker(store.clone()))
        );
        let (one, two) = (one.unwrap(), two.unwrap());
        let claimed: BTreeSet<i64> = one.iter().chain(&two).copied().collect();
        assert_eq!(claimed.len(), one.len() + two.len(), "[{b}] no job twice");
        assert_eq!(claimed, all, "[{b}] every job once");
    }
}

#[tokio::test]
async fn old_jobs_are_swept_with_their_files_but_not_while_running() {
    let clock = fixed();
    for (b, store) in stores_on(&clock).await {
        let (_, office) = office(&store).await;
        let mine = store.scoped(&office, "t");
        let queue = store.queue();
        let held = mine.jobs().enqueue(job(1, Some(b"x"), true)).await.unwrap();
        let running = mine.jobs().enqueue(job(2, None, false)).await.unwrap();
        let _claim = queue
            .claim(&[KIND], Duration::days(2))
            .await
            .unwrap()
            .unwrap();
        clock.set(clock.now() + Duration::hours(25));
        let young = mine.jobs().enqueue(job(3, None, true)).await.unwrap();
        assert_eq!(
            queue.sweep(KIND, Duration::hours(24)).await.unwrap(),
            1,
            "[{b}]"
        );
        assert!(
            matches!(mine.jobs().get(held).await, Err(StoreError::NotFound)),
            "[{b}]"
        );
        assert!(
            matches!(mine.jobs().file(held).await, Err(StoreError::NotFound)),
            "[{b}]"
        );
        assert!(
            mine.jobs().get(running).await.is_ok(),
            "[{b}] its lease is live"
        );
        assert!(mine.jobs().get(young).await.is_ok(), "[{b}]");
    }
}
