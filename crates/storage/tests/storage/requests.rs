//! Intake of residents' service requests on SQLite and PostgreSQL: a receipt code follows the
//! request, routing rules by category and community boundary pick the department (else the
//! office's dispatch queue), deadlines count working days, bad input is refused by field with
//! nothing stored, and the audit log keeps no contact details.

use crate::support::{forbidden, not_found};
use chrono::{DateTime, TimeZone, Utc};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::kernel::time::shanghai;
use minxin_domain::requests::intake::Channel;
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::kernel::blobs::ObjectBlobStore;
use minxin_storage::requests::{Receipt, RequestPhoto, Submission};
use minxin_storage::testing::{
    blob_dir, fixture, move_request, portal_draft, portal_request, query_raw, request_version,
    route_street_roads, stores, submit_at,
};
use minxin_storage::{Store, StoreError};

/// 15:00 on Wednesday 30 September 2026, Beijing time: the National Day holiday follows.
fn before_national_day() -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(2026, 9, 30, 15, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

fn beijing_midnight(m: u32, d: u32) -> DateTime<Utc> {
    shanghai()
        .with_ymd_and_hms(2026, m, d, 0, 0, 0)
        .unwrap()
        .with_timezone(&Utc)
}

/// Where photos go (a temporary directory, removed when the first value is dropped) and the
/// shipped working-day calendar.
fn setting() -> (tempfile::TempDir, ObjectBlobStore, WorkingCalendar) {
    let (dir, blobs) = blob_dir();
    (dir, blobs, WorkingCalendar::shipped())
}

/// A road request inside the fixture's street, which the routing rule sends to the housing
/// bureau, received [`before_national_day`]: what most tests take through the workflow.
async fn road_request(store: &Store) -> Receipt {
    submit_at(
        store,
        &portal_request("road", "30.5", "114.5"),
        before_national_day(),
    )
    .await
}

#[tokio::test]
async fn a_request_is_stored_routed_and_followed_by_its_receipt() {
    let (_dir, blobs, calendar) = setting();
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        route_street_roads(&f).await;
        let photo = RequestPhoto {
            display: b"display copy".to_vec(),
            thumbnail: b"thumbnail".to_vec(),
            width: 640,
            height: 480,
            had_location: true,
        };
        let residents = store.residents("203.0.113.7");
        let routed = residents
            .submit(
                &portal_request("road", "30.5", "114.5"),
                &[photo],
                &blobs,
                &calendar,
                before_national_day(),
            )
            .await
            .unwrap();
        assert!(routed.routed, "{b}");
        assert_eq!(routed.deadlines.accept_by, beijing_midnight(10, 9), "{b}");
        assert_eq!(routed.deadlines.answer_by, beijing_midnight(10, 14), "{b}");
        let tracked = residents
            .follow(&routed.code.to_string().to_lowercase())
            .await
            .unwrap();
        assert_eq!(tracked.id, routed.id, "{b}");
        assert_eq!(tracked.state, "assigned", "{b}");
        assert_eq!(tracked.category_name, "道路破损", "{b}");
        assert_eq!(
            tracked.department_name.as_deref(),
            Some("示例区住建局"),
            "{b}"
        );
        let kinds: Vec<&str> = tracked.timeline.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(kinds, ["submitted", "assigned"], "{b}");

        // Outside every boundary, or of a category no rule names: the dispatch queue.
        for (category, lat, lon) in [("road", "31.5", "115.5"), ("lighting", "30.5", "114.5")] {
            let queued = submit_at(
                &store,
                &portal_request(category, lat, lon),
                before_national_day(),
            )
            .await;
            assert!(!queued.routed, "{b} {category}");
            let tracked = residents.follow(queued.code.as_str()).await.unwrap();
            assert_eq!(tracked.state, "submitted", "{b}");
            assert_eq!(tracked.department_name, None, "{b}");
        }
        let paths: Vec<(String,)> = query_raw(
            &store,
            "SELECT region_path FROM service_requests ORDER BY id",
        )
        .await
        .unwrap();
        assert_eq!(paths[0].0, f.street_a.path, "{b}: placed in its community");
        assert_eq!(
            paths[1].0, f.district_a.path,
            "{b}: nowhere known waits for the office (issue 15), not at the top region"
        );
        let photos: Vec<(i64, bool)> = query_raw(
            &store,
            "SELECT CAST(width AS BIGINT), had_location FROM request_photos",
        )
        .await
        .unwrap();
        assert_eq!(photos, [(640, true)], "{b}");
    }
}

