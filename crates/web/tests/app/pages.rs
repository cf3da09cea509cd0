//! Pages through their routes, on every backend: CSRF, lockout, forced password change,
//! language, security headers, limits and error pages.

use crate::common::{Client, TestApp, form_csrf};
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use minxin_storage::testing::PASSWORD;

#[tokio::test]
async fn forms_without_a_valid_csrf_token_are_refused() {
    for env in TestApp::each().await {
        let b = env.backend;
        let mut browser = env.anonymous();
        let signed = browser.sign_in("office_a", PASSWORD).await;
        assert_eq!(
            signed.status,
            StatusCode::SEE_OTHER,
            "[{b}] {}",
            signed.body
        );
        let no_token = browser.post("/logout", &[]).await;
        assert_eq!(no_token.status, StatusCode::FORBIDDEN, "[{b}]");
        assert!(no_token.body.contains("CSRF"), "[{b}] explains why");
        let forged = browser.post("/logout", &[("_csrf", "forged")]).await;
        assert_eq!(forged.status, StatusCode::FORBIDDEN, "[{b}]");
        // Still signed in: the refused requests changed nothing.
        let home = browser.get("/work").await;
        assert_eq!(home.status, StatusCode::OK, "[{b}]");

        let csrf = form_csrf(&home);
        let cross_site = Request::post("/logout")
            .header(header::COOKIE, browser.cookie_header())
            .header(header::ORIGIN, "https://evil.example")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .body(Body::from(format!("_csrf={csrf}")))
            .unwrap();
        assert_eq!(
            env.send(cross_site).await.status,
            StatusCode::FORBIDDEN,
            "[{b}]"
        );

        let out = browser.post_form("/logout", &[]).await;
        assert_eq!(out.status, StatusCode::SEE_OTHER, "[{b}]");
        let after = browser.get("/work").await;
        assert_eq!(after.status, StatusCode::SEE_OTHER, "[{b}] signed out");
    }
}

#[tokio::test]
async fn five_wrong_passwords_lock_the_account() {
    for env in TestApp::each().await {
        let b = env.backend;
        let mut browser = env.anonymous();
        for _ in 0..5 {
            let wrong = browser.sign_in("leader_a", "Wrong#Password1").await;
            assert_eq!(wrong.status, StatusCode::OK, "[{b}]");
            assert!(
                wrong.body.contains("用户名或密码错误"),
                "[{b}] {}",
                wrong.body
            );
            assert!(
                wrong.body.contains("value=\"leader_a\""),
                "[{b}] keeps the user name"
            );
        }
        let locked = browser.sign_in("leader_a", PASSWORD).await;
        assert_eq!(
            locked.status,
            StatusCode::OK,
            "[{b}] no session for a locked account"
        );
        assert!(locked.body.contains("已锁定至"), "[{b}] {}", locked.body);
        let other = env.anonymous().sign_in("office_a", PASSWORD).await;
        assert_eq!(
            other.status,
            StatusCode::SEE_OTHER,
            "[{b}] other accounts unaffected"
        );
    }
}

#[tokio::test]
async fn first_sign_in_forces_a_password_change() {
    for env in TestApp::each().await {
        let b = env.backend;
        env.newcomer("newcomer", "新同事", "Temp#2026pw").await;
        let mut browser = env.anonymous();
        let signed = browser.sign_in("newcomer", "Temp#2026pw").await;
        assert_eq!(
            signed.headers[header::LOCATION],
            "/account/password",
            "[{b}]"
        );
        let home = browser.get("/work").await;
        assert_eq!(
            home.headers[header::LOCATION],
            "/account/password",
            "[{b}] nothing else until changed"
        );
        let form = browser.get("/account/password").await;
        assert!(form.body.contains("id=\"forced-change\""), "[{b}]");
        let weak = browser
            .post_form(
                "/account/password",
                &[
                    ("current", "Temp#2026pw"),
                    ("new", "short"),
                    ("confirm", "short"),
                ],
            )
            .await;
        assert_eq!(weak.status, StatusCode::OK, "[{b}]");
        assert!(
            weak.body.contains("至少需要 8 个字符"),
            "[{b}] {}",
            weak.body
        );
        let reused = browser
            .post_form(
                "/account/password",
                &[
                    ("current", "Temp#2026pw"),
                    ("new", "Temp#2026pw"),
                    ("confirm", "Temp#2026pw"),
                ],
            )
            .await;
        assert!(
            reused.body.contains("不能与最近 5 次"),
            "[{b}] {}",
            reused.body
        );
        let done = browser
            .post_form(
                "/account/password",
                &[
                    ("current", "Temp#2026pw"),
                    ("new", "Fresh#2026pw"),
                    ("confirm", "Fresh#2026pw"),
                ],
            )
            .await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "[{b}] {}", done.body);
        let home = browser.get("/work").await;
        assert_eq!(home.status, StatusCode::OK, "[{b}]");
        assert!(home.body.contains("新同事"));
    }
}

