//! Blob stores under test: the local file system always, and a bucket of a real S3-compatible
//! server when [`S3_URL_VAR`] names one (`scripts/s3-server` starts moto and sets it with the
//! `AWS_*` variables). When `CI` is set the bucket is mandatory, so CI can never pass while
//! silently skipping object storage.

use crate::kernel::blobs::{BlobUrl, ObjectBlobStore};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{SystemTime, UNIX_EPOCH};

/// The environment variable naming the test bucket, `s3://BUCKET`.
pub const S3_URL_VAR: &str = "MINXIN_TEST_S3_URL";

/// One blob store under test.
#[derive(Debug)]
pub struct TestBlobs {
    /// Which back end, for assertion messages: `local` or `s3`.
    pub backend: &'static str,
    /// Where the store is, as `blob_url` would name it.
    pub url: BlobUrl,
    /// The store, empty when handed out.
    pub store: ObjectBlobStore,
    _dir: Option<tempfile::TempDir>,
}

/// Fresh, empty blob stores: `local` (a temporary data directory) always, then `s3` (a prefix
/// of its own in the test bucket) when [`S3_URL_VAR`] is set.
///
/// # Panics
///
/// When a store cannot be opened, and when `CI` is set but [`S3_URL_VAR`] is not.
pub async fn blob_stores() -> Vec<TestBlobs> {
    let mut out = vec![local_blobs()];
    if let Some(url) = s3_bucket() {
        out.push(s3(&url).await);
    }
    out
}

/// A fresh local store in a temporary data directory.
///
/// # Panics
///
/// When the directory cannot be made.
pub fn local_blobs() -> TestBlobs {
    let dir = tempfile::tempdir().expect("a temporary data directory");
    let url = BlobUrl::Directory(dir.path().join("blobs"));
    TestBlobs {
        backend: "local",
        store: ObjectBlobStore::local(dir.path()).expect("the local store opens"),
        url,
        _dir: Some(dir),
    }
}

/// The test bucket's URL (`s3://BUCKET`), if the environment names one.
///
/// # Panics
///
/// When `CI` is set and it does not.
pub fn s3_bucket() -> Option<String> {
    let url = std::env::var(S3_URL_VAR)
        .ok()
        .filter(|u| !u.trim().is_empty());
    if url.is_none() && super::in_ci() {
        panic!(
            "CI is set but {S3_URL_VAR} is not: the object-storage tests must run on the \
             S3-compatible server in CI. Start it with `scripts/s3-server start ENVFILE` and \
             source ENVFILE"
        );
    }
    url.map(|u| u.trim().trim_end_matches('/').to_owned())
}

async fn s3(bucket_url: &str) -> TestBlobs {
    static NEXT: AtomicU64 = AtomicU64::new(0);
    let nanos = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let prefix = format!(
        "t-{}-{nanos}-{}",
        std::process::id(),
        NEXT.fetch_add(1, Ordering::SeqCst)
    );
    let url = BlobUrl::parse(Some(&format!("{bucket_url}/{prefix}")), ".".as_ref())
        .unwrap_or_else(|e| panic!("{S3_URL_VAR}: {e}"));
    let store = url
        .open()
        .await
        .unwrap_or_else(|e| panic!("the test bucket opens: {e}"));
    TestBlobs {
        backend: "s3",
        url,
        store,
        _dir: None,
    }
}

/// A local blob store in a fresh temporary directory, for the tests that store photos or
/// documents on one back end only; the directory (the first value) is removed when it is
/// dropped, so keep it alive as long as the store is used.
///
/// # Panics
///
/// When the directory cannot be made.
pub fn blob_dir() -> (tempfile::TempDir, ObjectBlobStore) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let blobs = ObjectBlobStore::local(dir.path()).expect("the local store opens");
    (dir, blobs)
}
