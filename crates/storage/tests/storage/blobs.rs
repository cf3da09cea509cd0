//! The object-storage suite: every blob operation, the copy between stores and the start-up
//! checks, on the local file system and on the real S3-compatible server (`MINXIN_TEST_S3_URL`,
//! see `scripts/s3-server`).

use minxin_storage::StoreError;
use minxin_storage::kernel::blobs::{BlobStore, BlobUrl, StoredBlob, copy, key_of};
use minxin_storage::testing::{blob_stores, local_blobs, s3_bucket};
use object_store::aws::AmazonS3Builder;

#[tokio::test]
async fn blobs_are_put_read_listed_and_deleted_on_every_back_end() {
    for t in blob_stores().await {
        let (b, store) = (t.backend, &t.store);
        assert_eq!(store.list().await.unwrap(), [], "{b}: fresh");
        let key = store.put(b"%PDF-1.7 hello").await.unwrap();
        assert_eq!(key, key_of(b"%PDF-1.7 hello"), "{b}");
        assert_eq!(store.put(b"%PDF-1.7 hello").await.unwrap(), key, "{b}");
        let big = vec![7u8; 3 * 1024 * 1024];
        let big_key = store.put(&big).await.unwrap();
        assert!(store.exists(&key).await.unwrap(), "{b}");
        assert_eq!(
            store.get(&key).await.unwrap().as_deref(),
            Some(&b"%PDF-1.7 hello"[..]),
            "{b}"
        );
        assert_eq!(store.get(&big_key).await.unwrap(), Some(big), "{b}");
        let mut listed = store.list().await.unwrap();
        listed.sort_by_key(|blob| blob.size);
        assert_eq!(
            listed,
            [
                StoredBlob {
                    key: key.clone(),
                    size: 14
                },
                StoredBlob {
                    key: big_key.clone(),
                    size: 3 * 1024 * 1024
                }
            ],
            "{b}: each once"
        );
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert!(!store.exists(&key).await.unwrap(), "{b}");
        assert_eq!(store.list().await.unwrap().len(), 1, "{b}");
    }
}

#[tokio::test]
async fn a_missing_or_malformed_blob_is_none_or_an_error_never_a_panic() {
    for t in blob_stores().await {
        let (b, store) = (t.backend, &t.store);
        let absent = key_of(b"never stored");
        assert_eq!(store.get(&absent).await.unwrap(), None, "{b}");
        assert_eq!(store.size_of(&absent).await.unwrap(), None, "{b}");
        store.delete(&absent).await.unwrap();
        for bad in ["../../etc/passwd", "", &"A".repeat(64)] {
            assert!(
                matches!(store.get(bad).await, Err(StoreError::Blob(_))),
                "{b}: {bad}"
            );
        }
    }
}

#[tokio::test]
async fn a_copy_moves_every_blob_once_and_the_target_serves_them() {
    let contents: Vec<Vec<u8>> = (0..12u8).map(|i| vec![i; 1000 + usize::from(i)]).collect();
    for target in blob_stores().await {
        let source = local_blobs();
        for bytes in &contents {
            source.store.put(bytes).await.unwrap();
        }
        // A blob already there (from an interrupted copy) is skipped, not written again.
        target.store.put(&contents[0]).await.unwrap();
        let b = target.backend;
        let mut seen = Vec::new();
        let report = copy(&source.store, &target.store, |r| seen.push(*r))
            .await
            .unwrap();
        assert!(report.complete(), "{b}: {report:?}");
        assert_eq!(
            (report.listed, report.copied, report.skipped),
            (12, 11, 1),
            "{b}"
        );
        assert_eq!(
            seen.len(),
            13,
            "{b}: progress once per blob and once at the start"
        );
        let again = copy(&source.store, &target.store, |_| {}).await.unwrap();
        assert_eq!(
            (again.copied, again.skipped, again.verified),
            (0, 12, 12),
            "{b}"
        );

        // Switching to the target serves the same files.
        let reopened = target.url.open().await.unwrap();
        for bytes in &contents {
            assert_eq!(
                reopened.get(&key_of(bytes)).await.unwrap().as_ref(),
                Some(bytes),
                "{b}"
            );
        }
        // And back: the copy goes either way.
        let back = local_blobs();
        let report = copy(&reopened, &back.store, |_| {}).await.unwrap();
        assert_eq!((report.copied, report.verified), (12, 12), "{b}");
    }
}

#[tokio::test]
async fn start_up_names_the_setting_of_a_missing_bucket_or_wrong_credentials() {
    let Some(bucket) = s3_bucket() else {
        return;
    };
    let refused = |url: &str, s3: AmazonS3Builder| {
        let url = BlobUrl::parse(Some(url), ".".as_ref()).unwrap();
        async move {
            match url.open_with(s3).await {
                Err(StoreError::Config(message)) => message,
                other => panic!("expected a configuration error, got {other:?}"),
            }
        }
    };
    let message = refused("s3://minxin-no-such-bucket/x", AmazonS3Builder::from_env()).await;
    assert!(message.contains("`blob_url`"), "{message}");
    assert!(message.contains("minxin-no-such-bucket"), "{message}");
    let message = refused(
        &bucket,
        AmazonS3Builder::from_env().with_access_key_id("AKIAUNKNOWNKEY000000"),
    )
    .await;
    assert!(message.contains("`AWS_ACCESS_KEY_ID`"), "{message}");
    let message = refused(
        &bucket,
        AmazonS3Builder::from_env().with_secret_access_key("not-the-secret"),
    )
    .await;
    assert!(message.contains("`AWS_SECRET_ACCESS_KEY`"), "{message}");
    let message = refused(&bucket, AmazonS3Builder::from_env().with_allow_http(false)).await;
    assert!(message.contains("`AWS_ALLOW_HTTP`"), "{message}");
    assert!(
        BlobUrl::parse(Some(&bucket), ".".as_ref())
            .unwrap()
            .open()
            .await
            .is_ok()
    );
}