#[tokio::test]
async fn the_audit_log_keeps_no_contact_details() {
    for (b, store) in stores().await {
        fixture(&store).await;
        let receipt = road_request(&store).await;
        let rows: Vec<(String, String, String)> = query_raw(
            &store,
            "SELECT action, address, COALESCE(after, '') FROM audit_log WHERE target_type = 'service_request'",
        )
        .await
        .unwrap();
        assert_eq!(rows.len(), 1, "{b}");
        assert_eq!(
            (rows[0].0.as_str(), rows[0].1.as_str()),
            ("request.submit", "203.0.113.7")
        );
        for secret in ["13800001234", "王女士", receipt.code.as_str()] {
            assert!(!rows[0].2.contains(secret), "{b}: audit holds {secret}");
        }
    }
}

#[tokio::test]
async fn bad_input_is_refused_by_field_and_nothing_is_stored() {
    let (_dir, blobs, calendar) = setting();
    for (b, store) in stores().await {
        fixture(&store).await;
        let residents = store.residents("203.0.113.7");
        let submit = |s: Submission| {
            let (blobs, calendar) = (&blobs, &calendar);
            async move { residents.submit(&s, &[], blobs, calendar, Utc::now()).await }
        };
        let invalid = |r: Result<_, StoreError>| match r {
            Err(StoreError::Invalid(problems)) => problems,
            other => panic!("{b}: expected a refusal, got {other:?}"),
        };
        assert_eq!(
            invalid(submit(portal_request("teleport", "30.5", "114.5")).await),
            [FieldProblem::new("category", Problem::Unknown)]
        );
        let unknown_project = Submission::parse(
            portal_draft("road", "", ""),
            Some("NO-SUCH-PROJECT".into()),
            Channel::Portal,
            0,
        )
        .unwrap();
        assert_eq!(
            invalid(submit(unknown_project).await),
            [FieldProblem::new("project", Problem::Unknown)]
        );
        // Storage takes only parsed requests: what is too long never reaches it.
        let mut long = portal_draft("road", "30.5", "114.5");
        long.description = "坑".repeat(4_001);
        assert_eq!(
            Submission::parse(long, None, Channel::Portal, 0).unwrap_err(),
            [FieldProblem::new(
                "description",
                Problem::TooLong { max: 4_000 }
            )]
        );
        let count: Vec<(i64,)> = query_raw(&store, "SELECT COUNT(*) FROM service_requests")
            .await
            .unwrap();
        assert_eq!(count, [(0,)], "{b}");
        for typed in ["", "nonsense", "2222-2222-2222"] {
            assert!(not_found(residents.follow(typed).await), "{b}: {typed}");
        }
    }
}

