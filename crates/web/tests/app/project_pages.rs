//! The project registry pages through their routes, on every backend: what a department user
//! reaches by changing ids in the URL, what a partner department may do, a stale edit, refused
//! input and refused lifecycle moves, bad values in URLs and forms, and the published office
//! phone from the form to the public page and the signboard.

use crate::common::{Client, Reply, TestApp};
use axum::http::StatusCode;
use minxin_domain::projects::project::FundingSource;
use minxin_storage::projects::{Project, ProjectInput};
use minxin_storage::testing::execute_raw;

/// Projects of the fixture: `a_zj` led by dept_a's department with 教育局 as partner, `a_jy`
/// led by 教育局 with dept_a's department as partner, `a_alone` led by 教育局 alone, and `b` in
/// the other district.
struct Projects {
    a_zj: Project,
    a_jy: Project,
    a_alone: Project,
    b: Project,
}

async fn setup(env: &TestApp) -> Projects {
    let fx = env.fx();
    env.narrow("dept_a", &["A-ZJ"]).await;
    env.narrow("dept_b", &["B-ZJ"]).await;
    let category = env.subcategory().await;
    let input = |name: &str, region: i64, lead: i64, partners: Vec<i64>| ProjectInput {
        name: name.into(),
        category_id: category,
        year: 2026,
        region_id: region,
        lead_department_id: lead,
        partner_department_ids: partners,
        owner_name: "王建国".into(),
        owner_phone: "13800001234".into(),
        budget: [(FundingSource::County, 50_000_000)].into_iter().collect(),
        ..ProjectInput::default()
    };
    let a_zj = env
        .create_project(
            "office_a",
            &input("示例街道老年食堂", fx.street_a.id, fx.a_zj, vec![fx.a_jy]),
        )
        .await;
    let a_jy = env
        .create_project(
            "office_a",
            &input("示例小学操场改造", fx.street_a.id, fx.a_jy, vec![fx.a_zj]),
        )
        .await;
    let a_alone = env
        .create_project(
            "office_a",
            &input("示例幼儿园扩建", fx.street_a.id, fx.a_jy, vec![]),
        )
        .await;
    let b = env
        .create_project(
            "dept_b",
            &input("样板村饮水安全", fx.street_b.id, fx.b_zj, vec![]),
        )
        .await;
    Projects {
        a_zj,
        a_jy,
        a_alone,
        b,
    }
}

async fn signed<'a>(env: &'a TestApp, username: &str) -> (Client<'a>, String) {
    let mut browser = env.signed_in(username).await;
    let home = browser.get("/projects").await;
    assert_eq!(home.status, StatusCode::OK, "{}", home.body);
    let csrf = browser.csrf();
    (browser, csrf)
}

/// The fields of the edit form of `p` as stored, with `name` replaced.
fn edit_form(p: &Project, name: &str, version: &str) -> Vec<(String, String)> {
    let mut form = vec![
        ("code", p.code.clone()),
        ("name", name.to_owned()),
        ("category_id", p.category_id.to_string()),
        ("year", p.year.to_string()),
        ("region_id", p.region_id.to_string()),
        ("lead_department_id", p.lead_department_id.to_string()),
        ("owner_name", p.owner_name.clone()),
        ("owner_phone", p.owner_phone.clone()),
        ("budget_county", "500000".to_owned()),
        ("version", version.to_owned()),
    ];
    for partner in &p.partners {
        form.push(("partner_department_ids", partner.id.to_string()));
    }
    form.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
}

async fn post(
    browser: &mut Client<'_>,
    _env: &TestApp,
    path: &str,
    csrf: &str,
    fields: &[(String, String)],
) -> Reply {
    let mut all: Vec<(&str, &str)> = vec![("_csrf", csrf)];
    all.extend(fields.iter().map(|(k, v)| (k.as_str(), v.as_str())));
    browser.post(path, &all).await
}

fn pairs(fields: &[(&str, &str)]) -> Vec<(String, String)> {
    fields
        .iter()
        .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
        .collect()
}

