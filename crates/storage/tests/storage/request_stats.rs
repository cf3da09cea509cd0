//! Statistics of service requests on SQLite and PostgreSQL: seven requests taken through the
//! real workflow at fixed times — accepted in time or late, answered, rated, reopened, closed
//! unrated, merged, left waiting — give exact counts, the three rates in basis points, the mean
//! handling time, what is overdue, the per-department and per-category breakdowns and the hot
//! spots; filters narrow them, and a department or another district sees only its own.

use crate::support::{forbidden, not_found};
use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::kernel::time::shanghai;
use minxin_domain::requests::intake::{Channel, IntakeDraft};
use minxin_domain::requests::service_request::{Move, Rating};
use minxin_storage::Store;
use minxin_storage::kernel::blobs::LocalBlobStore;
use minxin_storage::requests::{Receipt, RequestFigures, RequestStatsFilter, Submission};
use minxin_storage::testing::{Fixture, fixture, query_raw, route_street_roads, stores};

/// 10:00 on Monday 2 March 2026, Beijing time, an ordinary working week.
fn monday() -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(2026, 3, 2, 10, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn hours(h: i64) -> Duration {
    Duration::hours(h)
}

async fn version(store: &Store, id: i64) -> i64 {
    let rows: Vec<(i64,)> = query_raw(
        store,
        &format!("SELECT version FROM service_requests WHERE id = {id}"),
    )
    .await
    .unwrap();
    rows[0].0
}

/// The seven requests of the module documentation, submitted on [`monday`].
struct Seeded {
    /// The moment the statistics are taken: ten days later.
    now: DateTime<Utc>,
}

async fn seed(store: &Store, f: &Fixture, blobs: &LocalBlobStore) -> Seeded {
    let calendar = WorkingCalendar::shipped();
    let t0 = monday();
    let residents = store.residents("203.0.113.7");
    let submit = |category: &'static str, lat: &'static str, lon: &'static str| {
        let calendar = &calendar;
        async move {
            residents
                .submit(
                    &Submission::parse(
                        IntakeDraft {
                            category: category.into(),
                            description: "路面塌陷一处".into(),
                            lat: lat.into(),
                            lon: lon.into(),
                            ..IntakeDraft::default()
                        },
                        None,
                        Channel::Portal,
                        0,
                    )
                    .unwrap(),
                    &[],
                    blobs,
                    calendar,
                    t0,
                )
                .await
                .unwrap()
        }
    };
    let mut r: Vec<Receipt> = Vec::new();
    for _ in 0..5 {
        r.push(submit("road", "30.5", "114.5").await);
    }
    for _ in 0..2 {
        r.push(submit("lighting", "30.45", "114.45").await);
    }
    store
        .bootstrap_scope_departments(f.id("dept_a"), &["A-ZJ"])
        .await
        .unwrap();
    let (dept, office) = (f.actor("dept_a").await, f.actor("office_a").await);
    let step = |who: &minxin_domain::Actor, id: i64, m: Move, at: DateTime<Utc>| {
        let who = who.clone();
        async move {
            let v = version(store, id).await;
            store
                .scoped(&who, "t")
                .requests()
                .move_request(id, v, &m, at)
                .await
                .unwrap();
        }
    };
    let answer = || Move::Answer {
        text: "已处理".into(),
    };
    let rate = |i: usize, rating: Rating, at: DateTime<Utc>| {
        let (code, calendar) = (r[i].code.to_string(), &calendar);
        async move {
            residents
                .rate(&code, rating, "", calendar, at)
                .await
                .unwrap();
        }
    };
    // R1: accepted in time, answered after 26.5 hours, 满意.
    step(&dept, r[0].id, Move::Accept, t0 + hours(1)).await;
    step(&dept, r[0].id, answer(), t0 + Duration::seconds(95_400)).await;
    rate(0, Rating::Satisfied, t0 + hours(30)).await;
    // R2: accepted three days late, 不满意 twice: reopened, answered again after four days,
    // closed as it stands.
    step(&dept, r[1].id, Move::Accept, t0 + hours(72)).await;
    step(&dept, r[1].id, answer(), t0 + hours(73)).await;
    rate(1, Rating::Unsatisfied, t0 + hours(74)).await;
    step(&dept, r[1].id, answer(), t0 + hours(96)).await;
    rate(1, Rating::Unsatisfied, t0 + hours(97)).await;
    // R3: accepted in time, started, answered after two hours, closed unrated by the office.
    step(&dept, r[2].id, Move::Accept, t0 + hours(1)).await;
    step(&dept, r[2].id, Move::Start, t0 + hours(1)).await;
    step(&dept, r[2].id, answer(), t0 + hours(2)).await;
    step(&office, r[2].id, Move::Close, t0 + hours(50)).await;
    // R4: never accepted. R5: accepted in time, never answered.
    step(&dept, r[4].id, Move::Accept, t0 + hours(2)).await;
    // R6 waits in the dispatch queue; R7 is merged into it.
    step(
        &office,
        r[6].id,
        Move::MergeInto { request: r[5].id },
        t0 + hours(3),
    )
    .await;
    assert!(
        r[3].deadlines.answer_by < t0 + Duration::days(10),
        "the answer deadline has passed"
    );
    Seeded {
        now: t0 + Duration::days(10),
    }
}