#[tokio::test]
async fn two_departments_pass_a_request_and_the_resident_rates_it() {
    use minxin_domain::requests::service_request::{Move, Rating, Refusal, RequestState as S};
    let calendar = WorkingCalendar::shipped();
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        route_street_roads(&f).await;
        let now = before_national_day();
        let residents = store.residents("203.0.113.7");
        let receipt = road_request(&store).await;
        let id = receipt.id;
        store
            .bootstrap_scope_departments(f.id("dept_a"), &["A-ZJ"])
            .await
            .unwrap();
        let (dept_a, dept_b, office, leader) = (
            f.actor("dept_a").await,
            f.actor("dept_b").await,
            f.actor("office_a").await,
            f.actor("leader_a").await,
        );
        let step = |who: &minxin_domain::Actor, m: Move| {
            let store = store.clone();
            let who = who.clone();
            async move { move_request(&store, &who, id, &m, now).await }
        };
        let refusal = |r: Result<S, StoreError>| match r {
            Err(StoreError::Invalid(p)) => p[0].problem.clone(),
            other => panic!("{b}: expected a refusal, got {other:?}"),
        };
        assert!(not_found(step(&dept_b, Move::Accept).await), "{b}");
        assert!(forbidden(step(&leader, Move::Accept).await), "{b}");
        assert_eq!(
            step(&dept_a, Move::Accept).await.unwrap(),
            S::Accepted,
            "{b}"
        );
        let answer = |text: &str| Move::Answer { text: text.into() };
        let transfer = |reason: &str| Move::Transfer {
            department: f.a_jy,
            reason: reason.into(),
        };
        assert_eq!(
            refusal(step(&dept_a, transfer(" ")).await),
            Problem::refused(Refusal::TextMissing)
        );
        assert_eq!(
            step(&dept_a, transfer("属教育局校舍")).await.unwrap(),
            S::Assigned
        );
        // The first department still sees it (首问) but no longer holds it.
        assert_eq!(
            refusal(step(&dept_a, answer("已修复")).await),
            Problem::refused(Refusal::WrongState(S::Assigned))
        );
        assert_eq!(
            step(&office, Move::Assign { department: f.a_zj })
                .await
                .unwrap(),
            S::Assigned
        );
        assert_eq!(step(&dept_a, Move::Accept).await.unwrap(), S::Accepted);
        assert_eq!(
            step(&dept_a, answer("已更换松动的砖")).await.unwrap(),
            S::Answered
        );
        let code = receipt.code.to_string();
        let later = now + chrono::Duration::days(20);
        let unsatisfied = |comment: &'static str| {
            let (code, calendar) = (&code, &calendar);
            async move {
                residents
                    .rate(code, Rating::Unsatisfied, comment, calendar, later)
                    .await
                    .unwrap()
            }
        };
        assert_eq!(
            unsatisfied("还是松的").await,
            S::InProgress,
            "{b}: 不满意 reopens once"
        );
        let tracked = residents.follow(&code).await.unwrap();
        assert_eq!(tracked.reopened, 1, "{b}");
        assert_eq!(
            tracked.answer_by,
            calendar.deadline(later, 5),
            "{b}: a fresh deadline"
        );
        assert_eq!(
            step(&dept_a, answer("已重新铺设")).await.unwrap(),
            S::Answered
        );
        assert_eq!(
            unsatisfied("").await,
            S::Closed,
            "{b}: the second time it closes"
        );
        let kinds: Vec<String> = residents
            .follow(&code)
            .await
            .unwrap()
            .timeline
            .into_iter()
            .map(|s| s.kind)
            .collect();
        assert_eq!(
            kinds,
            [
                "submitted",
                "assigned",
                "accepted",
                "transferred",
                "assigned",
                "accepted",
                "answered",
                "reopened",
                "answered",
                "rated"
            ],
            "{b}"
        );
        let owner: Vec<(Option<i64>,)> = query_raw(
            &store,
            &format!("SELECT owner_department_id FROM service_requests WHERE id = {id}"),
        )
        .await
        .unwrap();
        assert_eq!(
            owner,
            [(Some(f.a_zj),)],
            "{b}: the first to accept coordinates"
        );
        let stale = store
            .scoped(&office, "t")
            .requests()
            .move_request(id, 1, &Move::Close, now)
            .await;
        assert!(matches!(stale, Err(StoreError::Conflict)), "{b}");
    }
}

#[tokio::test]
async fn staff_enter_requests_for_residents_and_the_channel_says_how() {
    let (_dir, blobs, calendar) = setting();
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let mut typed = portal_draft("lighting", "", "");
        typed.address = "东湖路 12 号楼下".into();
        let by_phone = Submission::parse(typed, None, Channel::Phone, 0).unwrap();
        let office = f.actor("office_a").await;
        let receipt = store
            .scoped(&office, "10.0.0.5")
            .requests()
            .enter(&by_phone, &[], &blobs, &calendar, Utc::now())
            .await
            .unwrap();
        let stored: Vec<(String, Option<i64>)> = query_raw(
            &store,
            &format!(
                "SELECT channel, entered_by FROM service_requests WHERE id = {}",
                receipt.id
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            stored,
            [("phone".to_owned(), Some(f.id("office_a")))],
            "{b}"
        );
        let entered: Vec<(String,)> = query_raw(
            &store,
            "SELECT actor_name FROM request_events WHERE kind = 'submitted'",
        )
        .await
        .unwrap();
        assert_eq!(entered, [("office_a".to_owned(),)], "{b}");

        let leader = f.actor("leader_a").await;
        let refused = store
            .scoped(&leader, "t")
            .requests()
            .enter(&by_phone, &[], &blobs, &calendar, Utc::now())
            .await;
        assert!(forbidden(refused), "{b}");
        // Residents cannot claim a staff channel, nor staff a resident's.
        let claimed = store
            .residents("203.0.113.7")
            .submit(&by_phone, &[], &blobs, &calendar, Utc::now())
            .await;
        assert!(matches!(claimed, Err(StoreError::Invalid(_))), "{b}");
        let online = portal_request("lighting", "30.5", "114.5");
        let pretended = store
            .scoped(&office, "t")
            .requests()
            .enter(&online, &[], &blobs, &calendar, Utc::now())
            .await;
        assert!(matches!(pretended, Err(StoreError::Invalid(_))), "{b}");
    }
}

