//! The office's routing settings on SQLite and PostgreSQL: community boundaries imported from
//! GeoJSON (valid, refused by feature, out of scope, all or nothing, replaced in place), rules
//! added, refused as duplicates or out of scope, removed; the point test; a request submitted
//! afterwards routed by the imported boundary and rule; and the audit entries of it all.

use crate::support::{forbidden, not_found};
use minxin_domain::kernel::calendar::WorkingCalendar;
use minxin_domain::kernel::geo::Point;
use minxin_domain::org::boundary_import::BoundaryRefusal;
use minxin_domain::org::region::RegionLevel;
use minxin_domain::requests::intake::{Channel, IntakeDraft};
use minxin_domain::requests::routing::RuleRefusal;
use minxin_domain::{FieldProblem, Problem};
use minxin_storage::requests::{Destination, NewRule, Submission};
use minxin_storage::testing::{Fixture, blob_dir, fixture, query_raw, stores};
use minxin_storage::{Store, StoreError};

/// 东湖社区 (990101001001, under district A's street), 西湖社区 (990101001002) and 样板社区
/// (990102001001, district B), with no boundaries yet.
async fn communities(store: &Store) {
    for (code, name, street) in [
        ("990101001001", "东湖社区", "990101001"),
        ("990101001002", "西湖社区", "990101001"),
        ("990102001001", "样板社区", "990102001"),
    ] {
        store
            .bootstrap_region(code, name, RegionLevel::Community, Some(street))
            .await
            .unwrap();
    }
}

/// A square of side 0.1° with its south-west corner at (`lon`, `lat`).
fn square(lon: f64, lat: f64) -> String {
    format!(
        r#"{{"type":"Polygon","coordinates":[[[{lon},{lat}],[{e},{lat}],[{e},{n}],[{lon},{n}],[{lon},{lat}]]]}}"#,
        e = lon + 0.1,
        n = lat + 0.1
    )
}

fn feature(code: &str, geometry: &str) -> String {
    format!(r#"{{"type":"Feature","properties":{{"region_code":"{code}"}},"geometry":{geometry}}}"#)
}

fn collection(features: &[String]) -> String {
    format!(
        r#"{{"type":"FeatureCollection","features":[{}]}}"#,
        features.join(",")
    )
}

fn refusal(e: StoreError) -> BoundaryRefusal {
    match e {
        StoreError::Invalid(p) => match p.as_slice() {
            [
                FieldProblem {
                    field: "file",
                    problem: Problem::Refused(refused),
                },
            ] => refused
                .get::<BoundaryRefusal>()
                .expect("a boundary refusal")
                .clone(),
            other => panic!("not a file refusal: {other:?}"),
        },
        other => panic!("not invalid: {other:?}"),
    }
}

/// 10:00 on Monday 1 June 2026, Beijing time: a working day.
fn june() -> chrono::DateTime<chrono::Utc> {
    use chrono::TimeZone;
    minxin_domain::kernel::time::shanghai()
        .with_ymd_and_hms(2026, 6, 1, 10, 0, 0)
        .unwrap()
        .with_timezone(&chrono::Utc)
}

async fn boundary_count(store: &Store) -> i64 {
    let (n,): (i64,) = query_raw(store, "SELECT COUNT(*) FROM community_boundaries")
        .await
        .unwrap()
        .remove(0);
    n
}

/// The id of region `code`.
async fn region_id(store: &Store, code: &str) -> i64 {
    let (id,): (i64,) = query_raw(
        store,
        &format!("SELECT id FROM regions WHERE code = '{code}'"),
    )
    .await
    .unwrap()
    .remove(0);
    id
}

#[tokio::test]
async fn an_import_is_all_or_nothing_and_stays_in_scope() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        communities(&store).await;
        let office = f.actor("office_a").await;
        let office = store.scoped(&office, "198.51.100.1");

        let text = collection(&[
            feature("990101001001", &square(114.4, 30.4)),
            feature("990101001002", &square(114.5, 30.4)),
        ]);
        let imported = office
            .requests()
            .import_boundaries(&text, "")
            .await
            .unwrap();
        let names: Vec<&str> = imported.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(names, ["东湖社区", "西湖社区"], "{b}");
        let listed = office.requests().community_boundaries().await.unwrap();
        assert_eq!(listed.len(), 2, "{b}");
        assert_eq!(listed[0].code, "990101001001", "{b}");
        assert_eq!(listed[0].polygons, 1, "{b}");

        // A district B community, then a bad geometry: nothing of either file is stored.
        let out_of_scope = collection(&[
            feature("990101001001", &square(114.0, 30.0)),
            feature("990102001001", &square(114.6, 30.4)),
        ]);
        assert_eq!(
            refusal(
                office
                    .requests()
                    .import_boundaries(&out_of_scope, "")
                    .await
                    .unwrap_err()
            ),
            BoundaryRefusal::UnknownRegion {
                feature: 2,
                code: "990102001001".into()
            },
            "{b}"
        );
        let point = r#"{"type":"Point","coordinates":[114.4,30.4]}"#;
        let bad = collection(&[
            feature("990101001002", &square(114.0, 30.0)),
            feature("990101001001", point),
        ]);
        assert!(matches!(
            refusal(
                office
                    .requests()
                    .import_boundaries(&bad, "")
                    .await
                    .unwrap_err()
            ),
            BoundaryRefusal::Geometry { feature: 2, .. }
        ));
        assert_eq!(
            refusal(
                office
                    .requests()
                    .import_boundaries("{not json", "")
                    .await
                    .unwrap_err()
            ),
            BoundaryRefusal::NotJson
        );
        assert_eq!(
            refusal(
                office
                    .requests()
                    .import_boundaries(&square(1.0, 1.0), "")
                    .await
                    .unwrap_err()
            ),
            BoundaryRefusal::NoCode { feature: 1 }
        );
        assert_eq!(
            refusal(
                office
                    .requests()
                    .import_boundaries(&square(1.0, 1.0), "990999")
                    .await
                    .unwrap_err()
            ),
            BoundaryRefusal::UnknownRegion {
                feature: 1,
                code: "990999".into()
            }
        );
        let unchanged = office.requests().community_boundaries().await.unwrap();
        assert_eq!(unchanged, listed, "{b}: refused imports change nothing");

        // District B's office sees none of district A's boundaries and cannot remove them.
        let other = f.actor("dept_b").await;
        let dept = store.scoped(&other, "198.51.100.2");
        assert!(forbidden(dept.requests().community_boundaries().await));
        let east = region_id(&store, "990101001001").await;
        assert!(forbidden(dept.requests().delete_boundary(east).await));
        assert_eq!(boundary_count(&store).await, 2, "{b}");
    }
}

