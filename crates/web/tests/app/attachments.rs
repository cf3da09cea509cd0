//! Project documents through the router, on every backend: upload with a hand-built multipart
//! body (CSRF token in the query), refusals by content and size as pages in the user's
//! language, downloads with safe headers, scope, deletion, and the same over the JSON API.

use crate::common::{TestApp, form_csrf, multipart};
use axum::body::Body;
use axum::http::{Method, Request, StatusCode, header};
use minxin_domain::projects::project::FundingSource;
use minxin_storage::projects::ProjectInput;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";
const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0 photo";
const HTML: &[u8] = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script>";

async fn project(env: &TestApp) -> i64 {
    let fx = env.fx();
    let input = ProjectInput {
        name: "阳光社区老年食堂".into(),
        category_id: env.subcategory().await,
        year: 2026,
        region_id: fx.street_a.id,
        lead_department_id: fx.a_zj,
        owner_name: "张伟".into(),
        owner_phone: "13700001111".into(),
        budget: [(FundingSource::County, 50_000_000)].into_iter().collect(),
        ..ProjectInput::default()
    };
    env.create_project("office_a", &input).await.id
}

#[tokio::test]
async fn documents_upload_download_and_refusals_through_pages() {
    for env in TestApp::each().await {
        let b = env.backend;
        let id = project(&env).await;
        let mut office = env.signed_in("office_a").await;
        let page = office.get(&format!("/projects/{id}/attachments")).await;
        assert_eq!(page.status, StatusCode::OK, "{b}: {}", page.body);
        assert!(page.body.contains("id=\"upload-attachment\""), "{b}");
        assert!(page.body.contains("20 MB"), "{b}: the limit is stated");
        let csrf = form_csrf(&page);
        let action = format!("/projects/{id}/attachments?_csrf={csrf}");
        let upload = |kind: &str, name: &str, content_type: &str, bytes: &[u8]| {
            multipart(
                &[("kind", kind), ("return_to", "documents")],
                Some(("file", name, content_type, bytes)),
            )
        };

        // Without the token (or with a wrong one) nothing is accepted.
        let body = upload("approval", "立项批复.pdf", "application/pdf", PDF);
        let refused = office
            .post_multipart(&format!("/projects/{id}/attachments"), body.clone())
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}");
        let refused = office
            .post_multipart(&format!("{action}x"), body.clone())
            .await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{b}");
        assert!(env.attachments(id).await.is_empty(), "{b}");

        let done = office.post_multipart(&action, body).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{b}: {}", done.body);
        assert_eq!(
            done.headers[header::LOCATION],
            format!("/projects/{id}/attachments?notice=saved"),
            "{b}"
        );
        let docs = env.attachments(id).await;
        assert_eq!(docs.len(), 1, "{b}");
        let pdf = &docs[0];
        assert_eq!(
            (pdf.kind.as_str(), pdf.file_name.as_str()),
            ("approval", "立项批复.pdf"),
            "{b}"
        );
        let page = office
            .get(&format!("/projects/{id}/attachments?notice=saved"))
            .await;
        assert!(page.body.contains("立项批复.pdf"), "{b}");
        assert!(
            page.body.contains("立项批复</span>"),
            "{b}: the kind's name"
        );

        // The download: stored type, safe disposition, no sniffing, sandboxed.
        let href = format!("/projects/{id}/attachments/{}", pdf.id);
        let file = office.get(&href).await;
        assert_eq!(file.status, StatusCode::OK, "{b}");
        assert_eq!(file.body.as_bytes(), PDF, "{b}");
        let h = &file.headers;
        assert_eq!(h[header::CONTENT_TYPE], "application/pdf", "{b}");
        assert_eq!(
            h[header::CONTENT_DISPOSITION],
            "attachment; filename=\"document.pdf\"; \
             filename*=UTF-8''%E7%AB%8B%E9%A1%B9%E6%89%B9%E5%A4%8D.pdf",
            "{b}"
        );
        assert_eq!(h[header::X_CONTENT_TYPE_OPTIONS], "nosniff", "{b}");
        let csp = h[header::CONTENT_SECURITY_POLICY].to_str().unwrap();
        assert!(
            csp.contains("sandbox") && csp.contains("default-src 'none'"),
            "{b}: {csp}"
        );
        // Asking for a PDF inline changes nothing; an image may be shown.
        let file = office.get(&format!("{href}?inline=1")).await;
        assert!(
            file.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment;"),
            "{b}"
        );
        let photo = upload("photo", "现场.jpg", "image/jpeg", JPEG);
        assert_eq!(
            office.post_multipart(&action, photo).await.status,
            StatusCode::SEE_OTHER,
            "{b}"
        );
        let photo = env.attachments(id).await.pop().unwrap();
        let shown = office
            .get(&format!("/projects/{id}/attachments/{}?inline=1", photo.id))
            .await;
        assert_eq!(shown.headers[header::CONTENT_TYPE], "image/jpeg", "{b}");
        assert!(
            shown.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("inline;"),
            "{b}"
        );

        // A web page renamed .pdf, a missing file and an oversized one are refused in words.
        let disguised = office
            .post_multipart(
                &action,
                upload("contract", "合同.pdf", "application/pdf", HTML),
            )
            .await;
        assert_eq!(disguised.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(disguised.body.contains("id=\"attachment-error\""), "{b}");
        assert!(
            disguised.body.contains("实际内容却是网页"),
            "{b}: {}",
            disguised.body
        );
        assert!(
            disguised
                .body
                .contains(&format!("href=\"/projects/{id}/attachments\"")),
            "{b}: a way back"
        );
        let missing = office
            .post_multipart(&action, multipart(&[("kind", "other")], None))
            .await;
        assert_eq!(missing.status, StatusCode::UNPROCESSABLE_ENTITY, "{b}");
        assert!(missing.body.contains("文件："), "{b}");
        let mut big = PDF.to_vec();
        big.resize(20 * 1024 * 1024 + 1, b' ');
        let too_big = office
            .post_multipart(&action, upload("other", "big.pdf", "application/pdf", &big))
            .await;
        assert_eq!(too_big.status, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
        assert!(too_big.body.contains("不能超过 20 MB"), "{b}");
        assert_eq!(
            env.attachments(id).await.len(),
            2,
            "{b}: nothing refused was kept"
        );

        // Another district's user: not found, by download or delete.
        let mut outsider = env.signed_in("dept_b").await;
        assert_eq!(
            outsider.get(&href).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );
        let their = outsider.get("/work").await;
        let their_csrf = form_csrf(&their);
        let denied = outsider
            .post(&format!("{href}/delete"), &[("_csrf", &their_csrf)])
            .await;
        assert_eq!(denied.status, StatusCode::NOT_FOUND, "{b}");

        // The office deletes and returns to where it came from.
        let deleted = office
            .post_form(&format!("{href}/delete"), &[("return_to", "documents")])
            .await;
        assert_eq!(deleted.status, StatusCode::SEE_OTHER, "{b}");
        assert_eq!(
            deleted.headers[header::LOCATION],
            format!("/projects/{id}/attachments?notice=deleted"),
            "{b}"
        );
        assert_eq!(env.attachments(id).await, vec![photo], "{b}");
    }
}

#[tokio::test]
async fn documents_through_the_api() {
    for env in TestApp::each().await {
        let b = env.backend;
        let id = project(&env).await;
        let office = env.token("office_a").await;
        let path = format!("/projects/{id}/attachments");
        let post = |bearer: &str, body: Vec<u8>| {
            Request::post(format!("/api/v1{path}"))
                .header(header::AUTHORIZATION, format!("Bearer {bearer}"))
                .header(
                    header::CONTENT_TYPE,
                    format!("multipart/form-data; boundary={}", crate::common::BOUNDARY),
                )
                .body(Body::from(body))
                .unwrap()
        };

        let body = multipart(
            &[("kind", "consultation")],
            Some(("file", "意见汇总.pdf", "application/octet-stream", PDF)),
        );
        let created = env.send(post(&office, body)).await;
        assert_eq!(created.status, StatusCode::CREATED, "{b}: {}", created.body);
        let doc = created.json();
        assert_eq!(doc["content_type"], "application/pdf", "{b}");
        assert_eq!(doc["file_name"], "意见汇总.pdf", "{b}");
        let aid = doc["id"].as_i64().unwrap();

        let list = env.get_api(&path, &office).await;
        assert_eq!(list.status, StatusCode::OK, "{b}");
        assert_eq!(list.json().as_array().unwrap().len(), 1, "{b}");

        let file = env.get_api(&format!("{path}/{aid}"), &office).await;
        assert_eq!(file.status, StatusCode::OK, "{b}");
        assert_eq!(file.body.as_bytes(), PDF, "{b}");
        assert_eq!(file.headers[header::X_CONTENT_TYPE_OPTIONS], "nosniff");
        assert!(
            file.headers[header::CONTENT_DISPOSITION]
                .to_str()
                .unwrap()
                .starts_with("attachment; filename=\"document.pdf\"; filename*=UTF-8''"),
            "{b}"
        );

        let body = multipart(
            &[("kind", "approval")],
            Some(("file", "批复.pdf", "application/pdf", HTML)),
        );
        let refused = env.send(post(&office, body)).await;
        assert_eq!(refused.status, StatusCode::BAD_REQUEST, "{b}");
        assert_eq!(refused.json()["fields"][0]["field"], "file", "{b}");
        assert_eq!(refused.json()["fields"][0]["code"], "file_disguised", "{b}");

        let outsider = env.token("dept_b").await;
        let hidden = env.get_api(&format!("{path}/{aid}"), &outsider).await;
        assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{b}");
        let body = multipart(
            &[("kind", "other")],
            Some(("file", "x.pdf", "application/pdf", PDF)),
        );
        assert_eq!(
            env.send(post(&outsider, body)).await.status,
            StatusCode::NOT_FOUND,
            "{b}"
        );

        let removed = env
            .api(
                Method::DELETE,
                &format!("{path}/{aid}"),
                Some(&office),
                None,
            )
            .await;
        assert_eq!(removed.status, StatusCode::NO_CONTENT, "{b}");

        let doc = env.api(Method::GET, "/openapi.json", None, None).await;
        let paths = &doc.json()["paths"];
        assert!(
            paths["/projects/{id}/attachments"]["post"]["requestBody"]["content"]
                ["multipart/form-data"]
                .is_object(),
            "{b}: the upload is documented"
        );
        assert!(paths["/projects/{id}/attachments/{aid}"]["get"].is_object());
    }
}

#[tokio::test]
async fn bodies_are_limited_by_kind() {
    for env in TestApp::each().await {
        let b = env.backend;
        let id = project(&env).await;
        let mut office = env.signed_in("office_a").await;
        let page = office.get("/work").await;
        let csrf = form_csrf(&page);
        // A declared body over the upload limit is refused before it is read.
        let request = Request::post(format!("/projects/{id}/attachments?_csrf={csrf}"))
            .header(
                header::CONTENT_TYPE,
                format!("multipart/form-data; boundary={}", crate::common::BOUNDARY),
            )
            .header(header::CONTENT_LENGTH, (22 * 1024 * 1024).to_string())
            .body(Body::empty())
            .unwrap();
        let reply = env.send(request).await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
        // Other bodies keep the ordinary limit (1 MiB).
        let big = "x".repeat(2 * 1024 * 1024);
        let reply = office
            .post_form("/account/password", &[("current", &big)])
            .await;
        assert_eq!(reply.status, StatusCode::PAYLOAD_TOO_LARGE, "{b}");
    }
}