fn photo(bytes: &[u8]) -> RequestPhoto {
    RequestPhoto {
        display: bytes.to_vec(),
        thumbnail: [bytes, b" small"].concat(),
        width: 800,
        height: 600,
        had_location: false,
    }
}

#[tokio::test]
async fn queues_and_files_show_each_party_what_it_may_see() {
    use minxin_domain::requests::service_request::Move;
    use minxin_storage::kernel::page::PageRequest;
    use minxin_storage::requests::{QueueFilter, QueueView};
    let (_dir, blobs, calendar) = setting();
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        store
            .bootstrap_scope_departments(f.id("dept_a"), &["A-ZJ"])
            .await
            .unwrap();
        route_street_roads(&f).await;
        let now = before_national_day();
        let residents = store.residents("203.0.113.7");
        let routed = residents
            .submit(
                &portal_request("road", "30.5", "114.5"),
                &[photo(b"road")],
                &blobs,
                &calendar,
                now,
            )
            .await
            .unwrap();
        let waiting = submit_at(&store, &portal_request("lighting", "30.5", "114.5"), now).await;
        let (office, dept_a, dept_b, leader) = (
            f.actor("office_a").await,
            f.actor("dept_a").await,
            f.actor("dept_b").await,
            f.actor("leader_a").await,
        );
        let queue = |who: &minxin_domain::Actor, view: QueueView, at: DateTime<Utc>| {
            let store = store.clone();
            let who = who.clone();
            async move {
                let filter = QueueFilter {
                    view,
                    category: None,
                    state: None,
                    page: PageRequest::default(),
                };
                let page = store
                    .scoped(&who, "t")
                    .requests()
                    .queue(&filter, at)
                    .await
                    .unwrap();
                page.items.iter().map(|r| r.id).collect::<Vec<_>>()
            }
        };
        assert_eq!(
            queue(&office, QueueView::Dispatch, now).await,
            [waiting.id],
            "{b}"
        );
        // The accept deadline (end of 8 October) is earlier than nothing else: both are open.
        let mut open = queue(&office, QueueView::Open, now).await;
        open.sort_unstable();
        assert_eq!(open, [routed.id, waiting.id], "{b}");
        assert_eq!(
            queue(&dept_a, QueueView::Open, now).await,
            [routed.id],
            "{b}"
        );
        assert!(queue(&dept_b, QueueView::All, now).await.is_empty(), "{b}");
        assert!(
            queue(&office, QueueView::Overdue, now).await.is_empty(),
            "{b}"
        );
        let after_holiday = beijing_midnight(10, 10);
        assert_eq!(
            queue(&office, QueueView::Overdue, after_holiday)
                .await
                .len(),
            2,
            "{b}"
        );

        // Contact details go to handlers only; a leader reads the file without them.
        let file = store
            .scoped(&dept_a, "t")
            .requests()
            .file(routed.id)
            .await
            .unwrap();
        assert_eq!(file.contact_phone.as_deref(), Some("13800001234"), "{b}");
        assert_eq!(file.photos.len(), 1, "{b}");
        let read = store
            .scoped(&leader, "t")
            .requests()
            .file(routed.id)
            .await
            .unwrap();
        assert_eq!((read.contact_name, read.contact_phone), (None, None), "{b}");
        assert!(read.party.is_none(), "{b}");
        assert!(not_found(
            store.scoped(&dept_a, "t").requests().file(waiting.id).await
        ));
        assert!(not_found(
            store.scoped(&dept_b, "t").requests().file(routed.id).await
        ));
        let shown = store
            .scoped(&dept_a, "t")
            .requests()
            .photo(routed.id, file.photos[0].id, true, &blobs)
            .await
            .unwrap();
        assert_eq!(shown, b"road small", "{b}");
        assert!(not_found(
            store
                .scoped(&dept_b, "t")
                .requests()
                .photo(routed.id, file.photos[0].id, false, &blobs)
                .await
        ));

        // The department answers with a photo of the work done.
        let scoped = store.scoped(&dept_a, "t");
        move_request(&store, &dept_a, routed.id, &Move::Accept, now)
            .await
            .unwrap();
        let long = "修".repeat(4_001);
        assert!(matches!(
            scoped
                .requests()
                .answer(
                    routed.id,
                    request_version(&store, routed.id).await,
                    &long,
                    &[],
                    &blobs,
                    now
                )
                .await,
            Err(StoreError::Invalid(_))
        ));
        scoped
            .requests()
            .answer(
                routed.id,
                request_version(&store, routed.id).await,
                "已更换破损路砖",
                &[photo(b"fixed")],
                &blobs,
                now,
            )
            .await
            .unwrap();
        let answered = scoped.requests().file(routed.id).await.unwrap();
        let stages: Vec<&str> = answered.photos.iter().map(|p| p.stage.as_str()).collect();
        assert_eq!(stages, ["intake", "answer"], "{b}");
        assert_eq!(answered.state, "answered", "{b}");
        assert_eq!(
            answered.timeline.last().map(|s| s.actor_name.as_str()),
            Some("dept_a"),
            "{b}"
        );
        assert_eq!(
            queue(&office, QueueView::Answered, now).await,
            [routed.id],
            "{b}"
        );
    }
}