/// A department user who changes ids in URLs finds nothing outside what they may see, and
/// cannot change what they only see as a partner.
#[tokio::test]
async fn department_users_reach_only_their_projects() {
    for env in TestApp::each().await {
        let b = env.backend;
        let p = setup(&env).await;
        let (mut dept, csrf) = signed(&env, "dept_a").await;

        let list = dept.get("/projects?pool=reserve").await;
        assert_eq!(list.status, StatusCode::OK, "[{b}]");
        assert!(
            list.body.contains("示例街道老年食堂") && list.body.contains("示例小学操场改造"),
            "[{b}] led and partnered projects are listed"
        );
        assert!(
            !list.body.contains("示例幼儿园扩建") && !list.body.contains("样板村饮水安全"),
            "[{b}] nothing else is"
        );

        // Invisible projects: another department's, another district's.
        for id in [p.a_alone.id, p.b.id] {
            for path in [format!("/projects/{id}"), format!("/projects/{id}/edit")] {
                let r = dept.get(&path).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "[{b}] GET {path}");
                assert!(
                    !r.body.contains("样板村") && !r.body.contains("幼儿园"),
                    "[{b}]"
                );
            }
            let project = if id == p.b.id { &p.b } else { &p.a_alone };
            let tampered = edit_form(project, "篡改", "1");
            for (path, fields) in [
                (format!("/projects/{id}/edit"), tampered.clone()),
                (
                    format!("/projects/{id}/transition"),
                    pairs(&[("move", "advance"), ("version", "1")]),
                ),
                (
                    format!("/projects/{id}/progress"),
                    pairs(&[("progress_percent", "50"), ("version", "1")]),
                ),
                (
                    format!("/projects/{id}/milestones"),
                    pairs(&[
                        ("name", "x"),
                        ("planned_date", "2026-05-01"),
                        ("weight", "10"),
                    ]),
                ),
            ] {
                let r = post(&mut dept, &env, &path, &csrf, &fields).await;
                assert_eq!(r.status, StatusCode::NOT_FOUND, "[{b}] POST {path}");
            }
        }

        // A partner sees the project but gets no forms, and is refused when posting anyway.
        let partner = format!("/projects/{}", p.a_jy.id);
        let page = dept.get(&partner).await;
        assert_eq!(page.status, StatusCode::OK, "[{b}]");
        assert!(page.body.contains("示例小学操场改造"), "[{b}]");
        assert!(page.body.contains("id=\"read-only\""), "[{b}]");
        for form in [
            "id=\"edit-project\"",
            "id=\"advance-form\"",
            "id=\"milestone-form\"",
            "id=\"progress-form\"",
        ] {
            assert!(
                !page.body.contains(form),
                "[{b}] partner page has no {form}"
            );
        }
        let edit = dept.get(&format!("{partner}/edit")).await;
        assert_eq!(edit.status, StatusCode::FORBIDDEN, "[{b}]");
        let version = p.a_jy.version.to_string();
        for (path, fields) in [
            (
                format!("{partner}/edit"),
                edit_form(&p.a_jy, "篡改", &version),
            ),
            (
                format!("{partner}/transition"),
                pairs(&[("move", "advance"), ("version", &version)]),
            ),
            (
                format!("{partner}/milestones"),
                pairs(&[
                    ("name", "x"),
                    ("planned_date", "2026-05-01"),
                    ("weight", "10"),
                ]),
            ),
        ] {
            let r = post(&mut dept, &env, &path, &csrf, &fields).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "[{b}] POST {path}");
        }
        let unchanged = env.read_project(p.a_jy.id).await;
        assert_eq!(unchanged.name, "示例小学操场改造", "[{b}]");
        assert_eq!(unchanged.version, p.a_jy.version, "[{b}]");

        // Their own department's project: forms shown, edits saved.
        let own = format!("/projects/{}", p.a_zj.id);
        let page = dept.get(&own).await;
        assert!(page.body.contains("id=\"edit-project\""), "[{b}]");
        let saved = post(
            &mut dept,
            &env,
            &format!("{own}/edit"),
            &csrf,
            &edit_form(&p.a_zj, "示例街道长者食堂", &p.a_zj.version.to_string()),
        )
        .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "[{b}] {}", saved.body);
        let page = dept.get(&own).await;
        assert!(page.body.contains("示例街道长者食堂"), "[{b}]");
        assert!(page.body.contains("示例区教育局"), "[{b}] partners kept");

        // Office users of district A do not reach district B either.
        let (mut office, csrf) = signed(&env, "office_a").await;
        let r = office.get(&format!("/projects/{}", p.b.id)).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{b}]");
        let r = post(
            &mut office,
            &env,
            &format!("/projects/{}/edit", p.b.id),
            &csrf,
            &edit_form(&p.b, "篡改", "1"),
        )
        .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "[{b}]");
    }
}

