//! `minxin blobs copy` and the blob store's start-up checks on the real binary, to a directory
//! and, when `MINXIN_TEST_S3_URL` is set, to the real S3-compatible server: every file copied
//! once, skipped when run again, the count printed, and a store named by `blob_url` afterwards
//! serves the same files; a missing bucket or a wrong secret stops `serve` naming the setting.

use minxin_storage::kernel::blobs::{BlobStore, ObjectBlobStore, key_of};
use minxin_storage::testing::{blob_stores, s3_bucket};
use std::path::Path;
use std::process::{Command, Output};

/// `minxin ARGS` with its data directory `data` and blob store `blob_url` (unset: the data
/// directory's).
fn minxin(data: &Path, blob_url: Option<&str>, args: &[&str]) -> Output {
    let mut command = Command::new(env!("CARGO_BIN_EXE_minxin"));
    command
        .args(args)
        .current_dir(data.parent().expect("the data directory has a parent"))
        .env_remove("MINXIN_CONFIG")
        .env_remove("MINXIN_DATABASE_URL")
        .env("MINXIN_DATA_DIR", data)
        .env("MINXIN_LOG", "warn");
    match blob_url {
        Some(url) => command.env("MINXIN_BLOB_URL", url),
        None => command.env_remove("MINXIN_BLOB_URL"),
    };
    command.output().expect("cannot run the minxin binary")
}

fn text(output: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    )
}

#[tokio::test]
async fn a_copy_moves_every_file_once_and_the_target_then_serves_them() {
    let files: Vec<Vec<u8>> = (0..5u8).map(|i| vec![i; 500 + usize::from(i)]).collect();
    for target in blob_stores().await {
        let b = target.backend;
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let source = ObjectBlobStore::local(&data).unwrap();
        for bytes in &files {
            source.put(bytes).await.unwrap();
        }
        let to = target.url.to_string();
        let first = minxin(&data, None, &["blobs", "copy", "--to", &to]);
        let said = text(&first);
        assert!(first.status.success(), "{b}: {said}");
        assert!(said.contains("listed 5, copied 5"), "{b}: {said}");
        assert!(said.contains("found in the target 5"), "{b}: {said}");
        let again = minxin(&data, None, &["blobs", "copy", "--to", &to]);
        let said = text(&again);
        assert!(again.status.success(), "{b}: {said}");
        assert!(
            said.contains("copied 0 (0 bytes), skipped 5"),
            "{b}: {said}"
        );

        // With blob_url switched to the target, the files are read from there: copying them
        // into a fresh directory brings every one back, byte for byte.
        let back = dir.path().join("back");
        let url = format!("file://{}", back.display());
        let home = minxin(&data, Some(&to), &["blobs", "copy", "--to", &url]);
        assert!(home.status.success(), "{b}: {}", text(&home));
        let returned = ObjectBlobStore::directory(&back).unwrap();
        for bytes in &files {
            assert_eq!(
                returned.get(&key_of(bytes)).await.unwrap().as_ref(),
                Some(bytes),
                "{b}"
            );
        }
    }
}

#[test]
fn a_target_that_is_no_store_is_refused_naming_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let refused = minxin(&data, None, &["blobs", "copy", "--to", "bucket/prefix"]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("--to"), "{}", text(&refused));
    let itself = format!("file://{}", data.join("blobs").display());
    let refused = minxin(&data, None, &["blobs", "copy", "--to", &itself]);
    assert!(!refused.status.success());
    assert!(text(&refused).contains("itself"), "{}", text(&refused));
}

#[test]
fn serve_stops_at_start_up_on_a_missing_bucket_or_a_wrong_secret() {
    let Some(bucket) = s3_bucket() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let serve = |url: &str, secret: Option<&str>| {
        let mut command = Command::new(env!("CARGO_BIN_EXE_minxin"));
        command
            .arg("serve")
            .current_dir(dir.path())
            .env_remove("MINXIN_CONFIG")
            .env_remove("MINXIN_DATABASE_URL")
            .env("MINXIN_DATA_DIR", &data)
            .env("MINXIN_LISTEN", "127.0.0.1:0")
            .env("MINXIN_BLOB_URL", url)
            .env("MINXIN_LOG", "warn");
        if let Some(secret) = secret {
            command.env("AWS_SECRET_ACCESS_KEY", secret);
        }
        command.output().expect("cannot run the minxin binary")
    };
    let missing = serve("s3://minxin-no-such-bucket/blobs", None);
    assert!(!missing.status.success());
    assert!(text(&missing).contains("`blob_url`"), "{}", text(&missing));
    let wrong = serve(&bucket, Some("not-the-secret"));
    assert!(!wrong.status.success());
    assert!(
        text(&wrong).contains("`AWS_SECRET_ACCESS_KEY`"),
        "{}",
        text(&wrong)
    );
}