#[tokio::test]
async fn the_office_publishes_in_its_own_words_and_finds_duplicates() {
    use minxin_domain::requests::duplicates::DuplicateRule;
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        route_street_roads(&f).await;
        let now = before_national_day();
        let residents = store.residents("203.0.113.7");
        let first = submit_at(&store, &portal_request("lighting", "30.5", "114.5"), now).await;
        let near = submit_at(
            &store,
            &portal_request("lighting", "30.5004", "114.5"),
            now + chrono::Duration::hours(5),
        )
        .await;
        for (category, lat, later) in [
            ("road", "30.5", 0),
            ("lighting", "30.51", 0),
            ("lighting", "30.5", 100),
        ] {
            submit_at(
                &store,
                &portal_request(category, lat, "114.5"),
                now + chrono::Duration::hours(later),
            )
            .await;
        }
        let office = f.actor("office_a").await;
        let scoped = store.scoped(&office, "t");
        let file = scoped.requests().file(first.id).await.unwrap();
        let found = scoped
            .requests()
            .duplicates(&file, &DuplicateRule::default())
            .await
            .unwrap();
        let ids: Vec<(i64, u32)> = found.iter().map(|c| (c.id, c.metres)).collect();
        assert_eq!(ids, [(near.id, 44)], "{b}");
        // Merged, the second resident follows the outcome of the first request.
        let merge = minxin_domain::requests::service_request::Move::MergeInto { request: first.id };
        move_request(&store, &office, near.id, &merge, now)
            .await
            .unwrap();
        let followed = residents.follow(&near.code.to_string()).await.unwrap();
        assert_eq!(followed.state, "merged", "{b}");
        assert_eq!(followed.merged_into, Some(first.id), "{b}");
        assert_eq!(
            followed.joined.map(|j| j.state).as_deref(),
            Some("submitted"),
            "{b}"
        );

        let v = request_version(&store, first.id).await;
        assert!(matches!(
            scoped
                .requests()
                .publish(first.id, v, Some("  "), false, now)
                .await,
            Err(StoreError::Invalid(_))
        ));
        scoped
            .requests()
            .publish(first.id, v, Some("东湖路路灯不亮"), false, now)
            .await
            .unwrap();
        let shown: Vec<(bool, String)> = query_raw(
            &store,
            &format!(
                "SELECT is_published, public_description FROM service_requests WHERE id = {}",
                first.id
            ),
        )
        .await
        .unwrap();
        assert_eq!(shown, [(true, "东湖路路灯不亮".to_owned())], "{b}");
        assert!(matches!(
            scoped
                .requests()
                .publish(first.id, v, None, false, now)
                .await,
            Err(StoreError::Conflict)
        ));
        scoped
            .requests()
            .publish(first.id, v + 1, None, false, now)
            .await
            .unwrap();
        let logged: Vec<(String,)> = query_raw(
            &store,
            "SELECT target_label FROM audit_log WHERE action = 'request.change' ORDER BY id",
        )
        .await
        .unwrap();
        assert_eq!(
            logged,
            [
                (format!("merged #{}", near.id),),
                (format!("published #{}", first.id),),
                (format!("withdrawn #{}", first.id),)
            ],
            "{b}"
        );
        let dept = f.actor("dept_a").await;
        assert!(forbidden(
            store
                .scoped(&dept, "t")
                .requests()
                .publish(first.id, v + 2, Some("x"), false, now)
                .await
        ));
    }
}

