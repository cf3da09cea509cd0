//! The annual-plan import in storage, on SQLite and PostgreSQL: all or nothing, idempotent by
//! project code, generated codes, dry runs, the dictionary a user's template offers, and data
//! scopes (a department user cannot import into another district).

use crate::support::{BUDGET, audited};
use chrono::NaiveDate;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::projects::import::{Column, ImportRow, Issue, RowIssue};
use minxin_domain::projects::project::FundingSource;
use minxin_domain::{Actor, Problem};
use minxin_storage::projects::{ImportOptions, ImportReport, ProjectFilter, RowAction};
use minxin_storage::testing::{Fixture, fixture, stores};
use minxin_storage::{PageRequest, Store};

async fn subcategory(store: &Store, f: &Fixture) -> i64 {
    let office = f.actor("office_a").await;
    let all = store.scoped(&office, "t").org().categories().await.unwrap();
    all.iter().find(|c| c.parent_id.is_some()).unwrap().id
}

fn row(n: u32, code: &str, category_id: i64, f: &Fixture) -> ImportRow {
    ImportRow {
        row: n,
        code: code.into(),
        name: format!("第{n}行 老旧小区改造"),
        category_id,
        year: 2026,
        region_id: f.street_a.id,
        lead_department_id: f.a_zj,
        partner_department_ids: vec![f.a_jy],
        owner_name: "王建国".into(),
        owner_phone: "13800001234".into(),
        address: "示例街道幸福路 1 号".into(),
        longitude: Some(114.3),
        latitude: Some(30.6),
        planned_start: NaiveDate::from_ymd_opt(2026, 3, 1),
        planned_end: NaiveDate::from_ymd_opt(2026, 10, 31),
        budget: BUDGET.into_iter().collect(),
        beneficiaries: Some(1200),
        description: "外墙保温、管网改造".into(),
        goals: "居民满意度 90% 以上".into(),
        is_public: true,
        public_phone: String::new(),
    }
}

async fn import(store: &Store, actor: &Actor, rows: &[ImportRow]) -> ImportReport {
    let options = ImportOptions {
        source: "2026年度清单.xlsx".into(),
        dry_run: false,
    };
    store
        .scoped(actor, "127.0.0.1")
        .projects()
        .import(rows, &options, |_, _| {})
        .await
        .unwrap()
}

async fn count(store: &Store, actor: &Actor) -> i64 {
    let filter = ProjectFilter {
        pool: None,
        ..ProjectFilter::default()
    };
    store
        .scoped(actor, "t")
        .projects()
        .list(&filter, PageRequest::new(None, None))
        .await
        .unwrap()
        .total
}

#[tokio::test]
async fn one_bad_row_imports_nothing() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let cat = subcategory(&store, &f).await;
        let mut rows: Vec<ImportRow> = (2..=6)
            .map(|n| row(n, &format!("2026-MX-{n:04}"), cat, &f))
            .collect();
        // Row 5 puts the project in district B, outside office_a's scope.
        rows[3].region_id = f.street_b.id;
        let report = import(&store, &office, &rows).await;
        assert!(!report.applied, "[{b}]");
        assert_eq!(
            report.issues,
            vec![RowIssue {
                row: Some(5),
                column: Some(Column::Region),
                issue: Issue::Rule {
                    problem: Problem::Unknown
                }
            }],
            "[{b}]"
        );
        assert_eq!((report.created, report.updated), (0, 0), "[{b}]");
        assert_eq!(
            count(&store, &office).await,
            0,
            "[{b}] nothing half-imported"
        );
        let imports = audited(&f, AuditAction::ProjectImport).await;
        assert_eq!(
            imports.total, 0,
            "[{b}] a failed import is not recorded as done"
        );

        // Fixed, the same rows import completely.
        rows[3].region_id = f.street_a.id;
        let report = import(&store, &office, &rows).await;
        assert!(report.applied, "[{b}] {:?}", report.issues);
        assert_eq!(report.created, 5, "[{b}]");
        assert_eq!(count(&store, &office).await, 5, "[{b}]");
    }
}

