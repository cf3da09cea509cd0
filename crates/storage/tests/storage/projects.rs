//! The project registry in storage, on SQLite and PostgreSQL: creation with every field,
//! scoped lists and filters, access rules per role, milestones, lifecycle gates and moves,
//! the published office phone, optimistic concurrency and the audit trail.

use crate::support::{BUDGET, audited, forbidden, not_found, problems};
use chrono::NaiveDate;
use minxin_domain::kernel::audit::AuditAction;
use minxin_domain::{Problem, Role};
use minxin_storage::projects::Project;
use minxin_storage::projects::{
    MilestoneInput, Pool, ProgressInput, ProjectFilter, ProjectInput, TransitionInput,
};
use minxin_storage::testing::{Fixture, account, fixture, narrow, stores};
use minxin_storage::{PageRequest, Scoped, Store, StoreError};

fn date(m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, m, d).unwrap()
}

/// A department user narrowed to `department`, and a project manager account.
async fn staff(store: &Store, department: &'static str) {
    for (username, role) in [("zj_staff", Role::Dept), ("zj_manager", Role::Manager)] {
        let id = account(store, username, username, role, "990101", Some(department)).await;
        narrow(store, id, &[department]).await;
    }
}

async fn subcategory(store: &Store, f: &Fixture) -> i64 {
    let office = f.actor("office_a").await;
    let all = store.scoped(&office, "t").org().categories().await.unwrap();
    all.iter()
        .find(|c| c.code == "public_service.elderly")
        .unwrap()
        .id
}

async fn input(store: &Store, f: &Fixture, name: &str) -> ProjectInput {
    ProjectInput {
        code: String::new(),
        name: name.into(),
        category_id: subcategory(store, f).await,
        year: 2026,
        region_id: f.street_a.id,
        lead_department_id: f.a_zj,
        partner_department_ids: vec![f.a_jy],
        owner_name: "王建国".into(),
        owner_phone: "13800001234".into(),
        public_phone: String::new(),
        manager_id: None,
        latitude: Some(30.6),
        longitude: Some(114.3),
        address: "示例街道幸福路 1 号".into(),
        planned_start: Some(date(3, 1)),
        planned_end: Some(date(10, 31)),
        budget: BUDGET.into_iter().collect(),
        beneficiaries: Some(1200),
        description: "社区民生项目".into(),
        goals: "日均服务 200 人次".into(),
        is_public: true,
    }
}

/// A project made from [`input`] named `name`, created as `s`'s caller.
async fn created(s: &Scoped<'_>, f: &Fixture, name: &str) -> Project {
    s.projects()
        .create(&input(&f.store, f, name).await.parse().unwrap())
        .await
        .expect("the project is created")
}

#[tokio::test]
async fn office_creates_projects_with_generated_codes_and_exact_money() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let first = created(&s, &f, "东湖社区老年食堂").await;
        let second = created(&s, &f, "湖滨社区老年食堂").await;
        assert_eq!(first.code, "2026-MX-0001", "{b}");
        assert_eq!(second.code, "2026-MX-0002", "{b}");
        assert_eq!(first.stage, "demand");
        assert_eq!(
            first.budget_fen,
            123_456_789 + 5_000_000,
            "{b}: integer fen, no drift"
        );
        assert_eq!(first.budget.len(), 2);
        assert_eq!(first.partners.len(), 1);
        assert_eq!(first.category_name, "养老服务");
        assert_eq!(first.parent_category_name.as_deref(), Some("公共服务"));

        let mut taken = input(&store, &f, "重复编号").await;
        taken.code = "2026-mx-0001".into();
        let refused = s
            .projects()
            .create(&taken.parse().unwrap())
            .await
            .unwrap_err();
        assert_eq!(problems(refused), vec![("code", Problem::Taken)], "{b}");

        let mut bad = input(&store, &f, "").await;
        bad.planned_end = Some(date(1, 1));
        bad.region_id = f.district_b.id;
        bad.owner_phone = "phone".into();
        let fields: Vec<_> = bad.parse().unwrap_err().iter().map(|p| p.field).collect();
        assert_eq!(fields, ["name", "owner_phone", "planned_end"], "{b}");
        let mut outside = input(&store, &f, "区外项目").await;
        outside.region_id = f.district_b.id;
        assert_eq!(
            problems(
                s.projects()
                    .create(&outside.parse().unwrap())
                    .await
                    .unwrap_err()
            ),
            vec![("region_id", Problem::Unknown)],
            "{b}: storage checks what needs the database"
        );
    }
}

