//! Issue 15 finding 14 (found by schemathesis): deleting a region or a department that a
//! project still refers to is refused as in use, naming `id`, on SQLite and PostgreSQL — it
//! was a database error and a 500 — and deletes nothing.

use minxin_domain::Problem;
use minxin_storage::StoreError;
use minxin_storage::org::regions::RegionInput;
use minxin_storage::testing::{TestProject, fixture, stores};

fn in_use<T: std::fmt::Debug>(backend: &str, result: Result<T, StoreError>) {
    match result {
        Err(StoreError::Invalid(problems)) => assert!(
            problems
                .iter()
                .any(|p| p.field == "id" && p.problem == Problem::InUse),
            "{backend}: {problems:?}"
        ),
        other => panic!("{backend}: expected `id` in use, got {other:?}"),
    }
}

#[tokio::test]
async fn a_region_or_department_a_project_refers_to_is_in_use() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let sysadmin = f.actor("sysadmin").await;
        let sys = store.scoped(&sysadmin, "t");
        let street = sys
            .org()
            .create_region(&RegionInput {
                code: "990101009".into(),
                name: "新街道".into(),
                level: "street".into(),
                parent_id: Some(f.district_a.id),
            })
            .await
            .unwrap_or_else(|e| panic!("{b}: {e:?}"));
        f.project(TestProject {
            region_id: street.id,
            lead_department_id: f.a_jy,
            ..TestProject::building(&f, "新街道老年食堂", 10, 100)
        })
        .await;

        in_use(b, sys.org().delete_department(f.a_jy).await);
        in_use(b, sys.org().delete_region(street.id).await);
        sys.org()
            .department(f.a_jy)
            .await
            .unwrap_or_else(|e| panic!("{b}: the department stays: {e:?}"));
        sys.org()
            .region(street.id)
            .await
            .unwrap_or_else(|e| panic!("{b}: the region stays: {e:?}"));
    }
}