/// Two people edit the same project: the second save is refused, says so, keeps the input and
/// lists what differs; the first person's save stays.
#[tokio::test]
async fn a_stale_edit_keeps_the_input_and_says_so() {
    for env in TestApp::each().await {
        let b = env.backend;
        let p = setup(&env).await;
        let (mut first, csrf1) = signed(&env, "office_a").await;
        let (mut second, csrf2) = signed(&env, "office_a").await;
        let path = format!("/projects/{}/edit", p.a_zj.id);
        let form = first.get(&path).await;
        assert_eq!(form.status, StatusCode::OK, "[{b}]");
        let version = p.a_zj.version.to_string();
        assert!(
            form.body
                .contains(&format!("name=\"version\" value=\"{version}\"")),
            "[{b}]"
        );

        let one = post(
            &mut first,
            &env,
            &path,
            &csrf1,
            &edit_form(&p.a_zj, "第一人的名称", &version),
        )
        .await;
        assert_eq!(one.status, StatusCode::SEE_OTHER, "[{b}] {}", one.body);

        let mut stale = edit_form(&p.a_zj, "第二人的名称", &version);
        stale.push(("address".into(), "第二人填写的地址".into()));
        let two = post(&mut second, &env, &path, &csrf2, &stale).await;
        assert_eq!(two.status, StatusCode::OK, "[{b}] shown again");
        assert!(two.body.contains("已被他人修改"), "[{b}] {}", two.body);
        assert!(
            two.body.contains("value=\"第二人的名称\"")
                && two.body.contains("value=\"第二人填写的地址\""),
            "[{b}] input kept"
        );
        assert!(
            two.body.contains("id=\"differences\"") && two.body.contains("第一人的名称"),
            "[{b}] the other save is shown"
        );
        let now = env.read_project(p.a_zj.id).await;
        assert_eq!(now.name, "第一人的名称", "[{b}] not overwritten");
        assert!(
            two.body
                .contains(&format!("name=\"version\" value=\"{}\"", now.version)),
            "[{b}] saving again is a deliberate choice"
        );
    }
}

/// The office line typed into the form: free text refused in Chinese with the text kept; a
/// phone number saved, shown on the staff page, and shown in full on the public page and the
/// signboard instead of the owner's masked phone; cleared again, the owner's phone masked.
#[tokio::test]
async fn the_published_office_phone_goes_from_the_form_to_the_public() {
    for env in TestApp::each().await {
        let b = env.backend;
        let p = setup(&env).await;
        let (mut office, csrf) = signed(&env, "office_a").await;
        let id = p.a_zj.id;
        execute_raw(
            &env.fx().store,
            &format!("UPDATE projects SET stage = 'construction' WHERE id = {id}"),
        )
        .await
        .unwrap();
        let edit = format!("/projects/{id}/edit");
        let form = |public_phone: &str, version: i64| {
            let mut fields = edit_form(&p.a_zj, &p.a_zj.name, &version.to_string());
            fields.extend(pairs(&[
                ("public_phone", public_phone),
                ("is_public", "on"),
            ]));
            fields
        };
        let form_page = office.get(&edit).await;
        assert!(form_page.body.contains("name=\"public_phone\""), "[{b}]");
        assert!(form_page.body.contains("公开联系电话"), "[{b}]");

        let refused = post(
            &mut office,
            &env,
            &edit,
            &csrf,
            &form("请找王主任", p.a_zj.version),
        )
        .await;
        assert_eq!(refused.status, StatusCode::OK, "[{b}] {}", refused.body);
        assert!(refused.body.contains("id=\"public_phone-error\""), "[{b}]");
        assert!(refused.body.contains("格式不正确"), "[{b}]");
        assert!(
            refused.body.contains("value=\"请找王主任\""),
            "[{b}] typed text kept"
        );

        let saved = post(
            &mut office,
            &env,
            &edit,
            &csrf,
            &form("0571-88881234", p.a_zj.version),
        )
        .await;
        assert_eq!(saved.status, StatusCode::SEE_OTHER, "[{b}] {}", saved.body);
        let staff = office.get(&format!("/projects/{id}")).await;
        assert!(
            staff
                .body
                .contains("id=\"project-public-phone\"><a href=\"tel:0571-88881234\">"),
            "[{b}] {}",
            staff.body
        );

        let mut visitor = env.anonymous();
        let public = visitor.get(&format!("/p/{}", p.a_zj.code)).await;
        assert_eq!(public.status, StatusCode::OK, "[{b}] {}", public.body);
        for text in ["公开电话", "0571-88881234", "王建国"] {
            assert!(public.body.contains(text), "[{b}] {text} missing");
        }
        for hidden in ["13800001234", "138****1234", "负责人电话（已隐藏）"] {
            assert!(!public.body.contains(hidden), "[{b}] {hidden} shown");
        }
        let board = office.get(&format!("/projects/{id}/signboard")).await;
        assert_eq!(board.status, StatusCode::OK, "[{b}] {}", board.body);
        assert!(board.body.contains("0571-88881234"), "[{b}]");
        assert!(board.body.contains("公开电话"), "[{b}]");
        assert!(!board.body.contains("138****1234"), "[{b}]");
        assert!(!board.body.contains("13800001234"), "[{b}]");

        let version = p.a_zj.version + 1;
        let cleared = post(&mut office, &env, &edit, &csrf, &form("", version)).await;
        assert_eq!(
            cleared.status,
            StatusCode::SEE_OTHER,
            "[{b}] {}",
            cleared.body
        );
        let public = visitor.get(&format!("/p/{}", p.a_zj.code)).await;
        assert!(public.body.contains("负责人电话（已隐藏）"), "[{b}]");
        assert!(public.body.contains("138****1234"), "[{b}]");
        assert!(!public.body.contains("13800001234"), "[{b}]");
        assert!(!public.body.contains("0571-88881234"), "[{b}]");
        let board = office.get(&format!("/projects/{id}/signboard")).await;
        assert!(board.body.contains("王建国 138****1234"), "[{b}]");
        assert!(!board.body.contains("0571-88881234"), "[{b}]");
    }
}

