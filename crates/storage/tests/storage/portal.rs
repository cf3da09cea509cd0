//! The portal's reads on SQLite and PostgreSQL: the list holds public projects of the annual
//! plan only and obeys every filter; the map sends markers for a view of up to 5,000 projects
//! and grid clusters that add up to the same total beyond; batches cover the list once, in
//! order; the filters offer the plan's years, the dictionary and the streets.

use chrono::NaiveDate;
use minxin_domain::kernel::geo::BoundingBox;
use minxin_domain::kernel::map_grid::MAX_MARKERS;
use minxin_domain::projects::project::{FundingSource, Stage};
use minxin_storage::PageRequest;
use minxin_storage::openness::PortalFilter;
use minxin_storage::projects::seed::BulkProject;
use minxin_storage::testing::{Fixture, TestProject, execute_raw, fixture, stores};

fn area(s: &str) -> BoundingBox {
    s.parse().unwrap()
}

/// Creates a public project of the 2026 plan at `lat, lon` and returns its code.
async fn located(f: &Fixture, name: &'static str, lat: f64, lon: f64) -> (i64, String) {
    let id = f.project(TestProject::building(f, name, 30, 60)).await;
    execute_raw(
        &f.store,
        &format!("UPDATE projects SET latitude = {lat}, longitude = {lon} WHERE id = {id}"),
    )
    .await
    .unwrap();
    let code = f.project_code(id).await;
    (id, code)
}

fn codes(items: &[minxin_storage::openness::PortalProject]) -> Vec<&str> {
    items.iter().map(|p| p.code.as_str()).collect()
}

#[tokio::test]
async fn the_list_shows_public_projects_of_the_plan_and_obeys_the_filters() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let (_, shown) = located(&f, "东湖社区老年食堂", 30.60, 114.30).await;
        let (reserve, _) = located(&f, "西湖社区老年食堂", 30.61, 114.31).await;
        let (private, _) = located(&f, "南湖社区老年食堂", 30.62, 114.32).await;
        execute_raw(
            &store,
            &format!("UPDATE projects SET stage = 'reserve' WHERE id = {reserve}"),
        )
        .await
        .unwrap();
        execute_raw(
            &store,
            &format!("UPDATE projects SET is_public = false WHERE id = {private}"),
        )
        .await
        .unwrap();
        let public = store.public();
        let all = public
            .portal_projects(&PortalFilter::default(), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(codes(&all.items), [shown.as_str()], "{b}");
        assert_eq!(all.total, 1, "{b}");
        let row = &all.items[0];
        assert_eq!(row.region_name, "示例街道", "{b}");
        assert_eq!(row.stage, "construction", "{b}");
        assert_eq!(row.budget_fen, 100_000_000, "{b}");
        assert_eq!(row.latitude, Some(30.60), "{b}");
        let json = serde_json::to_string(&all.items).unwrap();
        assert!(
            !json.contains("13800001234") && !json.contains("王建国"),
            "{b}"
        );

        let count = |filter: PortalFilter| {
            let public = store.public();
            async move {
                public
                    .portal_projects(&filter, PageRequest::default())
                    .await
                    .unwrap()
                    .total
            }
        };
        let category = f.elderly_category().await;
        for (filter, expected) in [
            (
                PortalFilter {
                    year: Some(2026),
                    ..PortalFilter::default()
                },
                1,
            ),
            (
                PortalFilter {
                    year: Some(2025),
                    ..PortalFilter::default()
                },
                0,
            ),
            (
                PortalFilter {
                    stage: Some("construction".into()),
                    ..PortalFilter::default()
                },
                1,
            ),
            (
                PortalFilter {
                    stage: Some("reserve".into()),
                    ..PortalFilter::default()
                },
                0,
            ),
            (
                PortalFilter {
                    street_id: Some(f.street_a.id),
                    ..PortalFilter::default()
                },
                1,
            ),
            (
                PortalFilter {
                    street_id: Some(f.street_b.id),
                    ..PortalFilter::default()
                },
                0,
            ),
            (
                PortalFilter {
                    street_id: Some(999_999),
                    ..PortalFilter::default()
                },
                0,
            ),
            (
                PortalFilter {
                    category_id: Some(category),
                    ..PortalFilter::default()
                },
                1,
            ),
            (
                PortalFilter {
                    q: Some("东湖".into()),
                    ..PortalFilter::default()
                },
                1,
            ),
            (
                PortalFilter {
                    q: Some("南湖".into()),
                    ..PortalFilter::default()
                },
                0,
            ),
            (
                PortalFilter {
                    light: Some("none".into()),
                    ..PortalFilter::default()
                },
                1,
            ),
        ] {
            assert_eq!(count(filter.clone()).await, expected, "{b}: {filter:?}");
        }
    }
}

#[tokio::test]
async fn the_map_sends_markers_of_the_visible_area_only() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let (_, inside) = located(&f, "东湖社区老年食堂", 30.60, 114.30).await;
        let (_, outside) = located(&f, "西湖社区老年食堂", 31.60, 115.30).await;
        let public = store.public();
        let view = public
            .portal_map(&PortalFilter::default(), &area("114.2,30.5,114.4,30.7"))
            .await
            .unwrap();
        assert_eq!(view.total, 1, "{b}");
        assert!(view.clusters.is_empty(), "{b}");
        assert_eq!(view.markers.len(), 1, "{b}");
        let m = &view.markers[0];
        assert_eq!(m.code, inside, "{b}");
        assert_eq!((m.latitude, m.longitude), (30.60, 114.30), "{b}");
        assert_eq!(m.name, "东湖社区老年食堂", "{b}");
        let wide = public
            .portal_map(&PortalFilter::default(), &area("73,18,135,54"))
            .await
            .unwrap();
        let mut all: Vec<&str> = wide.markers.iter().map(|m| m.code.as_str()).collect();
        all.sort_unstable();
        let mut expected = vec![inside.as_str(), outside.as_str()];
        expected.sort_unstable();
        assert_eq!(all, expected, "{b}");
        let filtered = public
            .portal_map(
                &PortalFilter {
                    q: Some("西湖".into()),
                    ..PortalFilter::default()
                },
                &area("73,18,135,54"),
            )
            .await
            .unwrap();
        assert_eq!(filtered.total, 1, "{b}");
        assert_eq!(filtered.markers[0].code, outside, "{b}");
    }
}