#[tokio::test]
async fn pages_switch_to_english_and_back() {
    let env = TestApp::each().await.remove(0);
    let mut browser = env.anonymous();
    let chinese = browser.get("/login").await;
    assert!(chinese.body.contains("<html lang=\"zh-CN\">") && chinese.body.contains("登录"));
    let switch = browser.get("/lang?to=en&next=/login").await;
    assert_eq!(switch.headers[header::LOCATION], "/login");
    let english = browser.get("/login").await;
    assert!(english.body.contains("<html lang=\"en\">") && english.body.contains("Sign in"));
    let away = browser.get("/lang?to=zh-CN&next=//evil.example").await;
    assert_eq!(away.headers[header::LOCATION], "/work", "no open redirect");
}

/// `next` values that must never leave the site (or break the answer), as sent in a URL.
const FOREIGN_NEXT: &[&str] = &[
    "/%09/evil.example",
    "/%0d/evil.example",
    "/%0a/evil.example",
    "/%0d%0aSet-Cookie:%20x=1",
    "//evil.example",
    "/%5Cevil.example",
    "/%5C/evil.example",
    "/%252F%252Fevil.example",
    "/%252509/evil.example",
    "%2F%2Fevil.example",
    "https://evil.example/",
    "https:evil.example",
    "/a%00b",
    "/a%C2%85b",
];

/// `/lang` and the sign-in form follow `next` only to a path of this site: tabs, line breaks,
/// doubled or backslashed slashes, encoded or not, go to the work home, never to a 500 or
/// another host; a good path keeps its query string (issue 15 finding 5).
#[tokio::test]
async fn next_never_leaves_the_site() {
    let env = TestApp::each().await.remove(0);
    let mut browser = env.anonymous();
    for next in FOREIGN_NEXT {
        let reply = browser.get(&format!("/lang?to=en&next={next}")).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "/lang next={next}");
        assert_eq!(
            reply.headers[header::LOCATION],
            "/work",
            "/lang next={next}"
        );
    }
    let kept = browser
        .get("/lang?to=zh-CN&next=/projects%3Fq%3D%25E8%25B7%25AF%26page%3D2")
        .await;
    assert_eq!(
        kept.headers[header::LOCATION],
        "/projects?q=%E8%B7%AF&page=2"
    );

    for next in FOREIGN_NEXT {
        let mut browser = env.anonymous();
        let form = browser.get(&format!("/login?next={next}")).await;
        assert_eq!(form.status, StatusCode::OK, "/login?next={next}");
        assert!(!form.body.contains("evil.example"), "/login?next={next}");
        let next = percent_decoded(next);
        let reply = sign_in_to(&env.router, &mut browser, &form, &next).await;
        assert_eq!(reply.status, StatusCode::SEE_OTHER, "sign-in next={next:?}");
        assert_eq!(
            reply.headers[header::LOCATION],
            "/work",
            "sign-in next={next:?}"
        );
    }
    let mut browser = env.anonymous();
    let form = browser.get("/login").await;
    let reply = sign_in_to(&env.router, &mut browser, &form, "/projects?q=路&page=2").await;
    assert_eq!(reply.headers[header::LOCATION], "/projects?q=路&page=2");
}

