//! Public reads on SQLite and PostgreSQL: only public projects of the annual plan are found;
//! what is returned holds no phone number, account name, review comment, staff reason or
//! original photo — only the office's published line in full, else the owner's phone masked;
//! photos only of accepted reports; the export's batches cover every public
//! project once; the last-modified time moves with money.

use crate::support::not_found;
use minxin_storage::control::money::MoneyInput;
use minxin_storage::control::reports::PhotoCopy;
use minxin_storage::testing::{PRIVATE_TEXTS, TestProject, blob_dir, execute_raw, fixture, stores};

fn leaks(json: &str) -> Vec<&'static str> {
    PRIVATE_TEXTS
        .iter()
        .copied()
        .filter(|t| json.contains(t))
        .collect()
}

#[tokio::test]
async fn a_public_project_shows_public_fields_only() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let (_dir, blobs) = blob_dir();
        let seed = f.public_project("东湖社区老年食堂", &blobs).await;

        let view = store.public().project(&seed.code).await.unwrap();
        assert_eq!(view.name, "东湖社区老年食堂", "{b}");
        assert_eq!(view.contact_phone, "138****1234", "{b}");
        assert!(!view.contact_is_office_line, "{b}");
        assert_eq!(view.contractors, [seed.contractor], "{b}");
        assert_eq!(view.reports.len(), 1, "{b}: only the accepted report");
        assert_eq!(view.reports[0].photos[0].id, seed.accepted_photo, "{b}");
        assert_eq!(view.progress_percent, 30, "{b}");
        let moves: Vec<&str> = view.timeline.iter().map(|t| t.action.as_str()).collect();
        assert!(moves.ends_with(&["suspend", "resume"]), "{b}: {moves:?}");
        assert_eq!(view.money.total.paid.0, 10_000_000, "{b}");
        assert!(view.light.is_some(), "{b}");
        let json = serde_json::to_string(&view).unwrap();
        assert_eq!(leaks(&json), Vec::<&str>::new(), "{b}: {json}");

        let facts = store.public().oc4ids_project(&seed.code).await.unwrap();
        assert_eq!(facts.contracts.len(), 1, "{b}");
        assert_eq!(facts.money.len(), 3, "{b}");
        assert_eq!(facts.category_code, "public_service.elderly", "{b}");
        assert!(!format!("{facts:?}").contains("13800001234"), "{b}");
    }
}

#[tokio::test]
async fn a_published_office_line_is_shown_in_full_and_the_owner_phone_never() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let (_dir, blobs) = blob_dir();
        let seed = f.public_project("东湖社区老年食堂", &blobs).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let p = s.projects().get(seed.id).await.unwrap();
        let mut input = minxin_storage::projects::ProjectInput {
            name: p.name.clone(),
            category_id: p.category_id,
            year: p.year,
            region_id: p.region_id,
            lead_department_id: p.lead_department_id,
            owner_name: p.owner_name.clone(),
            owner_phone: p.owner_phone.clone(),
            public_phone: "0571-88881234".into(),
            address: p.address.clone(),
            planned_start: p.planned_start,
            planned_end: p.planned_end,
            is_public: true,
            ..Default::default()
        };
        let p = s
            .projects()
            .update(seed.id, p.version, &input.parse().unwrap())
            .await
            .unwrap();

        let view = store.public().project(&seed.code).await.unwrap();
        assert_eq!(view.contact_phone, "0571-88881234", "{b}");
        assert!(view.contact_is_office_line, "{b}");
        let json = serde_json::to_string(&view).unwrap();
        assert_eq!(leaks(&json), Vec::<&str>::new(), "{b}: {json}");
        assert!(
            !json.contains("138****1234"),
            "{b}: the masked phone as well"
        );

        input.public_phone = String::new();
        s.projects()
            .update(seed.id, p.version, &input.parse().unwrap())
            .await
            .unwrap();
        let view = store.public().project(&seed.code).await.unwrap();
        assert_eq!(
            (view.contact_phone.as_str(), view.contact_is_office_line),
            ("138****1234", false),
            "{b}: without the line, the owner's phone masked again"
        );
    }
}

