//! The queue's retries and schedule, on SQLite and PostgreSQL: a failed job waits its backoff
//! and fails for good once its attempts are spent, a scheduled job is one row per unique key
//! however often (and by however many instances) it is asked for and is not due before its
//! time, a worker's released lease makes its job due at once, and the system administrator's
//! cancel and retry change only what they may and are audited.

use crate::support::audited;
use chrono::{Duration, SubsecRound, Utc};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::kernel::clock::Clock;
use minxin_storage::StoreError;
use minxin_storage::kernel::jobs::{JobState, Scheduled, backoff};
use minxin_storage::testing::{fixture, stores_on};
use serde_json::json;

const KIND: &str = "test.scheduled";
const LEASE: Duration = Duration::seconds(60);

fn fixed() -> Clock {
    Clock::fixed(Utc::now().trunc_subsecs(6))
}

fn nightly(key: &str, run_at: chrono::DateTime<Utc>) -> Scheduled<'_> {
    Scheduled {
        kind: KIND,
        unique_key: key,
        payload: json!({}),
        priority: 0,
        run_at,
    }
}

#[tokio::test]
async fn a_failed_job_waits_its_backoff_and_stays_failed_once_its_attempts_are_spent() {
    let clock = fixed();
    for (b, store) in stores_on(&clock).await {
        let queue = store.queue();
        let (id, _) = queue.schedule(&nightly("k 1", clock.now())).await.unwrap();
        for attempt in 1..=3 {
            let claim = queue.claim(&[KIND], LEASE).await.unwrap().expect("due");
            assert_eq!(claim.job.attempts, attempt, "[{b}]");
            assert!(
                queue.fail(&claim, "database away", 3).await.unwrap(),
                "[{b}]"
            );
            if attempt == 3 {
                break;
            }
            let wait = backoff(id, attempt);
            clock.set(clock.now() + wait - Duration::seconds(1));
            assert!(
                queue.claim(&[KIND], LEASE).await.unwrap().is_none(),
                "[{b}] attempt {attempt} still waits its backoff"
            );
            clock.set(clock.now() + Duration::seconds(1));
        }
        clock.set(clock.now() + Duration::days(1));
        assert!(
            queue.claim(&[KIND], LEASE).await.unwrap().is_none(),
            "[{b}] spent"
        );
        let f = fixture(&store).await;
        let admin = f.actor("sysadmin").await;
        let listed = store
            .scoped(&admin, "t")
            .job_admin()
            .list(Some(JobState::Failed))
            .await
            .unwrap();
        assert_eq!(listed.len(), 1, "[{b}]");
        assert_eq!(listed[0].id, id, "[{b}]");
        assert_eq!(listed[0].attempts, 3, "[{b}]");
        assert_eq!(listed[0].error.as_deref(), Some("database away"), "[{b}]");
    }
}

#[tokio::test]
async fn a_unique_key_is_one_job_across_instances_and_not_due_before_its_time() {
    let clock = fixed();
    for (b, store) in stores_on(&clock).await {
        let other = store.another_instance();
        let later = clock.now() + Duration::minutes(10);
        let (first, new) = store
            .queue()
            .schedule(&nightly("control.nightly 2026-12-07", later))
            .await
            .unwrap();
        assert!(new, "[{b}]");
        let (again, new) = other
            .queue()
            .schedule(&nightly("control.nightly 2026-12-07", later))
            .await
            .unwrap();
        assert_eq!(
            (again, new),
            (first, false),
            "[{b}] the other instance's ask"
        );
        assert!(
            other.queue().claim(&[KIND], LEASE).await.unwrap().is_none(),
            "[{b}] not before its time"
        );
        clock.set(later);
        let claim = other.queue().claim(&[KIND], LEASE).await.unwrap().unwrap();
        assert_eq!(claim.job.id, first, "[{b}]");
        assert_eq!(
            claim.job.unique_key.as_deref(),
            Some("control.nightly 2026-12-07"),
            "[{b}]"
        );
        assert!(other.queue().finish(&claim, &json!("ok")).await.unwrap());
        // Asked for again after it ran: still the one job, not run again.
        let (again, new) = store
            .queue()
            .schedule(&nightly("control.nightly 2026-12-07", later))
            .await
            .unwrap();
        assert_eq!((again, new), (first, false), "[{b}]");
        assert!(
            store.queue().claim(&[KIND], LEASE).await.unwrap().is_none(),
            "[{b}] ran once"
        );
        // Both instances asking at the same moment still write one row.
        let same = nightly("k same", later);
        let (q1, q2) = (store.queue(), other.queue());
        let (one, two) = tokio::join!(q1.schedule(&same), q2.schedule(&same));
        let (one, two) = (one.unwrap(), two.unwrap());
        assert_eq!(one.0, two.0, "[{b}] one job");
        assert!(one.1 ^ two.1, "[{b}] written by exactly one");
    }
}

