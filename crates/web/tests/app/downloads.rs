//! Every download, under every content coding a client may ask for (issue 15 finding 4): the
//! OC4IDS package (streamed), the public CSV and xlsx, the markers, the staff export, the audit
//! CSV, a bulletin as xlsx and docx and the signboard ZIP, on the demo district (so the package
//! is well past the 64 KB at which a compressed stream used to break off). Each must arrive
//! whole and parse.

use crate::common::{Client, TestApp};
use axum::http::{StatusCode, header};
use minxin_domain::control::bulletin::snapshot_month;
use minxin_storage::testing::today;
use std::io::{Cursor, Read};

const PASSWORD: &str = "Demo#2026x";

/// What a download must parse as.
#[derive(Debug, Clone, Copy)]
enum Kind {
    Json,
    Csv,
    Xlsx,
    Zip,
}

/// The codings asked for; the server answers with one it supports, or none.
const CODINGS: [&str; 5] = ["identity", "gzip", "br", "zstd", "deflate"];

/// `body` decoded from the coding the answer names.
fn decoded(coding: Option<&str>, body: Vec<u8>) -> Vec<u8> {
    let mut out = Vec::new();
    match coding {
        None | Some("identity") => return body,
        Some("gzip") => flate2::read::GzDecoder::new(&body[..]).read_to_end(&mut out),
        Some("deflate") => flate2::read::ZlibDecoder::new(&body[..]).read_to_end(&mut out),
        Some(other) => panic!("a coding the test cannot read: {other}"),
    }
    .expect("the coded body decodes");
    out
}

/// Checks that `bytes` parse as `kind`; returns how many records they hold.
fn parsed(kind: Kind, bytes: &[u8], what: &str) -> usize {
    match kind {
        Kind::Json => {
            let value: serde_json::Value =
                serde_json::from_slice(bytes).unwrap_or_else(|e| panic!("{what}: {e}"));
            value["projects"]
                .as_array()
                .or(value["markers"].as_array())
                .map_or(1, Vec::len)
        }
        Kind::Csv => {
            let mut rows = 0;
            for record in csv::Reader::from_reader(bytes).records() {
                record.unwrap_or_else(|e| panic!("{what}: {e}"));
                rows += 1;
            }
            rows
        }
        Kind::Xlsx => {
            use calamine::Reader;
            let mut book: calamine::Xlsx<_> = calamine::open_workbook_from_rs(Cursor::new(bytes))
                .unwrap_or_else(|e| panic!("{what}: {e}"));
            let sheets = book.sheet_names();
            sheets
                .iter()
                .map(|s| book.worksheet_range(s).unwrap().rows().count())
                .sum()
        }
        Kind::Zip => {
            let mut archive =
                zip::ZipArchive::new(Cursor::new(bytes)).unwrap_or_else(|e| panic!("{what}: {e}"));
            for i in 0..archive.len() {
                let mut file = archive.by_index(i).unwrap();
                std::io::copy(&mut file, &mut std::io::sink())
                    .unwrap_or_else(|e| panic!("{what}: entry {i}: {e}"));
            }
            archive.len()
        }
    }
}

/// Fetches `path` as `browser` under every coding and checks each answer: it parses, and when
/// the file is `fixed` (no time of writing inside, nothing added by reading it) it is the same
/// bytes as the uncoded answer. Returns the uncoded size.
async fn every_coding(
    browser: &Client<'_>,
    (path, kind, fixed): (&str, Kind, bool),
    b: &str,
) -> usize {
    let (status, _, plain) = browser.download_encoded(path, "identity").await;
    assert_eq!(status, StatusCode::OK, "{b} {path}");
    let records = parsed(kind, &plain, &format!("{b} {path}"));
    assert!(records > 0, "{b} {path}: empty");
    for coding in CODINGS {
        let what = format!("{b} {path} ({coding})");
        let (status, headers, body) = browser.download_encoded(path, coding).await;
        assert_eq!(status, StatusCode::OK, "{what}");
        let sent = headers
            .get(header::CONTENT_ENCODING)
            .map(|v| v.to_str().unwrap().to_owned());
        let body = decoded(sent.as_deref(), body);
        let found = parsed(kind, &body, &what);
        if fixed {
            assert_eq!(body.len(), plain.len(), "{what}: cut off or padded");
            assert!(body == plain, "{what}: not the same bytes");
            assert_eq!(found, records, "{what}");
        } else {
            assert!(found > 0, "{what}: empty");
        }
    }
    plain.len()
}

#[tokio::test]
async fn every_download_arrives_whole_under_every_coding() {
    for env in TestApp::builder().demo(PASSWORD, today()).each().await {
        let b = env.backend;
        let anonymous = env.anonymous();
        let mut office = env.signed_in("office").await;
        let auditor = env.signed_in("auditor").await;

        let month = snapshot_month(today()).unwrap().to_string();
        office.get("/bulletins").await;
        let taken = office.post_form("/bulletins", &[("period", &month)]).await;
        assert_eq!(taken.status, StatusCode::SEE_OTHER, "{b}: {}", taken.body);

        let package = ("/open-data/oc4ids.json", Kind::Json, true);
        let size = every_coding(&anonymous, package, b).await;
        assert!(
            size > 65_536,
            "{b}: the package is {size} bytes, too small to tell"
        );
        let downloads: [(&Client<'_>, String, Kind, bool); 8] = [
            (
                &anonymous,
                "/open-data/projects.csv".into(),
                Kind::Csv,
                true,
            ),
            (
                &anonymous,
                "/open-data/projects.xlsx".into(),
                Kind::Xlsx,
                false,
            ),
            (
                &anonymous,
                "/map/markers.json?bbox=73,18,135,54".into(),
                Kind::Json,
                true,
            ),
            (&office, "/projects/export.xlsx".into(), Kind::Xlsx, false),
            (&auditor, "/audit.csv".into(), Kind::Csv, false),
            (
                &office,
                format!("/bulletins/{month}.xlsx"),
                Kind::Xlsx,
                false,
            ),
            (
                &office,
                format!("/bulletins/{month}.docx"),
                Kind::Zip,
                false,
            ),
            (
                &office,
                "/signboards.zip?year=2026".into(),
                Kind::Zip,
                false,
            ),
        ];
        for (browser, path, kind, fixed) in downloads {
            every_coding(browser, (&path, kind, fixed), b).await;
        }
    }
}
