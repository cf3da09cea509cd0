//! Categories belong to a region (issue 15 finding 11), on SQLite and PostgreSQL: a district
//! sees the shipped dictionary, its own and what is above or below it, never a sibling's;
//! creation is held to the caller's scope, names are checked, and only an office covering the
//! category's region and every project using it may rename it, audited.

use crate::support::{exported, forbidden, not_found, problems};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::{Actor, Problem, Role};
use minxin_storage::Store;
use minxin_storage::org::{Category, CategoryChange, CategoryInput};
use minxin_storage::testing::{Fixture, TestProject, account, fixture, stores};

/// An office account of region `region` (scope the same), created for the test.
async fn office(f: &Fixture, username: &'static str, region: &'static str) -> Actor {
    account(&f.store, username, username, Role::Office, region, None).await;
    f.actor(username).await
}

async fn seen(store: &Store, actor: &Actor) -> Vec<Category> {
    store.scoped(actor, "t").org().categories().await.unwrap()
}

/// The fixture with the offices of district A, district B and the city, the shipped dictionary
/// and the id of its top-level category 公共服务.
async fn setup(store: &Store) -> (Fixture, [Actor; 3], Vec<Category>, i64) {
    let f = fixture(store).await;
    let office_a = f.actor("office_a").await;
    let office_b = office(&f, "office_b", "990102").await;
    let city = office(&f, "office_city", "990100").await;
    let shipped = seen(store, &office_a).await;
    let top = shipped
        .iter()
        .find(|c| c.code == "public_service")
        .unwrap()
        .id;
    (f, [office_a, office_b, city], shipped, top)
}

fn new(name: &str, code: &str, parent: i64) -> CategoryInput {
    CategoryInput {
        name: name.into(),
        code: code.into(),
        parent_id: Some(parent),
        region_id: None,
    }
}

fn rename(name: &str) -> CategoryChange {
    CategoryChange { name: name.into() }
}

#[tokio::test]
async fn a_district_sees_its_own_and_inherited_categories_never_a_siblings() {
    for (b, store) in stores().await {
        let (f, [office_a, office_b, city], shipped, top) = setup(&store).await;
        assert!(shipped.iter().all(|c| c.region_id.is_none()), "{b}");

        let a = store.scoped(&office_a, "t");
        let own = a
            .org()
            .create_category(&new("口袋公园", "a.pocket_park", top))
            .await
            .unwrap();
        assert_eq!(
            own.region_id,
            Some(f.district_a.id),
            "{b}: the scope's own region"
        );
        let from_city = store
            .scoped(&city, "t")
            .org()
            .create_category(&new("全市统一类别", "city.common", top))
            .await
            .unwrap();
        assert_eq!(from_city.region_id, Some(f.city.id), "{b}");

        let has = |list: &[Category], id: i64| list.iter().any(|c| c.id == id);
        for (who, actor) in [
            ("dept_a", f.actor("dept_a").await),
            ("office_a", office_a.clone()),
        ] {
            let list = seen(&store, &actor).await;
            assert!(has(&list, own.id) && has(&list, from_city.id), "{b}: {who}");
            assert_eq!(list.len(), shipped.len() + 2, "{b}: {who}");
        }
        for (who, actor) in [("dept_b", f.actor("dept_b").await), ("office_b", office_b)] {
            let list = seen(&store, &actor).await;
            assert!(!has(&list, own.id), "{b}: {who} sees district A's category");
            assert!(has(&list, from_city.id), "{b}: {who} inherits the city's");
        }
        assert!(
            has(&seen(&store, &city).await, own.id),
            "{b}: the city oversees A"
        );

        let elsewhere = CategoryInput {
            region_id: Some(f.district_b.id),
            ..new("越界", "a.elsewhere", top)
        };
        assert_eq!(
            problems(a.org().create_category(&elsewhere).await.unwrap_err()),
            [("region_id", Problem::Unknown)],
            "{b}: a region outside the scope"
        );

        // A district-B project cannot be filed under district A's category.
        let mut project = TestProject::building(&f, "样板区项目", 10, 100);
        project.office = "office_city";
        project.region_id = f.street_b.id;
        project.lead_department_id = f.b_zj;
        let city_store = store.scoped(&city, "t");
        let mut input = f.project_input(&project).await;
        input.category_id = own.id;
        assert_eq!(
            problems(
                city_store
                    .projects()
                    .create(&input.parse().unwrap())
                    .await
                    .unwrap_err()
            ),
            [("category_id", Problem::Unknown)],
            "{b}"
        );
    }
}