/// The new project form shows every problem in one pass: an empty name, a budget that is not
/// money and an end before the start each get their message.
#[tokio::test]
async fn new_project_form_shows_every_error_at_once() {
    for env in TestApp::each().await {
        let b = env.backend;
        let p = setup(&env).await;
        let (mut office, csrf) = signed(&env, "office_a").await;
        let mut fields = edit_form(&p.a_zj, "", "");
        fields.retain(|(k, _)| k != "version" && k != "code" && k != "budget_county");
        fields.extend(pairs(&[
            ("budget_county", "abc"),
            ("planned_start", "2026-05-01"),
            ("planned_end", "2026-04-01"),
        ]));
        let r = post(&mut office, &env, "/projects", &csrf, &fields).await;
        assert_eq!(r.status, StatusCode::OK, "[{b}] {}", r.body);
        for field in ["name", "budget_county", "planned_end"] {
            assert!(
                r.body.contains(&format!("id=\"{field}-error\"")),
                "[{b}] {field} has its message"
            );
        }
    }
}

/// Unreadable input is reported next to its field with everything else kept; refused moves are
/// explained; bad ids are 404 pages, never server errors.
#[tokio::test]
async fn bad_input_is_explained_not_fatal() {
    for env in TestApp::each().await {
        let b = env.backend;
        let p = setup(&env).await;
        let (mut office, csrf) = signed(&env, "office_a").await;

        let mut fields = edit_form(&p.a_zj, "新的老年食堂", "");
        fields.retain(|(k, _)| k != "version" && k != "code" && k != "budget_county");
        fields.extend(pairs(&[
            ("budget_county", "12.345"),
            ("budget_central", "十万"),
            ("year", "二〇二六"),
            ("latitude", "NaN"),
            ("longitude", "114.3"),
            ("planned_start", "2026-02-30"),
            ("beneficiaries", "many"),
            ("description", "保留的建设内容"),
        ]));
        fields.retain(|(k, v)| !(k == "year" && v == "2026"));
        let r = post(&mut office, &env, "/projects", &csrf, &fields).await;
        assert_eq!(r.status, StatusCode::OK, "[{b}] {}", r.body);
        for field in [
            "budget_county",
            "budget_central",
            "year",
            "latitude",
            "planned_start",
            "beneficiaries",
        ] {
            assert!(
                r.body.contains(&format!("id=\"{field}-error\"")),
                "[{b}] {field} has its message"
            );
        }
        assert!(r.body.contains("最多精确到分"), "[{b}]");
        assert!(
            r.body.contains("value=\"新的老年食堂\"")
                && r.body.contains("value=\"12.345\"")
                && r.body.contains(">保留的建设内容</textarea>"),
            "[{b}] input kept"
        );

        // Storage's own rules come back the same way.
        let mut fields = edit_form(&p.a_zj, "", &p.a_zj.version.to_string());
        fields.push(("planned_start".into(), "2026-10-01".into()));
        fields.push(("planned_end".into(), "2026-03-01".into()));
        let r = post(
            &mut office,
            &env,
            &format!("/projects/{}/edit", p.a_zj.id),
            &csrf,
            &fields,
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "[{b}]");
        assert!(r.body.contains("id=\"name-error\""), "[{b}]");
        assert!(r.body.contains("结束日期不能早于开始日期"), "[{b}]");

        // A gate that does not open: refused in words, with what is missing.
        let id = p.a_zj.id;
        let moved = post(
            &mut office,
            &env,
            &format!("/projects/{id}/transition"),
            &csrf,
            &pairs(&[
                ("move", "advance"),
                ("version", &p.a_zj.version.to_string()),
            ]),
        )
        .await;
        assert_eq!(
            moved.status,
            StatusCode::SEE_OTHER,
            "[{b}] demand → reserve"
        );
        let page = office.get(&format!("/projects/{id}")).await;
        let version = page
            .body
            .split("name=\"version\" value=\"")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap()
            .to_owned();
        let refused = post(
            &mut office,
            &env,
            &format!("/projects/{id}/transition"),
            &csrf,
            &pairs(&[("move", "advance"), ("version", &version)]),
        )
        .await;
        assert_eq!(refused.status, StatusCode::OK, "[{b}]");
        assert!(
            refused.body.contains("id=\"advance-refused\"")
                && refused.body.contains("尚未满足进入下一阶段的全部条件")
                && refused.body.contains("已上传立项批复文件"),
            "[{b}] {}",
            refused.body
        );
        let no_reason = post(
            &mut office,
            &env,
            &format!("/projects/{id}/transition"),
            &csrf,
            &pairs(&[("move", "suspend"), ("reason", " "), ("version", &version)]),
        )
        .await;
        assert_eq!(no_reason.status, StatusCode::OK, "[{b}]");
        assert!(no_reason.body.contains("id=\"hold_reason-error\""), "[{b}]");
        let stale = post(
            &mut office,
            &env,
            &format!("/projects/{id}/transition"),
            &csrf,
            &pairs(&[
                ("move", "suspend"),
                ("reason", "资金未到位"),
                ("version", "999"),
            ]),
        )
        .await;
        assert!(
            stale.status == StatusCode::OK && stale.body.contains("id=\"hold_form\""),
            "[{b}] a stale move is refused on the page"
        );
        assert!(stale.body.contains(">资金未到位</textarea>"), "[{b}]");

        // Milestones: bad values and too much weight are reported at the add form.
        let r = post(
            &mut office,
            &env,
            &format!("/projects/{id}/milestones"),
            &csrf,
            &pairs(&[
                ("name", "主体施工"),
                ("planned_date", "明天"),
                ("weight", "120"),
            ]),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "[{b}]");
        assert!(
            r.body.contains("id=\"ms_planned_date-error\"")
                && r.body.contains("value=\"主体施工\""),
            "[{b}]"
        );

        for path in [
            "/projects/abc",
            "/projects/999999",
            "/projects/999999/edit",
            "/projects/1x/milestones/2",
            &format!("/projects/{id}/milestones/999999"),
        ] {
            let r = office.get(path).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "[{b}] GET {path}");
        }
        for query in [
            "?pool=x&year=abc&category_id=%FF&sort=drop&desc=maybe",
            "?q=%25%27%22%3C&owner=_&region_id=99999999999999999999",
        ] {
            let r = office.get(&format!("/projects{query}")).await;
            assert_eq!(r.status, StatusCode::OK, "[{b}] {query}");
        }
        let r = office.get("/projects?page=-1&per_page=1e9").await;
        assert_eq!(
            r.status,
            StatusCode::BAD_REQUEST,
            "[{b}] paging is refused by name"
        );
        assert!(
            r.body.contains("页码") && r.body.contains("每页条数"),
            "[{b}]"
        );
        let r = office
            .get("/projects?pool=reserve&q=%E8%80%81%E5%B9%B4")
            .await;
        assert!(
            r.body.contains("示例街道老年食堂") && !r.body.contains("示例小学操场改造"),
            "[{b}] Chinese keyword"
        );
    }
}