#[tokio::test]
async fn lists_filter_sort_page_and_respect_scope() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        for name in ["东湖社区老年食堂", "望湖社区加装电梯", "新华社区老年食堂"]
        {
            created(&s, &f, name).await;
        }
        let page = |filter: ProjectFilter| {
            let s = store.scoped(&office, "t");
            async move {
                s.projects()
                    .list(&filter, PageRequest::new(None, Some(2)))
                    .await
                    .unwrap()
            }
        };
        let canteens = page(ProjectFilter {
            q: Some("老年食堂".into()),
            ..Default::default()
        })
        .await;
        assert_eq!(canteens.total, 2, "{b}: Chinese keyword search");
        let reserve = page(ProjectFilter {
            pool: Some(Pool::Reserve),
            year: Some(2026),
            ..Default::default()
        })
        .await;
        assert_eq!(
            (reserve.total, reserve.items.len()),
            (3, 2),
            "{b}: total and page size"
        );
        let plan = page(ProjectFilter {
            pool: Some(Pool::Plan),
            ..Default::default()
        })
        .await;
        assert_eq!(plan.total, 0, "{b}");
        let by_name = page(ProjectFilter {
            sort: Some(minxin_storage::projects::SortKey::Code),
            desc: Some(true),
            ..Default::default()
        })
        .await;
        assert_eq!(by_name.items[0].code, "2026-MX-0003", "{b}");
        let in_street = page(ProjectFilter {
            region_id: Some(f.district_a.id),
            department_id: Some(f.a_jy),
            ..Default::default()
        })
        .await;
        assert_eq!(
            in_street.total, 3,
            "{b}: region subtree and partner department"
        );

        let dept_b = f.actor("dept_b").await;
        let other = store
            .scoped(&dept_b, "t")
            .projects()
            .list(&ProjectFilter::default(), PageRequest::default())
            .await
            .unwrap();
        assert_eq!(other.total, 0, "{b}: another district sees nothing");
        let id = canteens.items[0].id;
        assert!(not_found(
            store.scoped(&dept_b, "t").projects().get(id).await
        ));
        let admin = f.actor("sysadmin").await;
        assert!(
            forbidden(store.scoped(&admin, "t").projects().get(id).await),
            "{b}: administrators do not read business data"
        );
    }
}

#[tokio::test]
async fn departments_manage_what_they_lead_and_managers_report_progress() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        staff(&store, "A-ZJ").await;
        let office = f.actor("office_a").await;
        let led = created(&store.scoped(&office, "t"), &f, "住建局牵头项目").await;
        let mut partnered_input = input(&store, &f, "教育局牵头项目").await;
        partnered_input.lead_department_id = f.a_jy;
        partnered_input.partner_department_ids = vec![f.a_zj];
        let partnered = store
            .scoped(&office, "t")
            .projects()
            .create(&partnered_input.parse().unwrap())
            .await
            .unwrap();

        let dept = store.actor_for_cli("zj_staff").await.unwrap();
        let d = store.scoped(&dept, "t");
        let mut edit = input(&store, &f, "住建局牵头项目（修改）").await;
        let updated = d
            .projects()
            .update(led.id, led.version, &edit.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(updated.version, led.version + 1, "{b}");
        assert!(
            d.projects().get(partnered.id).await.is_ok(),
            "{b}: partner reads"
        );
        edit.lead_department_id = f.a_jy;
        assert!(
            forbidden(
                d.projects()
                    .update(
                        partnered.id,
                        partnered.version,
                        &partnered_input.parse().unwrap()
                    )
                    .await
            ),
            "{b}: partner cannot edit"
        );
        let mut own = input(&store, &f, "住建局新项目").await;
        own.lead_department_id = f.a_jy;
        own.partner_department_ids.clear();
        assert_eq!(
            problems(
                d.projects()
                    .create(&own.parse().unwrap())
                    .await
                    .unwrap_err()
            ),
            vec![("lead_department_id", Problem::Unknown)],
            "{b}: staff create only for their department"
        );

        let manager = store.actor_for_cli("zj_manager").await.unwrap();
        let mut assigned = input(&store, &f, "指派负责人").await;
        assigned.manager_id = Some(manager.account_id);
        let mine = store
            .scoped(&office, "t")
            .projects()
            .create(&assigned.parse().unwrap())
            .await
            .unwrap();
        let m = store.scoped(&manager, "t");
        let progress = ProgressInput {
            progress_percent: 35,
            progress_note: "主体完成三成".into(),
            actual_start: Some(date(3, 5)),
            actual_end: None,
        };
        let reported = m
            .projects()
            .report_progress(mine.id, mine.version, &progress.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(reported.progress_percent, 35, "{b}");
        assert!(
            forbidden(
                m.projects()
                    .update(mine.id, reported.version, &assigned.parse().unwrap())
                    .await
            ),
            "{b}: managers change progress only"
        );
        assert!(
            forbidden(
                m.projects()
                    .report_progress(updated.id, updated.version, &progress.parse().unwrap())
                    .await
            ),
            "{b}: not their project"
        );
    }
}