#[tokio::test]
async fn names_are_checked_and_only_an_office_covering_every_user_renames() {
    for (b, store) in stores().await {
        let (f, [office_a, office_b, city], shipped, top) = setup(&store).await;
        let a = store.scoped(&office_a, "t");
        let elderly = shipped
            .iter()
            .find(|c| c.code == "public_service.elderly")
            .unwrap();

        for (name, problem) in [
            ("\u{1}\u{1b}", Problem::ControlCharacter),
            ("口袋\u{0}公园", Problem::ControlCharacter),
            ("口袋\n公园", Problem::ControlCharacter),
            ("   ", Problem::Required),
            (&"长".repeat(51), Problem::TooLong { max: 50 }),
            (elderly.name.as_str(), Problem::Taken),
        ] {
            assert_eq!(
                problems(
                    a.org()
                        .create_category(&new(name, "a.bad", top))
                        .await
                        .unwrap_err()
                ),
                [("name", problem)],
                "{b}: {name:?}"
            );
        }
        let own = a
            .org()
            .create_category(&new("口袋公园", "a.pocket_park", top))
            .await
            .unwrap();
        let b_store = store.scoped(&office_b, "t");
        b_store
            .org()
            .create_category(&new("口袋公园", "b.pocket_park", top))
            .await
            .expect("a sibling district does not see A's name");

        let renamed = a
            .org()
            .update_category(own.id, &rename(" 街角公园 "))
            .await
            .unwrap();
        assert_eq!(renamed.name, "街角公园", "{b}");
        assert!(
            seen(&store, &office_a)
                .await
                .iter()
                .any(|c| c.name == "街角公园")
        );
        assert_eq!(
            problems(
                a.org()
                    .update_category(own.id, &rename("街角\u{7f}"))
                    .await
                    .unwrap_err()
            ),
            [("name", Problem::ControlCharacter)],
            "{b}"
        );
        assert_eq!(
            problems(
                a.org()
                    .update_category(own.id, &rename(&elderly.name))
                    .await
                    .unwrap_err()
            ),
            [("name", Problem::Taken)],
            "{b}"
        );
        assert!(
            not_found(b_store.org().update_category(own.id, &rename("改名")).await),
            "{b}: district B cannot even see A's category"
        );
        assert!(
            forbidden(a.org().update_category(elderly.id, &rename("改名")).await),
            "{b}: the shipped dictionary is everyone's"
        );

        // The city's category, used by projects of both districts: only the city renames it.
        let c = store.scoped(&city, "t");
        let common = c
            .org()
            .create_category(&new("全市统一类别", "city.common", top))
            .await
            .unwrap();
        for (region, lead) in [(f.street_a.id, f.a_zj), (f.street_b.id, f.b_zj)] {
            let mut project = TestProject::building(&f, "两区共用", 10, 100);
            project.office = "office_city";
            project.region_id = region;
            project.lead_department_id = lead;
            let mut input = f.project_input(&project).await;
            input.category_id = common.id;
            c.projects().create(&input.parse().unwrap()).await.unwrap();
        }
        assert!(
            forbidden(a.org().update_category(common.id, &rename("改名")).await),
            "{b}: used in district B too"
        );
        c.org()
            .update_category(common.id, &rename("全市类别"))
            .await
            .unwrap();
        c.org()
            .update_category(elderly.id, &rename("老年助餐"))
            .await
            .unwrap();

        let entries = exported(&f, AuditAction::CategoryUpdate, 100).await;
        let labels: Vec<&str> = entries.iter().map(|e| e.target_label.as_str()).collect();
        assert_eq!(labels.len(), 3, "{b}: {labels:?}");
        for label in ["街角公园", "全市类别", "老年助餐"] {
            assert!(labels.contains(&label), "{b}: {labels:?}");
        }
    }
}