#[tokio::test]
async fn the_published_phone_is_imported_updated_and_checked() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let cat = subcategory(&store, &f).await;
        let mut rows = vec![ImportRow {
            public_phone: "0571-88881234".into(),
            ..row(2, "2026-MX-0002", cat, &f)
        }];
        assert!(import(&store, &office, &rows).await.applied, "[{b}]");
        let scoped = store.scoped(&office, "t");
        let id = scoped
            .projects()
            .list(&ProjectFilter::default(), PageRequest::new(None, None))
            .await
            .unwrap()
            .items[0]
            .id;
        assert_eq!(
            scoped.projects().get(id).await.unwrap().public_phone,
            "0571-88881234"
        );

        rows[0].public_phone = "12345".into();
        let changed = import(&store, &office, &rows).await;
        assert_eq!((changed.updated, changed.unchanged), (1, 0), "[{b}]");
        assert_eq!(
            scoped.projects().get(id).await.unwrap().public_phone,
            "12345"
        );

        // The parser refuses free text already; storage checks again whatever reaches it.
        rows[0].public_phone = "请找王主任".into();
        let refused = import(&store, &office, &rows).await;
        assert!(!refused.applied, "[{b}]");
        assert_eq!(
            refused.issues,
            vec![RowIssue::cell(
                2,
                Column::PublicPhone,
                Issue::Rule {
                    problem: Problem::Malformed
                }
            )],
            "[{b}]"
        );
        assert_eq!(
            scoped.projects().get(id).await.unwrap().public_phone,
            "12345"
        );
    }
}

#[tokio::test]
async fn reimporting_updates_instead_of_duplicating() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let cat = subcategory(&store, &f).await;
        let mut rows: Vec<ImportRow> = (2..=4)
            .map(|n| row(n, &format!("2026-MX-{n:04}"), cat, &f))
            .collect();
        let first = import(&store, &office, &rows).await;
        assert_eq!(
            (first.created, first.updated, first.unchanged),
            (3, 0, 0),
            "[{b}]"
        );
        let again = import(&store, &office, &rows).await;
        assert!(again.applied, "[{b}]");
        assert_eq!(
            (again.created, again.updated, again.unchanged),
            (0, 0, 3),
            "[{b}] same file, no change"
        );
        rows[1].name = "幸福小区加装电梯".into();
        rows[1].budget.insert(FundingSource::Central, 100);
        rows[2].partner_department_ids.clear();
        let changed = import(&store, &office, &rows).await;
        assert_eq!(
            (changed.created, changed.updated, changed.unchanged),
            (0, 2, 1),
            "[{b}]"
        );
        assert_eq!(count(&store, &office).await, 3, "[{b}] no duplicates");
        // An update together with a bad new row: the update does not happen either.
        let mut mixed = rows.clone();
        mixed[0].name = "不应保存的名称".into();
        mixed.push(ImportRow {
            region_id: f.street_b.id,
            ..row(9, "2026-MX-0009", cat, &f)
        });
        let refused = import(&store, &office, &mixed).await;
        assert!(!refused.applied, "[{b}]");
        assert_eq!(refused.issues.len(), 1, "[{b}] {:?}", refused.issues);
        assert_eq!(count(&store, &office).await, 3, "[{b}]");
        let scoped = store.scoped(&office, "t");
        let list = scoped
            .projects()
            .list(
                &ProjectFilter {
                    q: Some("加装电梯".into()),
                    ..ProjectFilter::default()
                },
                PageRequest::new(None, None),
            )
            .await
            .unwrap();
        assert_eq!(list.items.len(), 1, "[{b}]");
        let project = scoped.projects().get(list.items[0].id).await.unwrap();
        assert_eq!(project.code, "2026-MX-0003", "[{b}]");
        assert_eq!(
            project.stage, "approved",
            "[{b}] imported into the annual plan"
        );
        assert_eq!(project.budget_fen, 123_456_789 + 5_000_000 + 100, "[{b}]");
        let timeline = scoped.projects().transitions(project.id).await.unwrap();
        assert_eq!(
            timeline.len(),
            1,
            "[{b}] one import move, updates are no moves"
        );
        assert_eq!(timeline[0].action, "import", "[{b}]");
        assert_eq!(timeline[0].reason, "2026年度清单.xlsx", "[{b}]");
        // Each import that ran is in the audit log once, with its counts.
        let imports = audited(&f, AuditAction::ProjectImport).await;
        assert_eq!(imports.total, 3, "[{b}]");
        let creations = audited(&f, AuditAction::ProjectCreate).await;
        assert_eq!(creations.total, 3, "[{b}] every created project is audited");
        let created: serde_json::Value =
            serde_json::from_str(creations.items[0].after.as_deref().unwrap()).unwrap();
        assert_eq!(created["stage"], "approved", "[{b}] {created}");
        assert_eq!(
            created["partners"][0]["name"], "示例区教育局",
            "[{b}] {created}"
        );
        let after: serde_json::Value =
            serde_json::from_str(imports.items[0].after.as_deref().unwrap()).unwrap();
        assert_eq!(after["updated"], 2, "[{b}] {after}");
        assert_eq!(after["unchanged"], 1, "[{b}] {after}");
    }
}