#[tokio::test]
async fn rules_are_checked_and_a_new_request_follows_them() {
    let (_dir, blobs) = blob_dir();
    let calendar = WorkingCalendar::shipped();
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        communities(&store).await;
        let office = f.actor("office_a").await;
        let office = store.scoped(&office, "198.51.100.1");
        office
            .requests()
            .import_boundaries(&feature("990101001001", &square(114.4, 30.4)), "")
            .await
            .unwrap();
        let east = region_id(&store, "990101001001").await;

        let refused = office
            .requests()
            .add_routing_rule(&NewRule {
                category: Some("nonsense".into()),
                boundary: Some(east + 1000),
                department: f.b_zj,
            })
            .await
            .unwrap_err();
        let StoreError::Invalid(problems) = refused else {
            panic!("{b}: {refused:?}")
        };
        let fields: Vec<&str> = problems.iter().map(|p| p.field).collect();
        assert_eq!(fields, ["category", "boundary", "department"], "{b}");
        let anywhere = office
            .requests()
            .add_routing_rule(&NewRule {
                category: None,
                boundary: None,
                department: f.a_zj,
            })
            .await
            .unwrap_err();
        assert!(
            matches!(&anywhere, StoreError::Invalid(p) if p[0].problem == Problem::refused(RuleRefusal::BoundaryNeeded)),
            "{b}: a district office cannot route the whole city: {anywhere:?}"
        );

        let road = NewRule {
            category: Some("road".into()),
            boundary: Some(east),
            department: f.a_zj,
        };
        let added = office.requests().add_routing_rule(&road).await.unwrap();
        assert_eq!(added.category_code.as_deref(), Some("road"), "{b}");
        assert_eq!(added.boundary_name.as_deref(), Some("东湖社区"), "{b}");
        let again = office
            .requests()
            .add_routing_rule(&NewRule {
                department: f.a_jy,
                ..road.clone()
            })
            .await
            .unwrap_err();
        assert!(
            matches!(&again, StoreError::Invalid(p) if p[0].problem == Problem::refused(RuleRefusal::Duplicate)),
            "{b}: {again:?}"
        );
        let any_category = office
            .requests()
            .add_routing_rule(&NewRule {
                category: None,
                boundary: Some(east),
                department: f.a_jy,
            })
            .await
            .unwrap();
        assert_eq!(
            office.requests().routing_rules().await.unwrap().len(),
            2,
            "{b}"
        );

        // The point test says what intake will do.
        let inside = Point::new(30.45, 114.45);
        let tested = office.requests().test_route("road", inside).await.unwrap();
        assert_eq!(tested.boundaries, ["东湖社区"], "{b}");
        assert_eq!(
            tested.destination,
            Destination::Department("示例区住建局".into()),
            "{b}"
        );
        let outside = Point::new(31.0, 115.0);
        assert_eq!(
            office
                .requests()
                .test_route("road", outside)
                .await
                .unwrap()
                .destination,
            Destination::DispatchQueue,
            "{b}"
        );

        // A resident's request inside the imported boundary goes to the rule's department.
        let draft = IntakeDraft {
            category: "road".into(),
            description: "东湖社区门口路面塌陷".into(),
            lat: "30.45".into(),
            lon: "114.45".into(),
            ..IntakeDraft::default()
        };
        let submission = Submission::parse(draft, None, Channel::Portal, 0).unwrap();
        let receipt = store
            .residents("203.0.113.9")
            .submit(&submission, &[], &blobs, &calendar, june())
            .await
            .unwrap();
        assert!(receipt.routed, "{b}");
        let (holder, path): (Option<i64>, String) = query_raw(
            &store,
            &format!(
                "SELECT holder_department_id, region_path FROM service_requests WHERE id = {}",
                receipt.id
            ),
        )
        .await
        .unwrap()
        .remove(0);
        assert_eq!(holder, Some(f.a_zj), "{b}");
        assert!(
            path.ends_with(&format!("/{east}/")),
            "{b}: placed in the community"
        );

        // Re-importing the boundary keeps its rules; removing it removes them.
        office
            .requests()
            .import_boundaries(&feature("990101001001", &square(114.4, 30.4)), "")
            .await
            .unwrap();
        assert_eq!(
            office.requests().routing_rules().await.unwrap().len(),
            2,
            "{b}"
        );
        office
            .requests()
            .delete_routing_rule(any_category.id)
            .await
            .unwrap();
        assert!(not_found(
            office.requests().delete_routing_rule(any_category.id).await
        ));
        office.requests().delete_boundary(east).await.unwrap();
        assert!(
            office.requests().routing_rules().await.unwrap().is_empty(),
            "{b}"
        );
        assert_eq!(boundary_count(&store).await, 0, "{b}");

        let audited: Vec<(String,)> = query_raw(
            &store,
            "SELECT action FROM audit_log WHERE target_type IN ('community_boundary', 'routing_rule') ORDER BY id",
        )
        .await
        .unwrap();
        let actions: Vec<&str> = audited.iter().map(|(a,)| a.as_str()).collect();
        assert_eq!(
            actions,
            [
                "boundary.import",
                "routing.change",
                "routing.change",
                "boundary.import",
                "routing.change",
                "boundary.delete"
            ],
            "{b}"
        );
    }
}