#[tokio::test]
async fn the_three_rates_handling_time_and_overdue_of_a_district() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobStore::new(dir.path());
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        route_street_roads(&f).await;
        let Seeded { now } = seed(&store, &f, &blobs).await;
        let office = f.actor("office_a").await;
        let stats = store
            .scoped(&office, "t")
            .requests()
            .stats(&RequestStatsFilter::default(), now)
            .await
            .unwrap();
        let expected = RequestFigures {
            received: 7,
            open: 3,
            answered: 0,
            closed: 3,
            merged: 1,
            overdue: 3,
            due_for_acceptance: 6,
            accepted_in_time: 3,
            resolved: 2,
            rated: 2,
            content: 1,
            response_bp: Some(5_000),
            resolution_bp: Some(6_667),
            satisfaction_bp: Some(5_000),
            handled: 3,
            mean_handling_seconds: Some((95_400 + 96 * 3_600 + 7_200) / 3),
        };
        assert_eq!(stats.total, expected, "{b}");
        assert_eq!(stats.region_name, None, "{b}");

        let departments: Vec<(Option<i64>, u64)> = stats
            .by_department
            .iter()
            .map(|d| (d.department_id, d.figures.received))
            .collect();
        assert_eq!(departments, [(Some(f.a_zj), 5), (None, 2)], "{b}");
        let zj = &stats.by_department[0];
        assert_eq!(zj.department.as_deref(), Some("示例区住建局"), "{b}");
        assert_eq!(
            (
                zj.figures.open,
                zj.figures.overdue,
                zj.figures.due_for_acceptance,
                zj.figures.response_bp,
            ),
            (2, 2, 5, Some(6_000)),
            "{b}"
        );
        let categories: Vec<(&str, u64)> = stats
            .by_category
            .iter()
            .map(|c| (c.code.as_str(), c.figures.received))
            .collect();
        assert_eq!(categories, [("road", 5), ("lighting", 2)], "{b}");
        let spots: Vec<(i64, f64, f64)> = stats
            .hot_spots
            .iter()
            .map(|h| (h.count, h.latitude, h.longitude))
            .collect();
        assert_eq!(spots.len(), 2, "{b}");
        assert_eq!(spots[0].0, 5, "{b}");
        assert!((spots[0].1 - 30.5).abs() < 1e-9 && (spots[0].2 - 114.5).abs() < 1e-9);
        assert_eq!(spots[1].0, 2, "{b}");

        // The dashboard's figures are the same measures.
        let figures = store
            .scoped(&office, "t")
            .requests()
            .figures(&RequestStatsFilter::default(), now)
            .await
            .unwrap();
        assert_eq!(figures, expected, "{b}");
    }
}

#[tokio::test]
async fn filters_narrow_and_scopes_keep_each_to_its_own() {
    let dir = tempfile::tempdir().unwrap();
    let blobs = LocalBlobStore::new(dir.path());
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        route_street_roads(&f).await;
        let Seeded { now } = seed(&store, &f, &blobs).await;
        let received = |who: &'static str, filter: RequestStatsFilter| {
            let (store, f) = (&store, &f);
            async move {
                let actor = f.actor(who).await;
                store
                    .scoped(&actor, "t")
                    .requests()
                    .stats(&filter, now)
                    .await
                    .map(|s| (s.region_name, s.total.received))
            }
        };
        let day = |d| NaiveDate::from_ymd_opt(2026, 3, d);
        let all = RequestStatsFilter::default;
        assert_eq!(received("dept_a", all()).await.unwrap(), (None, 5), "{b}");
        assert_eq!(received("dept_b", all()).await.unwrap(), (None, 0), "{b}");
        assert_eq!(received("leader_a", all()).await.unwrap(), (None, 7), "{b}");
        let street = RequestStatsFilter {
            region_id: Some(f.street_a.id),
            ..all()
        };
        assert_eq!(
            received("office_a", street).await.unwrap(),
            (Some("示例街道".to_owned()), 7),
            "{b}"
        );
        let other = RequestStatsFilter {
            region_id: Some(f.district_b.id),
            ..all()
        };
        assert!(not_found(received("office_a", other).await), "{b}");
        let department = RequestStatsFilter {
            department_id: Some(f.a_zj),
            ..all()
        };
        assert_eq!(received("office_a", department).await.unwrap().1, 5, "{b}");
        let lighting = RequestStatsFilter {
            category: Some("lighting".into()),
            ..all()
        };
        assert_eq!(received("office_a", lighting).await.unwrap().1, 2, "{b}");
        for (from, to, n) in [
            (day(2), day(2), 7),
            (day(3), None, 0),
            (None, day(1), 0),
            (day(1), day(31), 7),
        ] {
            let period = RequestStatsFilter { from, to, ..all() };
            assert_eq!(
                received("office_a", period).await.unwrap().1,
                n,
                "{b}: {from:?}–{to:?}"
            );
        }
        assert!(forbidden(received("finance_a", all()).await), "{b}");
    }
}
