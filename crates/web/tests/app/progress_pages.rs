//! The reports and books pages through their routes, on every backend: which role sees which
//! form and is refused by storage when posting anyway, another district's project, refused
//! input shown in words with what was typed kept, a site photo whose GPS location never comes
//! back from the display route, the office's review, and the money forms with their totals.

use crate::common::{Client, Reply, TestApp, form_csrf, jpeg, photo_form};
use axum::http::{StatusCode, header};
use chrono::Months;
use image::ImageFormat;
use minxin_domain::control::report::{DEFAULT_DUE_DAY, ReportPeriod, due_date};
use minxin_storage::testing::today;
use minxin_storage::testing::{TestProject, execute_raw};
use std::io::Cursor;

/// Ids of the fixture's projects for these tests: one of district A under construction with
/// `site_manager` as its manager, one of district B.
struct Projects {
    a: i64,
    b: i64,
}

async fn setup(env: &TestApp) -> Projects {
    let fx = env.fx();
    for (user, department) in [("dept_a", "A-ZJ"), ("dept_b", "B-ZJ")] {
        env.narrow(user, &[department]).await;
    }
    let manager = env.site_manager().await;
    let mut ids = Vec::new();
    for (office, region, lead) in [
        ("office_a", fx.street_a.id, fx.a_zj),
        ("dept_b", fx.street_b.id, fx.b_zj),
    ] {
        let id = env
            .project(TestProject {
                office,
                region_id: region,
                lead_department_id: lead,
                manager_id: (office == "office_a").then_some(manager),
                ..TestProject::building(fx, "示例街道老年食堂", 90, 90)
            })
            .await;
        ids.push(id);
    }
    Projects {
        a: ids[0],
        b: ids[1],
    }
}

/// The month before this one, as the report form offers it.
fn last_month() -> String {
    ReportPeriod::of(today().checked_sub_months(Months::new(1)).unwrap()).to_string()
}

/// Files a report through the page's multipart form.
async fn file_report(
    browser: &mut Client<'_>,
    id: i64,
    fields: &[(&str, &str)],
    photos: &[(&str, &[u8])],
) -> Reply {
    let page = browser.get(&format!("/projects/{id}/reports")).await;
    let csrf = form_csrf(&page);
    browser
        .post_multipart(
            &format!("/projects/{id}/reports?_csrf={csrf}"),
            photo_form(fields, photos),
        )
        .await
}

/// Files last month's report on project `id`, 10 % done with `done`, without photos.
async fn file_ten_percent(browser: &mut Client<'_>, id: i64, done: &str) -> Reply {
    let period = last_month();
    let fields = [
        ("period", period.as_str()),
        ("percent", "10"),
        ("done", done),
    ];
    file_report(browser, id, &fields, &[]).await
}

/// One 12-byte TIFF IFD entry (big-endian); `value` is left-aligned in the value field.
fn entry(tag: u16, kind: u16, count: u32, value: &[u8]) -> Vec<u8> {
    let mut e = Vec::new();
    e.extend_from_slice(&tag.to_be_bytes());
    e.extend_from_slice(&kind.to_be_bytes());
    e.extend_from_slice(&count.to_be_bytes());
    let mut v = [0u8; 4];
    v[..value.len()].copy_from_slice(value);
    e.extend_from_slice(&v);
    e
}

/// A JPEG carrying an EXIF APP1 segment with a GPS location (30°15′N 120°10′E):
/// IFD0 at 8 with one entry (GPSInfo → 26), the GPS IFD at 26 with four entries, the six
/// rationals at 80.
fn jpeg_with_gps() -> Vec<u8> {
    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend(entry(0x8825, 4, 1, &26u32.to_be_bytes()));
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 26);
    tiff.extend_from_slice(&4u16.to_be_bytes());
    tiff.extend(entry(0x0001, 2, 2, b"N\0"));
    tiff.extend(entry(0x0002, 5, 3, &80u32.to_be_bytes()));
    tiff.extend(entry(0x0003, 2, 2, b"E\0"));
    tiff.extend(entry(0x0004, 5, 3, &104u32.to_be_bytes()));
    tiff.extend_from_slice(&0u32.to_be_bytes());
    assert_eq!(tiff.len(), 80);
    for v in [30u32, 1, 15, 1, 0, 1, 120, 1, 10, 1, 0, 1] {
        tiff.extend_from_slice(&v.to_be_bytes());
    }
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(&tiff);
    let plain = jpeg(120, 80);
    let mut out = plain[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&u16::try_from(payload.len() + 2).unwrap().to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&plain[2..]);
    out
}