#[tokio::test]
async fn the_published_office_phone_is_checked_versioned_and_audited() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let mut published = input(&store, &f, "东湖社区老年食堂").await;
        published.public_phone = " 0571-88881234 ".into();
        let p = s
            .projects()
            .create(&published.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(p.public_phone, "0571-88881234", "{b}: kept trimmed");
        assert_eq!(
            s.projects().get(p.id).await.unwrap().public_phone,
            "0571-88881234"
        );

        for (typed, problem) in [
            ("请找王主任", Problem::Malformed),
            ("0571 8888 1234", Problem::Malformed),
            ("--", Problem::Malformed),
            ("1234567890123456789012", Problem::TooLong { max: 20 }),
        ] {
            let mut bad = published.clone();
            bad.public_phone = typed.into();
            assert_eq!(
                problems(StoreError::Invalid(bad.parse().unwrap_err())),
                vec![("public_phone", problem)],
                "{b}: {typed}"
            );
        }
        let unchanged = s.projects().get(p.id).await.unwrap();
        assert_eq!(unchanged.version, p.version, "{b}: refusals change nothing");
        assert_eq!(unchanged.public_phone, "0571-88881234", "{b}");

        let mut hotline = published.clone();
        hotline.public_phone = "12345".into();
        let edited = s
            .projects()
            .update(p.id, p.version, &hotline.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(edited.public_phone, "12345", "{b}");
        assert_eq!(edited.version, p.version + 1, "{b}");
        assert!(
            matches!(
                s.projects()
                    .update(p.id, p.version, &published.parse().unwrap())
                    .await,
                Err(StoreError::Conflict)
            ),
            "{b}: an edit over a stale version"
        );
        let mut cleared = hotline.clone();
        cleared.public_phone = "  ".into();
        let cleared = s
            .projects()
            .update(p.id, edited.version, &cleared.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(
            cleared.public_phone, "",
            "{b}: back to the owner's phone masked"
        );

        let audit = audited(&f, AuditAction::ProjectUpdate).await;
        let changes: Vec<(String, String)> = audit
            .items
            .iter()
            .map(|e| {
                let phone = |json: &Option<String>| {
                    let value: serde_json::Value =
                        serde_json::from_str(json.as_deref().unwrap_or("null")).unwrap();
                    value["public_phone"].as_str().unwrap_or("?").to_owned()
                };
                (phone(&e.before), phone(&e.after))
            })
            .collect();
        for change in [("0571-88881234", "12345"), ("12345", "")] {
            assert!(
                changes.contains(&(change.0.to_owned(), change.1.to_owned())),
                "{b}: {change:?} not audited in {changes:?}"
            );
        }
    }
}

#[tokio::test]
async fn a_stale_edit_is_refused_and_changes_nothing() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let p = created(&s, &f, "原名").await;
        s.projects()
            .update(
                p.id,
                p.version,
                &input(&store, &f, "甲的修改").await.parse().unwrap(),
            )
            .await
            .unwrap();
        assert!(
            matches!(
                s.projects()
                    .update(
                        p.id,
                        p.version,
                        &input(&store, &f, "乙的修改").await.parse().unwrap()
                    )
                    .await,
                Err(StoreError::Conflict)
            ),
            "{b}"
        );
        assert_eq!(
            s.projects().get(p.id).await.unwrap().name,
            "甲的修改",
            "{b}"
        );
    }
}

