//! The job queue's throughput (issue 18): two instances — two `Store`s with pools of their own
//! on one database — each with several claimers, working through N jobs of a no-op kind that
//! exists only here. Prints jobs per second; run by `scripts/bench-jobs`.

use minxin_domain::kernel::clock::Clock;
use minxin_storage::Store;
use minxin_storage::kernel::jobs::Scheduled;
use minxin_storage::kernel::sealing::SealingKey;
use std::time::Instant;

const KIND: &str = "bench.noop";

/// Claims and finishes jobs of [`KIND`] until none is due; returns how many it ran.
async fn claimer(store: Store) -> u64 {
    let queue = store.queue();
    let mut ran = 0;
    while let Some(claim) = queue
        .claim(&[KIND], chrono::Duration::seconds(60))
        .await
        .expect("claim")
    {
        queue
            .finish(&claim, &serde_json::Value::Null)
            .await
            .expect("finish");
        ran += 1;
    }
    ran
}

#[tokio::main]
async fn main() {
    let url = std::env::var("MINXIN_BENCH_DATABASE_URL").expect("MINXIN_BENCH_DATABASE_URL");
    let jobs: usize = std::env::var("MINXIN_BENCH_JOBS").map_or(20_000, |n| n.parse().expect("N"));
    let per_instance: usize =
        std::env::var("MINXIN_BENCH_CLAIMERS").map_or(8, |n| n.parse().expect("claimers"));
    let one = Store::open(&url, SealingKey::generate(), Clock::system())
        .await
        .expect("open");
    let two = one.another_instance();
    println!("enqueuing {jobs} jobs …");
    let run_at = one.clock().now();
    let queue = one.queue();
    for n in 0..jobs {
        let key = format!("{KIND} {} {n}", run_at.timestamp_micros());
        queue
            .schedule(&Scheduled {
                kind: KIND,
                unique_key: &key,
                payload: serde_json::Value::Null,
                priority: 0,
                run_at,
            })
            .await
            .expect("enqueue");
    }
    let started = Instant::now();
    let mut tasks = tokio::task::JoinSet::new();
    for store in [&one, &two] {
        for _ in 0..per_instance {
            tasks.spawn(claimer(store.clone()));
        }
    }
    let mut ran = 0;
    while let Some(n) = tasks.join_next().await {
        ran += n.expect("claimer");
    }
    let seconds = started.elapsed().as_secs_f64();
    assert_eq!(ran, jobs as u64, "every job ran exactly once");
    println!(
        "{ran} jobs, 2 instances × {per_instance} claimers: {seconds:.2} s, {:.0} jobs/s",
        ran as f64 / seconds
    );
}