fn has_gps(bytes: &[u8]) -> bool {
    exif::Reader::new()
        .read_from_container(&mut Cursor::new(bytes))
        .is_ok_and(|e| {
            e.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
                .is_some()
        })
}

/// The photo addresses (`…/display`) on a reports page.
fn display_links(page: &Reply) -> Vec<String> {
    page.body
        .split("href=\"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .filter(|s| s.contains("/reports/photos/") && s.ends_with("/display"))
        .map(str::to_owned)
        .collect()
}

#[tokio::test]
async fn each_role_sees_its_forms_and_storage_refuses_the_rest() {
    for env in TestApp::each().await {
        let ids = setup(&env).await;
        let b = env.backend;
        let (reports, books) = (
            format!("/projects/{}/reports", ids.a),
            format!("/projects/{}/books", ids.a),
        );
        for (user, file, finance) in [
            ("site_manager", true, false),
            ("dept_a", true, false),
            ("office_a", true, false),
            ("finance_a", false, true),
            ("leader_a", false, false),
        ] {
            let mut browser = env.signed_in(user).await;
            let page = browser.get(&reports).await;
            assert_eq!(page.status, StatusCode::OK, "{b} {user}");
            assert_eq!(page.body.contains("id=\"report-form\""), file, "{b} {user}");
            let page = browser.get(&books).await;
            assert_eq!(page.status, StatusCode::OK, "{b} {user}");
            assert_eq!(
                page.body.contains("id=\"money-form\""),
                finance,
                "{b} {user}"
            );
            assert_eq!(page.body.contains("id=\"contract-form\""), finance);
            let project = browser.get(&format!("/projects/{}", ids.a)).await;
            assert!(project.body.contains(&format!("href=\"{reports}\"")), "{b}");
            assert!(project.body.contains(&format!("href=\"{books}\"")), "{b}");

            // Posting anyway: storage refuses.
            if !file {
                let r = file_ten_percent(&mut browser, ids.a, "开工").await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {user} files");
            }
            if !finance {
                let r = browser
                    .post_form(
                        &format!("{books}/money"),
                        &[
                            ("kind", "approval"),
                            ("source", "county"),
                            ("amount", "1000"),
                            ("occurred_on", &today().to_string()),
                        ],
                    )
                    .await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} {user} records money");
            }
        }

        // A report to review; only the office sees and may post the review form.
        let mut manager = env.signed_in("site_manager").await;
        let r = file_ten_percent(&mut manager, ids.a, "基础施工").await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let page = manager.get(&reports).await;
        assert!(page.body.contains("待审核"), "{b}");
        assert!(!page.body.contains("class=\"review-form\""), "{b}");
        let report_id = env.reports(ids.a).await[0].id;
        let r = manager
            .post_form(
                &format!("{reports}/{report_id}/review"),
                &[("decision", "accept"), ("version", "1")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{b} manager reviews");
        let mut office = env.signed_in("office_a").await;
        let page = office.get(&reports).await;
        assert!(
            page.body.contains(&format!("id=\"review-{report_id}\"")),
            "{b}"
        );

        // Another district's project is not found, pages and posts alike.
        for path in [
            format!("/projects/{}/reports", ids.b),
            format!("/projects/{}/books", ids.b),
        ] {
            assert_eq!(office.get(&path).await.status, StatusCode::NOT_FOUND);
        }
        let csrf = form_csrf(&page);
        let body = photo_form(
            &[("period", &last_month()), ("percent", "10"), ("done", "x")],
            &[],
        );
        let r = office
            .post_multipart(&format!("/projects/{}/reports?_csrf={csrf}", ids.b), body)
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{b}");
    }
}

#[tokio::test]
async fn a_site_photo_comes_back_without_its_location() {
    for env in TestApp::each().await {
        let ids = setup(&env).await;
        let b = env.backend;
        let photo = jpeg_with_gps();
        assert!(has_gps(&photo), "the test photo carries a location");
        let mut manager = env.signed_in("site_manager").await;
        let r = file_report(
            &mut manager,
            ids.a,
            &[
                ("period", &last_month()),
                ("percent", "12.5"),
                ("done", "主体施工"),
            ],
            &[("现场.jpg", &photo), ("second.jpg", &jpeg(64, 48))],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let page = manager.get(&format!("/projects/{}/reports", ids.a)).await;
        assert!(page.body.contains("12.5%"), "{b}");
        assert!(page.body.contains("已去除定位信息"), "{b}");
        let links = display_links(&page);
        assert_eq!(links.len(), 2, "{b}");

        let (status, headers, bytes) = manager.download(&links[0]).await;
        assert_eq!(status, StatusCode::OK, "{b}");
        assert_eq!(headers[header::CONTENT_TYPE], "image/jpeg");
        assert!(
            headers[header::CACHE_CONTROL]
                .to_str()
                .unwrap()
                .starts_with("private")
        );
        assert_eq!(headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert_eq!(image::guess_format(&bytes).unwrap(), ImageFormat::Jpeg);
        assert!(!has_gps(&bytes), "{b}: the display copy has no location");
        assert_ne!(bytes, photo);
        let thumb = links[0].replace("/display", "/thumbnail");
        let (status, _, bytes) = manager.download(&thumb).await;
        assert_eq!(status, StatusCode::OK);
        assert!(!has_gps(&bytes));
        // No route serves the original.
        let original = links[0].replace("/display", "/original");
        assert_eq!(manager.download(&original).await.0, StatusCode::NOT_FOUND);
        // Someone who cannot read the project gets nothing.
        let other = env.signed_in("dept_b").await;
        assert_eq!(
            other.download(&links[0]).await.0,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        // A photo asked for under another project is not found either.
        let elsewhere = links[0].replace(
            &format!("/projects/{}/", ids.a),
            &format!("/projects/{}/", ids.b),
        );
        let dept_b = env.signed_in("dept_b").await;
        assert_eq!(dept_b.download(&elsewhere).await.0, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn bad_report_input_is_worded_and_kept() {
    for env in TestApp::each().await {
        let ids = setup(&env).await;
        let b = env.backend;
        let mut manager = env.signed_in("site_manager").await;
        let period = last_month();
        let typed = [
            ("period", period.as_str()),
            ("percent", "150"),
            ("done", "完成了基础浇筑"),
            ("problems", "雨季影响"),
        ];
        let r = file_report(&mut manager, ids.a, &typed, &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("id=\"percent-error\""), "{b}");
        assert!(r.body.contains("value=\"150\""));
        assert!(r.body.contains("完成了基础浇筑") && r.body.contains("雨季影响"));

        // Not an image, whatever its name says.
        let typed = [
            ("period", period.as_str()),
            ("percent", "20"),
            ("done", "完成了基础浇筑"),
        ];
        let r = file_report(
            &mut manager,
            ids.a,
            &typed,
            &[("a.jpg", b"<html>hi</html>")],
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("a.jpg：文件不是图片"), "{b}: {}", r.body);
        assert!(r.body.contains("完成了基础浇筑") && r.body.contains("value=\"20\""));

        // A photo over the size limit.
        let huge = vec![0xFFu8; minxin_media::MAX_PHOTO_BYTES + 1];
        let r = file_report(&mut manager, ids.a, &typed, &[("big.jpg", &huge)]).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("big.jpg：照片超过 10 MB"), "{b}");
        assert!(r.body.contains("完成了基础浇筑"));

        // Too many photos.
        let small = jpeg(8, 8);
        let many: Vec<(&str, &[u8])> = (0..21).map(|_| ("p.jpg", small.as_slice())).collect();
        let r = file_report(&mut manager, ids.a, &typed, &many).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("每份月报最多上传 20 张照片"), "{b}");
        assert!(r.body.contains("完成了基础浇筑"));

        // Nothing was filed.
        let page = manager.get(&format!("/projects/{}/reports", ids.a)).await;
        assert!(page.body.contains("id=\"no-reports\""), "{b}");
    }
}

#[tokio::test]
async fn the_office_returns_and_accepts_and_the_progress_follows() {
    for env in TestApp::each().await {
        let ids = setup(&env).await;
        let b = env.backend;
        let reports = format!("/projects/{}/reports", ids.a);
        let mut manager = env.signed_in("site_manager").await;
        let period = last_month();
        let r = file_report(
            &mut manager,
            ids.a,
            &[("period", &period), ("percent", "40"), ("done", "主体封顶")],
            &[],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let report = env.reports(ids.a).await.remove(0);

        // Filed three days after its due date (the 5th of the next month): flagged late. The
        // month the project started in was never reported: listed as missing.
        let period: ReportPeriod = period.parse().unwrap();
        let filed = due_date(period, DEFAULT_DUE_DAY) + chrono::Duration::days(3);
        execute_raw(
            &env.fx().store,
            &format!(
                "UPDATE progress_reports SET submitted_at = '{}T04:00:00Z' WHERE id = {}",
                filed, report.id
            ),
        )
        .await
        .unwrap();
        let mut office = env.signed_in("office_a").await;
        let page = office.get(&reports).await;
        assert!(page.body.contains("逾期 3 天填报"), "{b}");
        let started = ReportPeriod::of(today() - chrono::Duration::days(90));
        assert!(
            page.body.contains(&format!("<li>{started}</li>")),
            "{b}: {started} missing"
        );
        let review = format!("{reports}/{}/review", report.id);
        // Returning needs a comment; the refusal is shown at the report.
        let r = office
            .post_form(&review, &[("decision", "return"), ("version", "1")])
            .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("退回时必须填写退回意见"), "{b}");
        let r = office
            .post_form(
                &review,
                &[
                    ("decision", "return"),
                    ("comment", "请补充照片"),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);

        // The manager sees the comment and refiles the same month in place.
        let page = manager.get(&reports).await;
        assert!(
            page.body.contains("已退回") && page.body.contains("请补充照片"),
            "{b}"
        );
        let page = manager
            .get(&format!("{reports}?refile={}", report.id))
            .await;
        assert!(
            page.body.contains("主体封顶") && page.body.contains("value=\"40\""),
            "{b}"
        );
        let r = file_report(
            &mut manager,
            ids.a,
            &[
                ("period", &period.to_string()),
                ("percent", "45"),
                ("done", "主体封顶，补充照片"),
            ],
            &[("site.jpg", &jpeg(40, 30))],
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let all = env.reports(ids.a).await;
        assert_eq!(all.len(), 1, "{b}: refiled in place");
        assert_eq!(all[0].state, "submitted");
        assert_eq!(all[0].photos.len(), 1);

        office.get(&reports).await;
        let r = office
            .post_form(
                &review,
                &[
                    ("decision", "accept"),
                    ("version", &all[0].version.to_string()),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let page = office.get(&reports).await;
        assert!(page.body.contains("已通过"), "{b}");
        let project = office.get(&format!("/projects/{}", ids.a)).await;
        assert!(
            project
                .body
                .contains("<dd id=\"progress-percent\">45%</dd>"),
            "{b}"
        );
    }
}

#[tokio::test]
async fn finance_records_and_corrects_money_and_sees_the_totals() {
    for env in TestApp::each().await {
        let ids = setup(&env).await;
        let b = env.backend;
        let books = format!("/projects/{}/books", ids.a);
        let mut finance = env.signed_in("finance_a").await;
        let page = finance.get(&books).await;
        let csrf = form_csrf(&page);
        let day = today().to_string();
        let post = |path: &'static str, fields: Vec<(&'static str, String)>| {
            let mut form = vec![("_csrf", csrf.clone())];
            form.extend(fields);
            (format!("{books}/{path}"), form)
        };
        let send_form =
            async |browser: &mut Client<'_>, (path, form): (String, Vec<(&str, String)>)| {
                let pairs: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
                browser.post(&path, &pairs).await
            };
        let contract = |code: &str| {
            vec![
                ("method", "open_tender".to_owned()),
                ("contractor", "示例建设工程有限公司".to_owned()),
                ("credit_code", code.to_owned()),
                ("amount", "500000".to_owned()),
                ("signed_on", day.clone()),
                ("starts_on", day.clone()),
                ("ends_on", day.clone()),
            ]
        };

        // A bad credit code is refused with everything typed kept.
        let r = send_form(
            &mut finance,
            post("contracts", contract("91350100M000100Y44")),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("id=\"ct_credit_code-error\""), "{b}");
        assert!(
            r.body.contains("value=\"91350100M000100Y44\"")
                && r.body.contains("示例建设工程有限公司")
        );
        let r = send_form(
            &mut finance,
            post("contracts", contract("91350100M000100Y43")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        let books_now = env.books(ids.a).await;
        let contract_id = books_now.contracts[0].id.to_string();

        let money = |kind: &str, amount: &str, contract: &str| {
            vec![
                ("kind", kind.to_owned()),
                ("source", "county".to_owned()),
                ("amount", amount.to_owned()),
                ("contract_id", contract.to_owned()),
                ("occurred_on", day.clone()),
                ("note", "示财预〔2026〕12 号".to_owned()),
            ]
        };
        let r = send_form(&mut finance, post("money", money("approval", "800000", ""))).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        // Disbursing beyond the approval is refused in words, the amount kept.
        let r = send_form(
            &mut finance,
            post("money", money("disbursement", "900000", "")),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(r.body.contains("超出批复金额"), "{b}: {}", r.body);
        assert!(r.body.contains("value=\"900000\""));
        let r = send_form(
            &mut finance,
            post("money", money("disbursement", "600000", "")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);
        // Paying beyond what the county disbursed is refused in words, in either language.
        for (lang, words) in [
            ("en", "paying ¥600,000.01 would exceed what is disbursed"),
            (
                "zh-CN",
                "县级资金已拨付 600,000.00 元，已支付 0.00 元，本次支付 600,000.01 元将超出已拨付金额",
            ),
        ] {
            let switched = finance.get(&format!("/lang?to={lang}&next={books}")).await;
            assert_eq!(switched.status, StatusCode::SEE_OTHER, "{b}");
            let r = send_form(
                &mut finance,
                post("money", money("payment", "600000.01", "")),
            )
            .await;
            assert_eq!(r.status, StatusCode::OK, "{b}");
            assert!(r.body.contains(words), "{b} {lang}: {}", r.body);
            assert!(
                r.body.contains("value=\"600000.01\""),
                "{b}: the amount kept"
            );
        }
        // Paying beyond the contract is refused with the amounts.
        let r = send_form(
            &mut finance,
            post("money", money("payment", "500000.01", &contract_id)),
        )
        .await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains("超出合同金额") && r.body.contains("500,000.00"),
            "{b}"
        );
        let r = send_form(
            &mut finance,
            post("money", money("payment", "300000", &contract_id)),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);

        let payment = env
            .books(ids.a)
            .await
            .records
            .into_iter()
            .find(|r| r.kind == "payment")
            .unwrap()
            .id
            .to_string();
        // A correction needs a reason.
        let correction = |reason: &str| {
            vec![
                ("record", payment.clone()),
                ("amount", "10000".to_owned()),
                ("reason", reason.to_owned()),
                ("occurred_on", day.clone()),
            ]
        };
        let r = send_form(&mut finance, post("corrections", correction(""))).await;
        assert_eq!(r.status, StatusCode::OK, "{b}");
        assert!(
            r.body.contains("冲正必须填写原因") || r.body.contains("co_reason-error"),
            "{b}: {}",
            r.body
        );
        assert!(r.body.contains("value=\"10000\""));
        let r = send_form(
            &mut finance,
            post("corrections", correction("发票金额有误")),
        )
        .await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{b}: {}", r.body);

        let page = finance.get(&books).await;
        // Budget 100 万, approved 80 万, disbursed 60 万, paid 29 万, rate 29 %.
        for figure in ["100.00", "80.00", "60.00", "29.00", "71.00", "29%"] {
            assert!(page.body.contains(figure), "{b}: {figure} in the summary");
        }
        assert!(
            page.body.contains("-10,000.00") && page.body.contains("发票金额有误"),
            "{b}"
        );
        assert!(
            page.body.contains(&format!("href=\"#record-{payment}\"")),
            "{b}: the correction points at its original"
        );
        assert!(
            page.body.contains("91350100M000100Y43") && page.body.contains("290,000.00"),
            "{b}: paid against the contract"
        );
    }
}
