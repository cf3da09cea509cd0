//! What photo uploads may cost (issue 15 finding 6), on both databases: the photos of one
//! submission are refused together when they would decode to more than the pixel budget, before
//! any is decoded; and when every decode slot is taken the submission is answered 503 with
//! `Retry-After`, nothing stored, and goes through once a slot is free.

use crate::common::{TestApp, jpeg, report, send};
use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode, header};
use axum::routing::get;
use image::{DynamicImage, GrayImage, ImageFormat};
use minxin_media::budget::MAX_SUBMISSION_MEGAPIXELS;
use minxin_storage::testing::query_raw;
use minxin_web::kernel::error::{Failure, render_api_failures, render_page_failures};
use std::io::Cursor;
use std::time::{Duration, Instant};

/// A black greyscale PNG of `side` × `side` pixels: a few hundred kilobytes on the wire, up to
/// 40 megapixels once decoded.
fn flat_png(side: u32) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageLuma8(GrayImage::new(side, side))
        .write_to(&mut out, ImageFormat::Png)
        .unwrap();
    out.into_inner()
}

const FIELDS: &[(&str, &str)] = &[
    ("category", "lighting"),
    ("description", "东湖路路灯不亮"),
    ("lat", "30.5"),
    ("lon", "114.5"),
    ("anonymous", "1"),
];

async fn stored(env: &TestApp) -> i64 {
    query_raw::<(i64,)>(&env.fx().store, "SELECT COUNT(*) FROM service_requests")
        .await
        .unwrap()[0]
        .0
}

/// An app whose photos are decoded one submission at a time, waiting briefly for the slot; and
/// that slot's owner, so a test can hold it.
async fn one_slot_envs() -> Vec<(
    TestApp,
    std::sync::Arc<minxin_web::kernel::decode_slots::DecodeSlots>,
)> {
    let mut out = Vec::new();
    let apps = TestApp::builder().config(|c| {
        c.photo_decodes = 1;
        c.photo_decode_wait = Duration::from_millis(50);
    });
    for env in apps.each().await {
        let decodes = env.state.decodes.clone();
        out.push((env, decodes));
    }
    out
}

#[tokio::test]
async fn nine_photos_at_the_per_image_cap_are_refused_together_before_decoding() {
    let big = flat_png(6_300);
    assert!(big.len() < 1024 * 1024, "{} bytes", big.len());
    let photos: Vec<(&str, &[u8])> = (0..9).map(|_| ("big.png", big.as_slice())).collect();
    for (env, _) in one_slot_envs().await {
        let b = env.backend;
        let started = Instant::now();
        let reply = report(&mut env.anonymous(), FIELDS, &photos).await;
        let took = started.elapsed();
        assert!(
            reply.body.contains(&format!(
                "一次提交最多 {MAX_SUBMISSION_MEGAPIXELS} 百万像素"
            )),
            "{b}: {}",
            reply.body
        );
        assert!(reply.body.contains("合计约 358 百万像素"), "{b}");
        assert!(!reply.body.contains("id=\"receipt-code\""), "{b}");
        assert_eq!(stored(&env).await, 0, "{b}");
        assert!(
            took < Duration::from_secs(3),
            "{b}: refused without decoding, yet took {took:?}"
        );
    }
}

#[tokio::test]
async fn a_submission_finding_no_decode_slot_is_answered_503_with_retry_after() {
    let photo = jpeg(64, 48);
    for (env, decodes) in one_slot_envs().await {
        let b = env.backend;
        let held = decodes.acquire().await.unwrap();
        let mut browser = env.anonymous();
        let busy = report(&mut browser, FIELDS, &[("lamp.jpg", &photo)]).await;
        assert_eq!(busy.status, StatusCode::SERVICE_UNAVAILABLE, "{b}");
        assert_eq!(busy.headers[header::RETRY_AFTER], "5", "{b}");
        assert!(busy.body.contains("服务器正忙"), "{b}: {}", busy.body);
        assert_eq!(stored(&env).await, 0, "{b}");

        // Without photos nothing is decoded, so nothing waits.
        let plain = report(&mut browser, FIELDS, &[]).await;
        assert!(plain.is_receipt(), "{b}");

        drop(held);
        let through = report(&mut browser, FIELDS, &[("lamp.jpg", &photo)]).await;
        assert!(through.is_receipt(), "{b}: {}", through.body);
        assert_eq!(stored(&env).await, 2, "{b}");
    }
}

#[tokio::test]
async fn retry_after_survives_the_page_and_the_api_renderers() {
    let busy = || async { Failure::busy(5) };
    let routes = Router::new()
        .route("/page", get(busy))
        .layer(axum::middleware::from_fn(render_page_failures))
        .merge(
            Router::new()
                .route("/api", get(busy))
                .layer(axum::middleware::from_fn(render_api_failures)),
        );
    for (path, body) in [("/page", "服务器正忙"), ("/api", "\"code\":\"busy\"")] {
        let reply = send(&routes, Request::get(path).body(Body::empty()).unwrap()).await;
        assert_eq!(reply.status, StatusCode::SERVICE_UNAVAILABLE, "{path}");
        assert_eq!(reply.headers[header::RETRY_AFTER], "5", "{path}");
        assert!(reply.body.contains(body), "{path}: {}", reply.body);
    }
}
