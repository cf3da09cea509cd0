//! Report photos in storage, on SQLite and PostgreSQL: photos are stored with the report in its
//! transaction and audited, a refiled report keeps its photos and may not exceed the limit in
//! all, only the re-encoded copies can be fetched and only by someone who may read the
//! project, and the overview names the months due but never reported.

use crate::support::{exported, not_found};
use chrono::Duration;
use minxin_domain::control::report::{
    DEFAULT_DUE_DAY, MAX_PHOTOS, ReportPeriod, ReportRefusal, periods_due,
};
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::{Actor, Problem};
use minxin_storage::control::reports::{Decision, NewPhoto, PhotoCopy, ReportInput};
use minxin_storage::testing::{Fixture, TestProject, execute_raw, fixture, photo, stores};
use minxin_storage::testing::{blob_dir, today};
use minxin_storage::{Store, StoreError};

/// A project of district A under construction that started 90 days ago.
/// The fixture, its project under construction for 90 days, and district A's office.
async fn office_and_project(store: &Store) -> (Fixture, i64, Actor) {
    let f = fixture(store).await;
    let id = f
        .project(TestProject::building(&f, "东湖社区老年食堂", 90, 90))
        .await;
    let office = f.actor("office_a").await;
    (f, id, office)
}

fn input(period: &str) -> ReportInput {
    ReportInput {
        period: period.into(),
        percent_bp: 2_000,
        done: "基础施工".into(),
        ..ReportInput::default()
    }
}

#[tokio::test]
async fn photos_are_stored_with_the_report_and_limited_in_all() {
    for (b, store) in stores().await {
        let (f, id, office) = office_and_project(&store).await;
        let (_dir, blobs) = blob_dir();
        let s = store.scoped(&office, "t");
        let period = ReportPeriod::of(today()).to_string();

        let photos: Vec<NewPhoto> = (0..2).map(photo).collect();
        let report = s
            .control()
            .file_report_with_photos(id, &input(&period), &photos, &blobs)
            .await
            .unwrap();
        assert_eq!(report.photos.len(), 2, "{b}");
        assert!(report.photos[0].had_location && !report.photos[1].had_location);
        assert_eq!(
            (report.photos[0].width, report.photos[0].height),
            (640, 480)
        );

        // The audit entry names the copies, never the original.
        let entries = exported(&f, AuditAction::ReportChange, 10).await;
        let after = entries[0].after.clone().unwrap();
        assert!(after.contains(&report.photos[0].display), "{b}: {after}");
        assert!(!after.contains(&report.photos[0].original), "{b}");

        // Returned and refiled: the photos stay, new ones add up, the limit counts them all.
        s.control()
            .review_report(id, report.id, report.version, Decision::Return, "补充照片")
            .await
            .unwrap();
        let too_many: Vec<NewPhoto> = (2..=MAX_PHOTOS).map(photo).collect();
        let refused = s
            .control()
            .file_report_with_photos(id, &input(&period), &too_many, &blobs)
            .await
            .unwrap_err();
        let StoreError::Invalid(problems) = refused else {
            panic!("{b}: refused as input")
        };
        assert_eq!(problems[0].field, "photos");
        assert_eq!(
            problems[0].problem,
            Problem::refused(ReportRefusal::TooManyPhotos { max: MAX_PHOTOS })
        );
        let refiled = s
            .control()
            .file_report_with_photos(id, &input(&period), &too_many[1..], &blobs)
            .await
            .unwrap();
        assert_eq!(refiled.id, report.id, "{b}: refiled in place");
        assert_eq!(refiled.photos.len(), MAX_PHOTOS);
    }
}

#[tokio::test]
async fn only_the_copies_are_served_and_only_in_scope() {
    for (b, store) in stores().await {
        let (f, id, office) = office_and_project(&store).await;
        let (_dir, blobs) = blob_dir();
        let s = store.scoped(&office, "t");
        let period = ReportPeriod::of(today()).to_string();
        let report = s
            .control()
            .file_report_with_photos(id, &input(&period), &[photo(0)], &blobs)
            .await
            .unwrap();
        let photo_id = report.photos[0].id;

        let display = s
            .control()
            .report_photo(id, photo_id, PhotoCopy::Display, &blobs)
            .await
            .unwrap();
        assert_eq!(display, b"display 0", "{b}");
        let thumbnail = s
            .control()
            .report_photo(id, photo_id, PhotoCopy::Thumbnail, &blobs)
            .await
            .unwrap();
        assert_eq!(thumbnail, b"thumbnail 0");

        // Under another project id, or for someone of another district: not found.
        assert!(not_found(
            s.control()
                .report_photo(id + 1, photo_id, PhotoCopy::Display, &blobs)
                .await
        ));
        let other = f.actor("dept_b").await;
        assert!(not_found(
            store
                .scoped(&other, "t")
                .control()
                .report_photo(id, photo_id, PhotoCopy::Display, &blobs)
                .await
        ));
    }
}

#[tokio::test]
async fn the_overview_names_the_months_never_reported() {
    for (b, store) in stores().await {
        let (_, id, office) = office_and_project(&store).await;
        let s = store.scoped(&office, "t");
        let due = periods_due(today() - Duration::days(90), today(), DEFAULT_DUE_DAY);
        let reported = due.last().unwrap().to_string();
        s.control()
            .file_report(id, &input(&reported))
            .await
            .unwrap();

        let overview = s.control().reports_overview(id).await.unwrap();
        assert_eq!(overview.due_day, DEFAULT_DUE_DAY, "{b}");
        assert_eq!(overview.reports.len(), 1);
        let expected: Vec<ReportPeriod> = due[..due.len() - 1].to_vec();
        assert_eq!(overview.missing, expected, "{b}");

        // Before procurement a project files no reports, so none is missing.
        execute_raw(
            &store,
            &format!("UPDATE projects SET stage = 'approved' WHERE id = {id}"),
        )
        .await
        .unwrap();
        assert!(
            s.control()
                .reports_overview(id)
                .await
                .unwrap()
                .missing
                .is_empty()
        );
    }
}