/// The whole-city office may set a catch-all rule; district B's office sees none of district
/// A's rules.
#[tokio::test]
async fn a_catch_all_needs_the_whole_tree_and_rules_stay_in_scope() {
    for (b, store) in stores().await {
        let f: Fixture = fixture(&store).await;
        communities(&store).await;
        let office = minxin_domain::Role::Office;
        minxin_storage::testing::account(
            &store,
            "office_city",
            "市管理中心",
            office,
            "990100",
            None,
        )
        .await;
        let office = minxin_domain::Role::Office;
        minxin_storage::testing::account(
            &store,
            "office_b",
            "样板区管理中心",
            office,
            "990102",
            None,
        )
        .await;
        let city = f.actor("office_city").await;
        let city = store.scoped(&city, "198.51.100.3");
        let rule = city
            .requests()
            .add_routing_rule(&NewRule {
                category: Some("road".into()),
                boundary: None,
                department: f.a_zj,
            })
            .await
            .unwrap();
        assert_eq!(rule.boundary, None, "{b}");
        let office_b = f.actor("office_b").await;
        let office_b = store.scoped(&office_b, "198.51.100.4");
        assert!(
            office_b
                .requests()
                .routing_rules()
                .await
                .unwrap()
                .is_empty(),
            "{b}"
        );
        assert!(not_found(
            office_b.requests().delete_routing_rule(rule.id).await
        ));
        assert_eq!(
            city.requests().routing_rules().await.unwrap().len(),
            1,
            "{b}"
        );
    }
}
