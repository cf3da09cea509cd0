//! The office's publishing form on a request's file (issue 15 finding 12): the wording is
//! prefilled with the resident's words with phones, ID numbers and e-mails masked; wording that
//! still holds some is refused, naming what was found, unless the publisher ticks the
//! confirmation — on both databases.

use crate::common::{Reply, TestApp};
use axum::http::StatusCode;
use minxin_storage::testing::query_raw;

/// What the publishing form's textarea holds.
fn wording(page: &Reply) -> String {
    let start = page
        .body
        .find("id=\"wording\"")
        .expect("the publishing form");
    let text = &page.body[start..];
    let open = text.find('>').unwrap() + 1;
    let close = text.find("</textarea>").unwrap();
    text[open..close].to_owned()
}

/// The `version` hidden in the publishing form.
fn version(page: &Reply) -> String {
    let form = &page.body[page.body.find("id=\"publish-form\"").unwrap()..];
    let marker = "name=\"version\" value=\"";
    let start = form.find(marker).unwrap() + marker.len();
    form[start..].split('"').next().unwrap().to_owned()
}

#[tokio::test]
async fn the_wording_is_prefilled_redacted_and_personal_data_needs_a_confirmation() {
    for env in TestApp::each().await {
        let (b, store, fx) = (env.backend, env.store(), env.fx());
        let receipt = fx
            .resident_request(
                "东湖路路灯不亮。我叫王小明，电话 13812345678，身份证 \
                 110101199001011234，邮箱 wxm@example.com",
            )
            .await;
        let mut office = env.signed_in("office_a").await;
        let path = format!("/requests/{}", receipt.id);

        let file = office.get(&path).await;
        assert_eq!(file.status, StatusCode::OK, "{b}: {}", file.body);
        let prefilled = wording(&file);
        assert!(
            prefilled.starts_with("东湖路路灯不亮。"),
            "{b}: {prefilled}"
        );
        for raw in ["13812345678", "110101199001011234", "wxm@example.com"] {
            assert!(!prefilled.contains(raw), "{b}: {raw} in {prefilled}");
        }
        assert!(prefilled.contains("138****5678"), "{b}: {prefilled}");
        assert!(
            !file.body.contains("id=\"confirm-no-personal-data\""),
            "{b}: nothing to confirm in the redacted text"
        );

        let at = version(&file);
        let with_phone = "东湖路路灯不亮，联系人电话 138 1234 5678";
        let refused = office
            .post_form(
                &format!("{path}/publish"),
                &[("version", &at), ("wording", with_phone)],
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{b}: {}",
            refused.body
        );
        assert!(refused.body.contains("id=\"publish-error\""), "{b}");
        assert!(
            refused.body.contains("公开内容仍含个人信息：手机号"),
            "{b}: {}",
            refused.body
        );
        assert_eq!(wording(&refused), with_phone, "{b}: the typed text is kept");
        assert!(
            refused.body.contains("id=\"confirm-no-personal-data\""),
            "{b}: the confirmation is offered"
        );
        let published = || async {
            query_raw::<(bool, String)>(
                store,
                "SELECT is_published, public_description FROM service_requests",
            )
            .await
            .unwrap()
        };
        assert_eq!(published().await, [(false, String::new())], "{b}");

        let confirmed = office
            .post_form(
                &format!("{path}/publish"),
                &[
                    ("version", &at),
                    ("wording", with_phone),
                    ("confirm_no_personal_data", "1"),
                ],
            )
            .await;
        assert_eq!(
            confirmed.status,
            StatusCode::SEE_OTHER,
            "{b}: {}",
            confirmed.body
        );
        assert_eq!(published().await, [(true, with_phone.to_owned())], "{b}");
    }
}