/// The category dictionary: readable by project readers, extended by the office only.
#[tokio::test]
async fn office_extends_the_category_dictionary() {
    for env in TestApp::each().await {
        let b = env.backend;
        let (mut office, csrf) = signed(&env, "office_a").await;
        let page = office.get("/projects/categories").await;
        assert!(page.body.contains("老旧小区改造"), "[{b}]");
        let top = page
            .body
            .split("<tr id=\"category-")
            .nth(1)
            .and_then(|v| v.split('"').next())
            .unwrap()
            .to_owned();
        let bad = post(
            &mut office,
            &env,
            "/projects/categories",
            &csrf,
            &pairs(&[("name", "桥梁"), ("code", "Bad Code"), ("parent_id", &top)]),
        )
        .await;
        assert_eq!(bad.status, StatusCode::OK, "[{b}]");
        assert!(bad.body.contains("id=\"code-error\"") && bad.body.contains("value=\"桥梁\""));
        let ok = post(
            &mut office,
            &env,
            "/projects/categories",
            &csrf,
            &pairs(&[
                ("name", "桥梁维修"),
                ("code", "infrastructure.bridge"),
                ("parent_id", &top),
            ]),
        )
        .await;
        assert_eq!(ok.status, StatusCode::SEE_OTHER, "[{b}] {}", ok.body);
        let form = office.get("/projects/new").await;
        assert!(form.body.contains("桥梁维修"), "[{b}] offered in the form");

        let (mut dept, csrf) = signed(&env, "dept_a").await;
        let page = dept.get("/projects/categories").await;
        assert_eq!(page.status, StatusCode::OK, "[{b}]");
        assert!(!page.body.contains("id=\"save-category\""), "[{b}]");
        let refused = post(
            &mut dept,
            &env,
            "/projects/categories",
            &csrf,
            &pairs(&[("name", "x"), ("code", "x.y")]),
        )
        .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "[{b}]");
    }
}