/// `n` public projects of the 2026 plan in a 0.1° square, bulk-inserted.
async fn many(f: &Fixture, n: usize) {
    let category = f.elderly_category().await;
    let day = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
    let rows: Vec<BulkProject> = (0..n)
        .map(|i| BulkProject {
            code: format!("2026-MX-{:06}", 500_000 + i),
            name: format!("批量项目{i}"),
            category_id: category,
            year: 2026,
            region_id: f.street_a.id,
            region_path: f.street_a.path.clone(),
            lead_department_id: f.a_zj,
            owner_name: "王建国".into(),
            owner_phone: "13800001234".into(),
            address: "幸福路".into(),
            planned_start: day,
            planned_end: day,
            stage: Stage::Construction,
            progress_percent: 10,
            budget: vec![(FundingSource::County, 100)],
            partners: vec![],
            location: Some((
                30.5 + (i % 100) as f64 * 0.001,
                114.3 + (i / 100) as f64 * 0.001,
            )),
        })
        .collect();
    f.store.seed_bulk_projects(&rows).await.unwrap();
}

#[tokio::test]
async fn a_crowded_view_is_sent_as_clusters_that_add_up() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        many(&f, MAX_MARKERS + 50).await;
        let public = store.public();
        let district = area("114.29,30.49,114.41,30.61");
        let view = public
            .portal_map(&PortalFilter::default(), &district)
            .await
            .unwrap();
        assert_eq!(view.total, (MAX_MARKERS + 50) as i64, "{b}");
        assert!(view.markers.is_empty(), "{b}");
        assert!(view.clusters.len() > 1, "{b}");
        assert_eq!(
            view.clusters.iter().map(|c| c.count).sum::<i64>(),
            view.total,
            "{b}: every project in exactly one cluster"
        );
        // The mean of equal doubles may differ from them in the last bit.
        let within = |low: f64, v: f64, high: f64| low - 1e-9 <= v && v <= high + 1e-9;
        for c in &view.clusters {
            assert!(within(c.south, c.latitude, c.north), "{b}: {c:?}");
            assert!(within(c.west, c.longitude, c.east), "{b}: {c:?}");
            assert!(district.contains(minxin_domain::kernel::geo::Point::new(
                c.latitude,
                c.longitude
            )));
        }
        assert!(
            view.clusters.windows(2).all(|w| w[0].count >= w[1].count),
            "{b}: largest first"
        );
        // Zoomed into a street: markers again.
        let street = public
            .portal_map(&PortalFilter::default(), &area("114.3,30.5,114.31,30.55"))
            .await
            .unwrap();
        assert!(street.clusters.is_empty(), "{b}");
        assert_eq!(street.markers.len() as i64, street.total, "{b}");
        assert!(street.total > 0 && street.total < 1_000, "{b}");
    }
}

#[tokio::test]
async fn batches_cover_the_list_once_in_order() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        many(&f, 25).await;
        located(&f, "东湖社区老年食堂", 30.60, 114.30).await;
        execute_raw(
            &store,
            "UPDATE projects SET year = 2025 WHERE code = '2026-MX-500003'",
        )
        .await
        .unwrap();
        let public = store.public();
        let filter = PortalFilter::default();
        let mut seen = Vec::new();
        let mut after = None;
        loop {
            let batch = public.portal_batch(&filter, after, 7).await.unwrap();
            if batch.is_empty() {
                break;
            }
            after = batch.last().map(|p| (p.year, p.code.clone()));
            seen.extend(batch.into_iter().map(|p| (p.year, p.code)));
        }
        assert_eq!(seen.len(), 26, "{b}");
        let page = public
            .portal_projects(&filter, PageRequest::new(Some(1), Some(200)))
            .await
            .unwrap();
        let listed: Vec<(i32, String)> = page.items.into_iter().map(|p| (p.year, p.code)).collect();
        assert_eq!(seen, listed, "{b}: the same order as the list");
        assert_eq!(
            seen.last().unwrap(),
            &(2025, "2026-MX-500003".to_owned()),
            "{b}: newest plan first"
        );
    }
}

#[tokio::test]
async fn the_filters_offer_years_categories_and_streets() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        located(&f, "东湖社区老年食堂", 30.60, 114.30).await;
        let facets = store.public().portal_facets().await.unwrap();
        assert_eq!(facets.years, [2026], "{b}");
        assert!(
            facets
                .categories
                .iter()
                .any(|c| c.code == "public_service.elderly"),
            "{b}"
        );
        let streets: Vec<(&str, Option<&str>)> = facets
            .streets
            .iter()
            .map(|s| (s.name.as_str(), s.district.as_deref()))
            .collect();
        assert!(
            streets.contains(&("示例街道", Some("示例区"))),
            "{b}: {streets:?}"
        );
        assert!(
            streets.contains(&("样板街道", Some("样板区"))),
            "{b}: {streets:?}"
        );
    }
}