/// Signs `office_a` in through the sign-in `form` with `next` as posted.
async fn sign_in_to(
    _app: &axum::Router,
    browser: &mut Client<'_>,
    form: &crate::common::Reply,
    next: &str,
) -> crate::common::Reply {
    let csrf = form_csrf(form);
    let fields = [
        ("_csrf", csrf.as_str()),
        ("username", "office_a"),
        ("password", PASSWORD),
        ("next", next),
    ];
    browser.post("/login", &fields).await
}

/// A URL's query value as a form field holds it: percent-decoded once.
fn percent_decoded(value: &str) -> String {
    serde_urlencoded::from_str::<Vec<(String, String)>>(&format!("v={value}")).unwrap()[0]
        .1
        .clone()
}

#[tokio::test]
async fn headers_limits_health_and_not_found() {
    let env = TestApp::each().await.remove(0);
    let login = env
        .send(Request::get("/login").body(Body::empty()).unwrap())
        .await;
    for h in [
        "content-security-policy",
        "x-content-type-options",
        "referrer-policy",
        "x-frame-options",
    ] {
        assert!(login.headers.contains_key(h), "missing {h}");
    }
    assert!(
        login.headers["content-security-policy"]
            .to_str()
            .unwrap()
            .contains("frame-ancestors 'none'")
    );
    let cookie = login.headers[header::SET_COOKIE].to_str().unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Lax"),
        "{cookie}"
    );

    let health = env
        .send(Request::get("/healthz").body(Body::empty()).unwrap())
        .await;
    assert_eq!(health.status, StatusCode::OK);

    let huge = env
        .send(
            Request::post("/api/v1/auth/token")
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from(vec![b' '; 2 * 1024 * 1024]))
                .unwrap(),
        )
        .await;
    assert_eq!(huge.status, StatusCode::PAYLOAD_TOO_LARGE);

    let missing = env
        .send(Request::get("/no/such/page").body(Body::empty()).unwrap())
        .await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    assert!(missing.body.contains("找不到"), "{}", missing.body);

    let anonymous = env
        .send(Request::get("/admin/accounts").body(Body::empty()).unwrap())
        .await;
    assert_eq!(anonymous.status, StatusCode::SEE_OTHER);
    assert!(
        anonymous.headers[header::LOCATION]
            .to_str()
            .unwrap()
            .starts_with("/login?next=")
    );
}

#[tokio::test]
async fn the_second_factor_guards_sign_in_and_tokens() {
    for env in TestApp::each().await {
        let b = env.backend;
        let now = || u64::try_from(chrono::Utc::now().timestamp()).unwrap();
        let mut browser = env.signed_in("office_a").await;
        let setup = browser.get("/account/totp").await;
        let marker = "id=\"totp-secret\">";
        let start = setup.body.find(marker).expect("secret shown") + marker.len();
        let secret = setup.body[start..].split('<').next().unwrap().to_owned();
        assert!(
            !setup.body.contains("name=\"secret\""),
            "[{b}] the secret stays on the server"
        );
        let again = browser.get("/account/totp").await;
        assert!(
            again.body.contains(&secret),
            "[{b}] a reload shows the same secret"
        );
        let wrong = browser
            .post_form(
                "/account/totp",
                &[("password", PASSWORD), ("code", "000000")],
            )
            .await;
        assert!(wrong.body.contains("验证码不正确"), "[{b}] {}", wrong.body);
        let code = minxin_storage::identity::totp::code_at(&secret, now()).unwrap();
        let no_password = browser
            .post_form(
                "/account/totp",
                &[("password", "Wrong#2026pw"), ("code", &code)],
            )
            .await;
        assert!(
            no_password.body.contains("密码不正确"),
            "[{b}] {}",
            no_password.body
        );
        // A secret chosen by the browser is not taken: codes of its own secret do not enrol.
        let chosen = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";
        let chosen_code = minxin_storage::identity::totp::code_at(chosen, now()).unwrap();
        let planted = browser
            .post_form(
                "/account/totp",
                &[
                    ("password", PASSWORD),
                    ("secret", chosen),
                    ("code", &chosen_code),
                ],
            )
            .await;
        assert!(
            planted.body.contains("验证码不正确"),
            "[{b}] {}",
            planted.body
        );
        let on = browser
            .post_form("/account/totp", &[("password", PASSWORD), ("code", &code)])
            .await;
        assert_eq!(on.status, StatusCode::SEE_OTHER, "[{b}] {}", on.body);

        let mut second = env.anonymous();
        let signed = second.sign_in("office_a", PASSWORD).await;
        assert_eq!(signed.headers[header::LOCATION], "/login/totp", "[{b}]");
        let home = second.get("/work").await;
        assert_eq!(
            home.headers[header::LOCATION],
            "/login/totp",
            "[{b}] no access before the code"
        );
        let _form = second.get("/login/totp").await;
        let refused = second.post_form("/login/totp", &[("code", "123456")]).await;
        assert!(refused.body.contains("验证码不正确"), "[{b}]");
        let code = minxin_storage::identity::totp::code_at(&secret, now()).unwrap();
        let passed = second.post_form("/login/totp", &[("code", &code)]).await;
        assert_eq!(passed.headers[header::LOCATION], "/work", "[{b}]");
        assert_eq!(second.get("/work").await.status, StatusCode::OK, "[{b}]");

        let body = |totp: Option<&str>| serde_json::json!({ "username": "office_a", "password": PASSWORD, "totp": totp });
        let without = env
            .api(
                axum::http::Method::POST,
                "/auth/token",
                None,
                Some(body(None)),
            )
            .await;
        assert_eq!(
            without.status,
            StatusCode::UNAUTHORIZED,
            "[{b}] {}",
            without.body
        );
        assert_eq!(without.json()["code"], "totp_required");
        let code = minxin_storage::identity::totp::code_at(&secret, now()).unwrap();
        let with = env
            .api(
                axum::http::Method::POST,
                "/auth/token",
                None,
                Some(body(Some(&code))),
            )
            .await;
        assert_eq!(with.status, StatusCode::CREATED, "[{b}] {}", with.body);
    }
}