#[tokio::test]
async fn an_overdue_request_about_a_project_turns_its_light_until_answered() {
    use minxin_domain::requests::service_request::Move;
    use minxin_storage::testing::TestProject;
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        store
            .bootstrap_scope_departments(f.id("dept_a"), &["A-ZJ"])
            .await
            .unwrap();
        let project = f
            .project(TestProject::building(&f, "东湖社区老年食堂", 30, 60))
            .await;
        let office = f.actor("office_a").await;
        let code = f.project_code(project).await;
        let reasons = || {
            let store = store.clone();
            async move {
                let rows: Vec<(Option<String>,)> = query_raw(
                    &store,
                    &format!("SELECT light_reasons FROM projects WHERE id = {project}"),
                )
                .await
                .unwrap();
                rows[0].0.clone().unwrap_or_default()
            }
        };
        // Received a month ago: both deadlines have passed.
        let then = Utc::now() - chrono::Duration::days(30);
        let about = Submission::parse(
            portal_draft("quality", "", ""),
            Some(code),
            Channel::Signboard,
            0,
        )
        .unwrap();
        let receipt = submit_at(&store, &about, then).await;
        let id = receipt.id;
        let now = Utc::now();
        let assign = Move::Assign { department: f.a_zj };
        move_request(&store, &office, id, &assign, now)
            .await
            .unwrap();
        assert!(reasons().await.contains("overdue_requests"), "{b}");
        store.refresh_lights().await.unwrap();
        assert!(reasons().await.contains("\"count\":1"), "{b}");

        let dept = f.actor("dept_a").await;
        let answer = Move::Answer {
            text: "已修补".into(),
        };
        for m in [Move::Accept, answer] {
            move_request(&store, &dept, id, &m, now).await.unwrap();
        }
        assert!(!reasons().await.contains("overdue_requests"), "{b}");
    }
}

#[tokio::test]
async fn deadlines_warn_the_holder_before_and_escalate_to_the_office_after() {
    use minxin_storage::requests::EscalationReport;
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        route_street_roads(&f).await;
        let receipt = road_request(&store).await;
        let at = |d: u32, h: u32| {
            shanghai()
                .with_ymd_and_hms(2026, 10, d, h, 0, 0)
                .unwrap()
                .with_timezone(&Utc)
        };
        let run = |when| {
            let store = store.clone();
            async move { store.escalate_requests(when).await.unwrap() }
        };
        let none = EscalationReport::default();
        assert_eq!(
            run(at(7, 12)).await,
            none,
            "{b}: the accept deadline is two days away"
        );
        let warned = EscalationReport {
            warned: 1,
            escalated: 0,
        };
        assert_eq!(run(at(8, 12)).await, warned, "{b}");
        assert_eq!(run(at(8, 13)).await, none, "{b}: warned once");
        let escalated = EscalationReport {
            warned: 0,
            escalated: 1,
        };
        assert_eq!(run(at(9, 1)).await, escalated, "{b}");
        assert_eq!(run(at(9, 2)).await, none, "{b}: escalated once");
        let followed = store
            .residents("203.0.113.7")
            .follow(&receipt.code.to_string())
            .await
            .unwrap();
        let kinds: Vec<&str> = followed.timeline.iter().map(|s| s.kind.as_str()).collect();
        assert_eq!(
            kinds,
            ["submitted", "assigned", "warned", "escalated"],
            "{b}"
        );
    }
}