#[tokio::test]
async fn a_released_lease_makes_the_job_due_at_once() {
    let clock = fixed();
    for (b, store) in stores_on(&clock).await {
        let queue = store.queue();
        let (id, _) = queue.schedule(&nightly("k", clock.now())).await.unwrap();
        let claim = queue.claim(&[KIND], LEASE).await.unwrap().unwrap();
        assert!(queue.release_lease(&claim).await.unwrap(), "[{b}]");
        let again = queue.claim(&[KIND], LEASE).await.unwrap().expect("due");
        assert_eq!(again.job.id, id, "[{b}]");
        assert!(
            !queue.finish(&claim, &json!("late")).await.unwrap(),
            "[{b}] the released claim is fenced out"
        );
    }
}

#[tokio::test]
async fn the_system_administrator_cancels_and_retries_audited_and_others_may_not() {
    let clock = fixed();
    for (b, store) in stores_on(&clock).await {
        let f = fixture(&store).await;
        let queue = store.queue();
        let (waiting, _) = queue.schedule(&nightly("a", clock.now())).await.unwrap();
        let (running, _) = queue.schedule(&nightly("b", clock.now())).await.unwrap();
        let admin = f.actor("sysadmin").await;
        let scoped = store.scoped(&admin, "t");
        let jobs = scoped.job_admin();
        let claim = queue.claim(&[KIND], LEASE).await.unwrap().unwrap();
        assert_eq!(claim.job.id, waiting, "[{b}]");
        assert!(
            !jobs.cancel(waiting).await.unwrap(),
            "[{b}] not while running"
        );
        assert!(jobs.cancel(running).await.unwrap(), "[{b}]");
        assert!(!jobs.cancel(running).await.unwrap(), "[{b}] once");
        assert!(
            queue.claim(&[KIND], LEASE).await.unwrap().is_none(),
            "[{b}] cancelled"
        );
        assert!(
            !jobs.retry(waiting).await.unwrap(),
            "[{b}] running, not failed"
        );
        assert!(jobs.retry(running).await.unwrap(), "[{b}]");
        let again = queue.claim(&[KIND], LEASE).await.unwrap().expect("retried");
        assert_eq!(again.job.id, running, "[{b}]");
        assert!(
            matches!(jobs.cancel(9_999_999).await, Err(StoreError::NotFound)),
            "[{b}]"
        );
        let counts = jobs.counts().await.unwrap();
        assert_eq!(counts, vec![(JobState::Running, 2)], "[{b}]");
        assert_eq!(audited(&f, AuditAction::JobCancel).await.total, 1, "[{b}]");
        assert_eq!(audited(&f, AuditAction::JobRetry).await.total, 1, "[{b}]");

        let office = f.actor("office_a").await;
        let theirs = store.scoped(&office, "t");
        assert!(
            matches!(
                theirs.job_admin().list(None).await,
                Err(StoreError::Forbidden)
            ),
            "[{b}]"
        );
        assert!(
            matches!(
                theirs.job_admin().retry(running).await,
                Err(StoreError::Forbidden)
            ),
            "[{b}]"
        );
    }
}

#[tokio::test]
async fn a_thousand_jobs_are_each_run_exactly_once_by_two_instances() {
    for (b, store) in stores_on(&Clock::system()).await {
        let now = store.clock().now();
        let keys: Vec<String> = (0..1000).map(|n| format!("k {n}")).collect();
        let mut all = std::collections::BTreeSet::new();
        for key in &keys {
            all.insert(store.queue().schedule(&nightly(key, now)).await.unwrap().0);
        }
        let worker = |store: minxin_storage::Store| async move {
            let queue = store.queue();
            let mut ran = Vec::new();
            while let Some(claim) = queue.claim(&[KIND], LEASE).await.unwrap() {
                assert!(queue.finish(&claim, &json!(null)).await.unwrap());
                ran.push(claim.job.id);
            }
            ran
        };
        let (one, two) = tokio::join!(
            tokio::spawn(worker(store.clone())),
            tokio::spawn(worker(store.another_instance())),
        );
        let (one, two) = (one.unwrap(), two.unwrap());
        let ran: std::collections::BTreeSet<i64> = one.iter().chain(&two).copied().collect();
        assert_eq!(ran.len(), one.len() + two.len(), "[{b}] no job twice");
        assert_eq!(ran, all, "[{b}] every job");
        let f = fixture(&store).await;
        let admin = f.actor("sysadmin").await;
        let counts = store
            .scoped(&admin, "t")
            .job_admin()
            .counts()
            .await
            .unwrap();
        assert_eq!(counts, vec![(JobState::Finished, 1000)], "[{b}]");
    }
}