#[tokio::test]
async fn projects_that_are_not_public_are_not_found() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = f
            .project(TestProject::building(&f, "西湖社区老年食堂", 30, 30))
            .await;
        let code = f.project_code(id).await;
        let public = store.public();
        assert!(public.project(&code).await.is_ok(), "{b}");
        assert!(not_found(public.project("2099-MX-9999").await));

        execute_raw(
            &store,
            &format!("UPDATE projects SET stage = 'reserve' WHERE id = {id}"),
        )
        .await
        .unwrap();
        assert!(
            not_found(public.project(&code).await),
            "{b}: a reserve project is not public"
        );
        assert!(not_found(public.oc4ids_project(&code).await));

        execute_raw(
            &store,
            &format!(
                "UPDATE projects SET stage = 'construction', is_public = {} WHERE id = {id}",
                if b == "sqlite" { "0" } else { "false" }
            ),
        )
        .await
        .unwrap();
        assert!(
            not_found(public.project(&code).await),
            "{b}: a project the office keeps private is not public"
        );
        let batch = public.oc4ids_batch(None, 100).await.unwrap();
        assert!(batch.projects.iter().all(|p| p.code != code), "{b}");
    }
}

#[tokio::test]
async fn only_copies_of_photos_of_accepted_reports_are_public() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let (_dir, blobs) = blob_dir();
        let seed = f.public_project("南湖社区老年食堂", &blobs).await;
        let other = f.public_project("北湖社区老年食堂", &blobs).await;
        let public = store.public();

        let display = public
            .photo(&seed.code, seed.accepted_photo, PhotoCopy::Display, &blobs)
            .await
            .unwrap();
        assert_eq!(display.bytes, b"display 0", "{b}");
        let thumb = public
            .photo(
                &seed.code,
                seed.accepted_photo,
                PhotoCopy::Thumbnail,
                &blobs,
            )
            .await
            .unwrap();
        assert_eq!(thumb.bytes, b"thumbnail 0", "{b}");

        for (code, photo) in [
            (&seed.code, seed.returned_photo),
            (&other.code, seed.accepted_photo),
            (&seed.code, 999_999),
        ] {
            assert!(
                not_found(public.photo(code, photo, PhotoCopy::Display, &blobs).await),
                "{b}: {code} {photo}"
            );
        }
        execute_raw(
            &store,
            &format!(
                "UPDATE projects SET stage = 'reserve' WHERE id = {}",
                seed.id
            ),
        )
        .await
        .unwrap();
        assert!(not_found(
            public
                .photo(&seed.code, seed.accepted_photo, PhotoCopy::Display, &blobs)
                .await
        ));
    }
}

#[tokio::test]
async fn the_export_reads_every_public_project_once_in_batches() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        for name in ["一号食堂", "二号食堂", "三号食堂"] {
            f.project(TestProject::building(&f, name, 30, 30)).await;
        }
        let mut hidden = TestProject::building(&f, "储备食堂", 30, 30);
        hidden.stage = "reserve";
        f.project(hidden).await;

        let public = store.public();
        let first = public.oc4ids_batch(None, 2).await.unwrap();
        assert_eq!(first.projects.len(), 2, "{b}");
        let next = first.next.expect("a second batch");
        let second = public.oc4ids_batch(Some(next), 2).await.unwrap();
        assert_eq!(second.projects.len(), 1, "{b}");
        assert_eq!(second.next, None, "{b}");
        let mut names: Vec<String> = first
            .projects
            .iter()
            .chain(&second.projects)
            .map(|p| p.name.clone())
            .collect();
        names.sort();
        assert_eq!(names, ["一号食堂", "三号食堂", "二号食堂"], "{b}");
        assert_eq!(
            public.publisher().await.unwrap(),
            "示例市民生工程管理中心",
            "{b}"
        );
    }
}

#[tokio::test]
async fn money_moves_the_last_modified_time() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let id = f
            .project(TestProject::building(&f, "东湖社区老年食堂", 30, 30))
            .await;
        let code = f.project_code(id).await;
        let before = store.public().project(&code).await.unwrap();
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        let finance = f.actor("finance_a").await;
        store
            .scoped(&finance, "t")
            .control()
            .record_money(
                id,
                &MoneyInput {
                    kind: "approval".into(),
                    source: "county".into(),
                    amount_fen: 1_000,
                    contract_id: None,
                    occurred_on: Some(minxin_storage::testing::today()),
                    note: String::new(),
                }
                .parse()
                .unwrap(),
            )
            .await
            .unwrap();
        let after = store.public().project(&code).await.unwrap();
        assert!(after.last_modified > before.last_modified, "{b}");
        assert_eq!(after.money.total.approved.0, 1_000, "{b}");
    }
}