/// Message keys that leaked into a page untranslated, e.g. `projects.title`.
fn raw_keys(body: &str) -> Vec<String> {
    let mut found = Vec::new();
    for prefix in ["projects.", "project.", "problem.", "error."] {
        for (i, _) in body.match_indices(prefix) {
            let before = body[..i].chars().last().unwrap_or(' ');
            let rest: String = body[i + prefix.len()..]
                .chars()
                .take_while(|c| c.is_ascii_lowercase() || *c == '_' || *c == '.')
                .collect();
            if !before.is_ascii_alphanumeric() && before != '/' && !rest.is_empty() {
                found.push(format!("{prefix}{rest}"));
            }
        }
    }
    found
}

/// Every project page reads in both languages, with no message key left untranslated.
#[tokio::test]
async fn every_page_is_worded_in_both_languages() {
    assert_eq!(
        raw_keys("<p>projects.title</p> <a href=\"/projects.xlsx\">this project.</a>"),
        ["projects.title"]
    );
    let env = TestApp::each().await.remove(0);
    let p = setup(&env).await;
    let milestone = env
        .add_milestone(
            p.a_zj.id,
            &minxin_storage::projects::MilestoneInput {
                name: "方案设计".into(),
                planned_date: chrono::NaiveDate::from_ymd_opt(2026, 4, 1),
                weight: 40,
                actual_date: None,
            },
        )
        .await;
    let (mut browser, _) = signed(&env, "office_a").await;
    let id = p.a_zj.id;
    let pages = [
        "/projects".to_owned(),
        "/projects?pool=reserve&sort=budget&desc=true".to_owned(),
        "/projects/new".to_owned(),
        "/projects/categories".to_owned(),
        format!("/projects/{id}"),
        format!("/projects/{id}/edit"),
        format!("/projects/{id}/milestones/{}", milestone.id),
    ];
    for (lang, word) in [("zh-CN", "项目"), ("en", "Project")] {
        let switched = browser
            .get(&format!("/lang?to={lang}&next=/projects"))
            .await;
        assert_eq!(switched.status, StatusCode::SEE_OTHER);
        for path in &pages {
            let page = browser.get(path).await;
            assert_eq!(page.status, StatusCode::OK, "{lang} {path}");
            assert!(page.body.contains(word), "{lang} {path}");
            assert_eq!(raw_keys(&page.body), Vec::<String>::new(), "{lang} {path}");
        }
    }
}
