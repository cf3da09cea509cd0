//! Where intake places a new request, on SQLite and PostgreSQL (issue 15): in the smallest
//! region whose boundary holds its point, else the region of the nearest project within the
//! configured distance, else the widest office's dispatch queue — never in a region no office
//! covers, so every request is visible to some office.

use minxin_domain::Role;
use minxin_domain::requests::intake::{Channel, IntakeDraft};
use minxin_storage::Store;
use minxin_storage::requests::Submission;
use minxin_storage::testing::{
    Fixture, TestProject, account, execute_raw, fixture, query_raw, route_street_roads, stores,
};

fn submission(lat: &str, lon: &str) -> Submission {
    let draft = IntakeDraft {
        category: "road".into(),
        description: "路灯不亮，晚上看不清路".into(),
        lat: lat.into(),
        lon: lon.into(),
        address: "幸福路与和平街路口".into(),
        ..IntakeDraft::default()
    };
    Submission::parse(draft, None, Channel::Open311, 0).unwrap()
}

/// Submits a request at `lat`, `lon` (empty for none) and returns the path it was placed in.
async fn placed(store: &Store, lat: &str, lon: &str) -> String {
    minxin_storage::testing::placed(store, &submission(lat, lon)).await
}

/// An office for district B (the fixture has only district A's), with district B's project at
/// (31.0, 115.0).
async fn office_and_project_in_b(f: &Fixture) {
    let name = "样板区管理中心";
    account(&f.store, "office_b", name, Role::Office, "990102", None).await;
    let id = f
        .project(TestProject {
            office: "office_b",
            region_id: f.street_b.id,
            lead_department_id: f.b_zj,
            ..TestProject::building(f, "样板街道老年食堂", 30, 200)
        })
        .await;
    execute_raw(
        &f.store,
        &format!("UPDATE projects SET latitude = 31.0, longitude = 115.0 WHERE id = {id}"),
    )
    .await
    .unwrap();
}

/// Asserts that one of the `offices` can open every stored request's file.
async fn every_request_is_visible_to_some_office(f: &Fixture, offices: &[&str], b: &str) {
    let ids: Vec<(i64,)> = query_raw(&f.store, "SELECT id FROM service_requests")
        .await
        .unwrap();
    assert!(!ids.is_empty(), "{b}");
    for (id,) in ids {
        let mut seen = false;
        for office in offices {
            let actor = f.actor(office).await;
            seen |= f
                .store
                .scoped(&actor, "t")
                .requests()
                .file(id)
                .await
                .is_ok();
        }
        assert!(seen, "{b}: request {id} is visible to no office");
    }
}

#[tokio::test]
async fn a_request_goes_to_its_boundary_a_near_project_or_the_dispatch_queue() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        route_street_roads(&f).await;
        office_and_project_in_b(&f).await;
        assert_eq!(
            placed(&store, "30.5", "114.5").await,
            f.street_a.path,
            "{b}"
        );
        // 0.009° north of B's project: about 1 km, inside the default 2 km.
        assert_eq!(
            placed(&store, "31.009", "115.0").await,
            f.street_b.path,
            "{b}"
        );
        // The issue's point, far from every boundary and project, and a request without a
        // location: both wait for the widest office (A's and B's are equally wide; A's first).
        assert_eq!(
            placed(&store, "30.274567", "120.155432").await,
            f.district_a.path,
            "{b}"
        );
        assert_eq!(placed(&store, "", "").await, f.district_a.path, "{b}");
        store.set_near_project_metres(500);
        assert_eq!(
            placed(&store, "31.009", "115.0").await,
            f.district_a.path,
            "{b}: 1 km is beyond 500 m"
        );
        every_request_is_visible_to_some_office(&f, &["office_a", "office_b"], b).await;
    }
}

#[tokio::test]
async fn a_boundary_no_office_covers_does_not_hide_a_request() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        // District B has staff (dept_b) but no office: its street's boundary holds the point,
        // yet nobody there could dispatch it.
        let square = r#"{"type":"Polygon","coordinates":[[[116.0,32.0],[116.2,32.0],[116.2,32.2],[116.0,32.2],[116.0,32.0]]]}"#;
        execute_raw(
            &store,
            &format!(
                "INSERT INTO community_boundaries (region_id, geojson, updated_at) \
                 VALUES ({}, '{square}', CURRENT_TIMESTAMP)",
                f.street_b.id
            ),
        )
        .await
        .unwrap();
        assert_eq!(
            placed(&store, "32.1", "116.1").await,
            f.district_a.path,
            "{b}"
        );
        every_request_is_visible_to_some_office(&f, &["office_a"], b).await;
    }
}