#[tokio::test]
async fn gates_refuse_until_their_conditions_hold_and_moves_are_kept() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let p = created(&s, &f, "流转测试").await;
        let mv = |action: &str, version: i64, reason: &str, target: Option<&str>| TransitionInput {
            action: action.into(),
            target_stage: target.map(str::to_owned),
            reason: reason.into(),
            version,
        };
        let (p, _) = s
            .projects()
            .transition(p.id, &mv("advance", p.version, "", None))
            .await
            .unwrap();
        assert_eq!(p.stage, "reserve", "{b}");
        let gate = s.projects().gate(p.id).await.unwrap();
        assert_eq!(gate.next_stage.as_deref(), Some("approved"));
        let missing: Vec<_> = gate
            .conditions
            .iter()
            .filter(|c| !c.met)
            .map(|c| c.rule.code())
            .collect();
        assert_eq!(missing, vec!["consultation", "approval_document"], "{b}");
        assert_eq!(
            problems(
                s.projects()
                    .transition(p.id, &mv("advance", p.version, "", None))
                    .await
                    .unwrap_err()
            ),
            vec![("move", Problem::GateClosed)],
            "{b}"
        );
        assert_eq!(
            problems(
                s.projects()
                    .transition(p.id, &mv("suspend", p.version, " ", None))
                    .await
                    .unwrap_err()
            ),
            vec![("reason", Problem::Required)]
        );
        let (p, _) = s
            .projects()
            .transition(p.id, &mv("suspend", p.version, "资金未落实", None))
            .await
            .unwrap();
        assert_eq!(
            (p.stage.as_str(), p.hold.as_str()),
            ("reserve", "suspended"),
            "{b}"
        );
        assert!(
            s.projects()
                .transition(p.id, &mv("advance", p.version, "", None))
                .await
                .is_err()
        );
        let (p, _) = s
            .projects()
            .transition(p.id, &mv("resume", p.version, "", None))
            .await
            .unwrap();
        let (p, _) = s
            .projects()
            .transition(p.id, &mv("return", p.version, "补充材料", Some("demand")))
            .await
            .unwrap();
        assert_eq!(p.stage, "demand", "{b}");
        assert!(
            matches!(
                s.projects()
                    .transition(p.id, &mv("advance", p.version - 1, "", None))
                    .await,
                Err(StoreError::Conflict)
            ),
            "{b}: stale move"
        );

        let timeline = s.projects().transitions(p.id).await.unwrap();
        let moves: Vec<_> = timeline.iter().map(|t| t.action.as_str()).collect();
        assert_eq!(moves, vec!["advance", "suspend", "resume", "return"], "{b}");
        assert_eq!(timeline[1].reason, "资金未落实");
        assert_eq!(timeline[0].actor_name, "office_a");

        let audit = audited(&f, AuditAction::ProjectTransition).await;
        assert_eq!(audit.total, 4, "{b}: every move is audited");
    }
}

#[tokio::test]
async fn milestone_weights_and_completion() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let p = created(&s, &f, "节点测试").await;
        let plan = |name: &str, day: u32, weight: i32| MilestoneInput {
            name: name.into(),
            planned_date: Some(date(4, day)),
            weight,
            actual_date: None,
        };
        s.projects()
            .add_milestone(p.id, &plan("前期手续", 1, 30))
            .await
            .unwrap();
        let main = s
            .projects()
            .add_milestone(p.id, &plan("主体施工", 20, 60))
            .await
            .unwrap();
        assert_eq!(
            problems(
                s.projects()
                    .add_milestone(p.id, &plan("超重", 25, 20))
                    .await
                    .unwrap_err()
            ),
            vec![("weight", Problem::WeightsOver100)],
            "{b}"
        );
        let mut done = plan("主体施工", 20, 60);
        done.actual_date = Some(date(4, 22));
        let updated = s
            .projects()
            .update_milestone(p.id, main.id, main.version, &done)
            .await
            .unwrap();
        assert_eq!(updated.actual_date, Some(date(4, 22)), "{b}");
        assert!(matches!(
            s.projects()
                .update_milestone(p.id, main.id, main.version, &done)
                .await,
            Err(StoreError::Conflict)
        ));
        let listed = s.projects().milestones(p.id).await.unwrap();
        assert_eq!(listed.len(), 2);
        assert_eq!(listed[0].name, "前期手续", "{b}: plan order");
    }
}

#[tokio::test]
async fn only_managers_of_the_region_can_be_assigned() {
    for (b, store) in stores().await {
        let f = fixture(&store).await;
        staff(&store, "A-ZJ").await;
        let office = f.actor("office_a").await;
        let s = store.scoped(&office, "t");
        let managers = s.projects().assignable_managers().await.unwrap();
        let names: Vec<_> = managers.iter().map(|m| m.display_name.as_str()).collect();
        assert_eq!(names, vec!["zj_manager"], "{b}");
        assert_eq!(managers[0].department_name.as_deref(), Some("示例区住建局"));

        let mut with_manager = input(&store, &f, "指派负责人").await;
        with_manager.manager_id = Some(managers[0].id);
        let project = s
            .projects()
            .create(&with_manager.parse().unwrap())
            .await
            .unwrap();
        assert_eq!(project.manager_name.as_deref(), Some("zj_manager"), "{b}");

        for not_a_manager in [f.id("dept_a"), f.id("dept_b"), f.id("auditor"), 999_999] {
            with_manager.manager_id = Some(not_a_manager);
            assert_eq!(
                problems(
                    s.projects()
                        .create(&with_manager.parse().unwrap())
                        .await
                        .unwrap_err()
                ),
                vec![("manager_id", Problem::Unknown)],
                "{b}: account {not_a_manager}"
            );
        }
        let reader = f.actor("leader_a").await;
        assert!(
            forbidden(
                store
                    .scoped(&reader, "t")
                    .projects()
                    .assignable_managers()
                    .await
            ),
            "{b}: only those who create projects list managers"
        );
    }
}