#[tokio::test]
async fn rows_without_codes_get_the_next_codes_of_their_year() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let cat = subcategory(&store, &f).await;
        let rows = vec![
            row(2, "2026-MX-0007", cat, &f),
            row(3, "", cat, &f),
            row(4, "", cat, &f),
            ImportRow {
                year: 2027,
                ..row(5, "", cat, &f)
            },
        ];
        let mut calls = Vec::new();
        let report = store
            .scoped(&office, "t")
            .projects()
            .import(&rows, &ImportOptions::default(), |done, total| {
                calls.push((done, total))
            })
            .await
            .unwrap();
        assert!(report.applied, "[{b}] {:?}", report.issues);
        let codes: Vec<(&str, RowAction)> = report
            .rows
            .iter()
            .map(|r| (r.code.as_str(), r.action))
            .collect();
        assert_eq!(
            codes,
            [
                ("2026-MX-0007", RowAction::Create),
                ("2026-MX-0008", RowAction::Create),
                ("2026-MX-0009", RowAction::Create),
                ("2027-MX-0001", RowAction::Create),
            ],
            "[{b}]"
        );
        assert_eq!(
            calls.last(),
            Some(&(4, 4)),
            "[{b}] progress ends at the total"
        );
        assert!(
            calls.windows(2).all(|w| w[0].0 < w[1].0),
            "[{b}] progress only grows: {calls:?}"
        );
    }
}

#[tokio::test]
async fn a_dry_run_checks_everything_and_saves_nothing() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let cat = subcategory(&store, &f).await;
        let rows = vec![row(2, "2026-MX-0001", cat, &f), row(3, "", cat, &f)];
        let options = ImportOptions {
            source: "dry.xlsx".into(),
            dry_run: true,
        };
        let report = store
            .scoped(&office, "t")
            .projects()
            .import(&rows, &options, |_, _| {})
            .await
            .unwrap();
        assert!(!report.applied, "[{b}]");
        assert!(report.issues.is_empty(), "[{b}] {:?}", report.issues);
        assert_eq!(report.created, 2, "[{b}]");
        assert_eq!(count(&store, &office).await, 0, "[{b}]");
        let plan = store
            .scoped(&office, "t")
            .projects()
            .plan_import(&rows)
            .await
            .unwrap();
        assert!(plan.issues.is_empty(), "[{b}]");
        assert_eq!(plan.rows[0].action, RowAction::Create, "[{b}]");
    }
}