/// Through the pages too, a district-A administrator neither sees nor changes district B, and
/// a department user's organisation page shows only their own district.
#[tokio::test]
async fn pages_hide_other_districts() {
    for env in TestApp::each().await {
        let b = env.backend;
        let fx = &env.fx();
        let mut admin = env.signed_in("sysadmin_a").await;
        let list = admin.get("/admin/departments").await;
        assert!(
            list.body.contains("示例区住建局") && !list.body.contains("样板区住建局"),
            "[{b}]"
        );
        for path in [
            format!("/admin/departments/{}", fx.b_zj),
            format!("/admin/regions/{}", fx.street_b.id),
            format!("/admin/accounts/{}", fx.id("dept_b")),
        ] {
            let read = admin.get(&path).await;
            assert_eq!(read.status, StatusCode::NOT_FOUND, "[{b}] GET {path}");
        }
        let region_a = fx.district_a.id.to_string();
        let tamper = admin
            .post_form(
                &format!("/admin/departments/{}", fx.b_zj),
                &[
                    ("code", "B-ZJ"),
                    ("name", "篡改"),
                    ("region_id", &region_a),
                    ("phone", ""),
                    ("version", "1"),
                ],
            )
            .await;
        assert_eq!(
            tamper.status,
            StatusCode::NOT_FOUND,
            "[{b}] {}",
            tamper.body
        );
        let delete = admin
            .post_form(&format!("/admin/departments/{}/delete", fx.b_zj), &[])
            .await;
        assert_eq!(delete.status, StatusCode::NOT_FOUND, "[{b}]");
        let reset = admin
            .post_form(
                &format!("/admin/accounts/{}/password", fx.id("dept_b")),
                &[("password", "Hijack#2026")],
            )
            .await;
        assert_eq!(reset.status, StatusCode::NOT_FOUND, "[{b}]");

        let mut dept = env.signed_in("dept_a").await;
        let org = dept.get("/org").await;
        assert_eq!(org.status, StatusCode::OK, "[{b}]");
        assert!(
            org.body.contains("示例区") && !org.body.contains("样板区"),
            "[{b}]"
        );
        for path in [
            "/admin/departments",
            "/admin/accounts",
            "/access",
            "/audit",
            "/admin/security",
        ] {
            let refused = dept.get(path).await;
            assert_eq!(
                refused.status,
                StatusCode::FORBIDDEN,
                "[{b}] dept_a GET {path}"
            );
        }
    }
}
