//! The application on every blob back end (the data directory and the real S3-compatible
//! server, see `scripts/s3-server`): a document uploaded through the pages comes back byte for
//! byte, a resident's photo reaches the store re-encoded, and a document whose file is gone is
//! a logged server error, never a panic or a leak of the file's key.

use crate::common::{TestApp, form_csrf, jpeg, multipart, report};
use axum::http::StatusCode;
use minxin_storage::kernel::blobs::{BlobStore, key_of};
use minxin_storage::testing::{TestProject, blob_stores};
use std::sync::Arc;

const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer << >>\n%%EOF\n";

#[tokio::test]
async fn documents_and_photos_go_to_the_configured_blob_store() {
    for blobs in blob_stores().await {
        let b = blobs.backend;
        let store = Arc::new(blobs.store.clone());
        let env = TestApp::builder().sqlite().await.with_blobs(store.clone());
        let id = env
            .project(TestProject::building(env.fx(), "东湖社区老年食堂", 30, 60))
            .await;

        let mut office = env.signed_in("office_a").await;
        let page = office.get(&format!("/projects/{id}/attachments")).await;
        let action = format!("/projects/{id}/attachments?_csrf={}", form_csrf(&page));
        let body = multipart(
            &[("kind", "approval"), ("return_to", "documents")],
            Some(("file", "立项批复.pdf", "application/pdf", PDF)),
        );
        let done = office.post_multipart(&action, body).await;
        assert_eq!(done.status, StatusCode::SEE_OTHER, "{b}: {}", done.body);
        let pdf = env.attachments(id).await.remove(0);
        assert_eq!(pdf.sha256, key_of(PDF), "{b}");
        assert!(
            store.exists(&pdf.sha256).await.unwrap(),
            "{b}: in the store"
        );
        let href = format!("/projects/{id}/attachments/{}", pdf.id);
        let file = office.get(&href).await;
        assert_eq!(file.status, StatusCode::OK, "{b}");
        assert_eq!(file.body.as_bytes(), PDF, "{b}");

        // A resident's photo is decoded and re-encoded before it is stored: what the store holds
        // is a JPEG, and not the bytes that were sent.
        env.bound_street_a().await;
        let photo = jpeg(64, 48);
        let mut browser = env.anonymous();
        let receipt = report(
            &mut browser,
            &[
                ("category", "road"),
                ("description", "人行道砖松动，老人容易绊倒"),
                ("lat", "30.5"),
                ("lon", "114.5"),
            ],
            &[("brick.jpg", &photo)],
        )
        .await;
        assert!(receipt.is_receipt(), "{b}: {}", receipt.body);
        let stored = store.list().await.unwrap();
        assert_eq!(stored.len(), 2, "{b}: the document and the photo");
        let photo_blob = stored.iter().find(|s| s.key != pdf.sha256).unwrap();
        assert_ne!(photo_blob.key, key_of(&photo), "{b}: re-encoded");
        let bytes = store.get(&photo_blob.key).await.unwrap().unwrap();
        assert!(bytes.starts_with(&[0xFF, 0xD8, 0xFF]), "{b}: a JPEG");

        // The file vanishes from the store: the download is a server error, nothing leaks.
        store.delete(&pdf.sha256).await.unwrap();
        let gone = office.get(&href).await;
        assert_eq!(gone.status, StatusCode::INTERNAL_SERVER_ERROR, "{b}");
        assert!(!gone.body.contains(&pdf.sha256), "{b}");
    }
}