#[tokio::test]
async fn a_department_user_cannot_import_into_another_district() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let cat = subcategory(&store, &f).await;
        // District A's plan, imported by its office.
        let report = import(&store, &office, &[row(2, "2026-MX-0001", cat, &f)]).await;
        assert!(report.applied, "[{b}]");
        // dept_b works for 样板区住建局 in district B.
        store
            .bootstrap_scope_departments(f.id("dept_b"), &["B-ZJ"])
            .await
            .unwrap();
        let dept_b = f.actor("dept_b").await;
        let dictionary = store
            .scoped(&dept_b, "t")
            .projects()
            .import_dictionary()
            .await
            .unwrap();
        assert!(
            dictionary
                .regions
                .iter()
                .all(|r| r.code.starts_with("990102")),
            "[{b}] {:?}",
            dictionary.regions
        );
        assert!(
            dictionary
                .departments
                .iter()
                .all(|d| d.id == f.b_zj && d.may_lead),
            "[{b}] {:?}",
            dictionary.departments
        );
        // Overwriting district A's project by its code, and creating one there.
        let rows = vec![
            row(2, "2026-MX-0001", cat, &f),
            ImportRow {
                lead_department_id: f.a_zj,
                partner_department_ids: vec![],
                ..row(3, "2026-MX-0100", cat, &f)
            },
        ];
        let report = import(&store, &dept_b, &rows).await;
        assert!(!report.applied, "[{b}]");
        assert_eq!(
            report.issues,
            vec![RowIssue::cell(
                2,
                Column::Code,
                Issue::CodeOutsideScope {
                    code: "2026-MX-0001".into()
                }
            )],
            "[{b}]"
        );
        let rows = vec![ImportRow {
            lead_department_id: f.a_zj,
            partner_department_ids: vec![],
            ..row(3, "2026-MX-0100", cat, &f)
        }];
        let report = import(&store, &dept_b, &rows).await;
        let columns: Vec<Option<Column>> = report.issues.iter().map(|i| i.column).collect();
        assert!(!report.applied, "[{b}]");
        assert!(
            columns.contains(&Some(Column::Region)) && columns.contains(&Some(Column::Lead)),
            "[{b}] {:?}",
            report.issues
        );
        // In district B, for its own department, dept_b may import.
        let own = vec![ImportRow {
            region_id: f.street_b.id,
            lead_department_id: f.b_zj,
            partner_department_ids: vec![],
            ..row(2, "2026-YB-0001", cat, &f)
        }];
        let report = import(&store, &dept_b, &own).await;
        assert!(report.applied, "[{b}] {:?}", report.issues);
        // A reader cannot create; a leader's import is refused row by row.
        let leader = f.actor("leader_a").await;
        let report = import(&store, &leader, &[row(2, "", cat, &f)]).await;
        assert_eq!(report.issues[0].issue, Issue::CannotCreate, "[{b}]");
        let report = import(&store, &leader, &[row(2, "2026-MX-0001", cat, &f)]).await;
        assert_eq!(
            report.issues[0].issue,
            Issue::NotManageable {
                code: "2026-MX-0001".into()
            },
            "[{b}]"
        );
        assert_eq!(count(&store, &office).await, 1, "[{b}]");
    }
}

#[tokio::test]
async fn the_dictionary_follows_the_scope() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let d = store
            .scoped(&office, "t")
            .projects()
            .import_dictionary()
            .await
            .unwrap();
        let regions: Vec<&str> = d.regions.iter().map(|r| r.name.as_str()).collect();
        assert_eq!(regions, ["示例区", "示例街道"], "[{b}]");
        let departments: Vec<(&str, bool)> = d
            .departments
            .iter()
            .map(|d| (d.name.as_str(), d.may_lead))
            .collect();
        assert_eq!(
            departments,
            [("示例区教育局", true), ("示例区住建局", true)],
            "[{b}]"
        );
        assert!(!d.categories.is_empty(), "[{b}]");
        assert!(
            d.categories.iter().all(|c| c.code.contains('.')),
            "[{b}] subcategories only"
        );
        // Nobody without project access gets a dictionary.
        let sysadmin = f.actor("sysadmin").await;
        assert!(
            store
                .scoped(&sysadmin, "t")
                .projects()
                .import_dictionary()
                .await
                .is_err(),
            "[{b}]"
        );
    }
}

/// `cargo test -p minxin-storage --test import -- --ignored --nocapture ten_thousand` measures
/// an import of 10,000 new rows and then its idempotent re-import.
#[tokio::test]
#[ignore]
async fn ten_thousand_rows() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let cat = subcategory(&store, &f).await;
        let rows: Vec<ImportRow> = (0..10_000)
            .map(|i| row(i + 2, &format!("2026-MX-{:05}", i + 1), cat, &f))
            .collect();
        let started = std::time::Instant::now();
        let report = import(&store, &office, &rows).await;
        let first = started.elapsed();
        assert!(report.applied, "[{b}] {:?}", &report.issues[..1]);
        let started = std::time::Instant::now();
        let again = import(&store, &office, &rows).await;
        let second = started.elapsed();
        assert_eq!(again.unchanged, 10_000);
        let changed: Vec<ImportRow> = rows
            .iter()
            .map(|r| ImportRow {
                name: format!("{}（调整）", r.name),
                ..r.clone()
            })
            .collect();
        let started = std::time::Instant::now();
        let third = import(&store, &office, &changed).await;
        let updated = started.elapsed();
        assert_eq!(third.updated, 10_000);
        println!(
            "[{b}] 10,000 new rows: {first:.2?}; re-import (unchanged): {second:.2?}; \
             every row changed: {updated:.2?}"
        );
    }
}
