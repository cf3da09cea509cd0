//! [`BlobUrl`]: where the blobs are kept, as the `blob_url` setting names it, and opening that
//! place with the start-up checks. An S3-compatible bucket takes its endpoint and credentials
//! from the standard `AWS_*` variables (`AmazonS3Builder::from_env`), so a deployment configures
//! it as it would any S3 client; a failed check names the setting to correct.

use super::ObjectBlobStore;
use crate::kernel::error::StoreError;
use object_store::aws::{AmazonS3Builder, AmazonS3ConfigKey};
use object_store::path::Path;
use object_store::{ClientConfigKey, RetryConfig};
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A place for blobs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BlobUrl {
    /// A directory holding the blobs' `ab/cd/…` tree (`file:///DIR`; by default
    /// `<data_dir>/blobs`).
    Directory(PathBuf),
    /// A bucket of an S3-compatible server, and the prefix the blobs go under
    /// (`s3://BUCKET/PREFIX`).
    S3 {
        /// The bucket's name.
        bucket: String,
        /// The prefix inside the bucket, without slashes at either end (may be empty).
        prefix: String,
    },
}

impl BlobUrl {
    /// The place `url` names (`s3://BUCKET/PREFIX` or `file:///DIR`), or, when it is unset or
    /// blank, `<data_dir>/blobs`. The error says what a valid value looks like.
    pub fn parse(url: Option<&str>, data_dir: &std::path::Path) -> Result<Self, String> {
        let Some(url) = url.map(str::trim).filter(|u| !u.is_empty()) else {
            return Ok(BlobUrl::Directory(data_dir.join("blobs")));
        };
        if let Some(rest) = url.strip_prefix("s3://") {
            let (bucket, prefix) = rest.split_once('/').unwrap_or((rest, ""));
            let prefix = prefix.trim_matches('/');
            let valid_bucket = (3..=63).contains(&bucket.len())
                && bucket
                    .bytes()
                    .all(|b| matches!(b, b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.'));
            if !valid_bucket {
                return Err(format!(
                    "`{url}` does not name a bucket: s3://BUCKET/PREFIX, BUCKET of 3 to 63 \
                     lower-case letters, digits, dots and hyphens"
                ));
            }
            Path::parse(prefix).map_err(|e| format!("`{url}`: the prefix is not usable: {e}"))?;
            return Ok(BlobUrl::S3 {
                bucket: bucket.to_owned(),
                prefix: prefix.to_owned(),
            });
        }
        match url.strip_prefix("file://") {
            Some(dir) if dir.starts_with('/') => Ok(BlobUrl::Directory(PathBuf::from(dir))),
            _ => Err(format!(
                "`{url}` is neither s3://BUCKET/PREFIX nor file:///ABSOLUTE/DIRECTORY"
            )),
        }
    }

    /// Opens the place and checks that it answers, with endpoint and credentials from the
    /// `AWS_*` environment variables. Errors are [`StoreError::Config`] naming the setting at
    /// fault.
    pub async fn open(&self) -> Result<ObjectBlobStore, StoreError> {
        self.open_with(AmazonS3Builder::from_env()).await
    }

    /// [`Self::open`] with an S3 client configured by `s3` (tests pass other credentials).
    pub async fn open_with(&self, s3: AmazonS3Builder) -> Result<ObjectBlobStore, StoreError> {
        let (bucket, prefix) = match self {
            BlobUrl::Directory(dir) => return ObjectBlobStore::directory(dir),
            BlobUrl::S3 { bucket, prefix } => (bucket, prefix),
        };
        // TLS to the server uses the ring provider already in the tree (sqlx's rustls); the
        // first caller installs it, later calls find it there.
        let _ = rustls::crypto::ring::default_provider().install_default();
        // A few quick retries: an unreachable endpoint is reported within seconds, not minutes.
        let retry = RetryConfig {
            max_retries: 3,
            retry_timeout: Duration::from_secs(20),
            ..RetryConfig::default()
        };
        let endpoint = s3.get_config_value(&AmazonS3ConfigKey::Endpoint);
        let allow_http =
            s3.get_config_value(&AmazonS3ConfigKey::Client(ClientConfigKey::AllowHttp));
        if endpoint
            .as_deref()
            .is_some_and(|e| e.starts_with("http://"))
            && !allow_http.is_some_and(|a| a.eq_ignore_ascii_case("true"))
        {
            return Err(StoreError::Config(
                "`AWS_ALLOW_HTTP`: `AWS_ENDPOINT_URL` is http://, which is refused unless \
                 AWS_ALLOW_HTTP=true (use it only inside a trusted network)"
                    .into(),
            ));
        }
        let store = s3
            .with_bucket_name(bucket)
            .with_retry(retry)
            .build()
            .map_err(|e| StoreError::Config(format!("`blob_url` s3://{bucket}: {e}")))?;
        let label = self.to_string();
        let prefix = Path::parse(prefix).map_err(|e| StoreError::Config(e.to_string()))?;
        let blobs = ObjectBlobStore::new(Arc::new(store), prefix, label);
        blobs
            .probe()
            .await
            .map_err(|e| StoreError::Config(explain(bucket, &e)))?;
        Ok(blobs)
    }
}

impl std::fmt::Display for BlobUrl {
    /// The place as `blob_url` would name it.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            BlobUrl::Directory(dir) => write!(f, "file://{}", dir.display()),
            BlobUrl::S3 { bucket, prefix } if prefix.is_empty() => write!(f, "s3://{bucket}"),
            BlobUrl::S3 { bucket, prefix } => write!(f, "s3://{bucket}/{prefix}"),
        }
    }
}

/// What an operator should correct when the bucket's first listing failed.
fn explain(bucket: &str, e: &object_store::Error) -> String {
    let text = format!("{e:?} {e}");
    let said = |codes: &[&str]| codes.iter().any(|c| text.contains(c));
    if said(&["NoSuchBucket"]) || matches!(e, object_store::Error::NotFound { .. }) {
        format!("`blob_url`: bucket `{bucket}` does not exist on the S3 server ({e})")
    } else if said(&["InvalidAccessKeyId"]) {
        format!("`AWS_ACCESS_KEY_ID`: the S3 server does not know this access key ({e})")
    } else if said(&["SignatureDoesNotMatch"]) {
        format!(
            "`AWS_SECRET_ACCESS_KEY`: the S3 server refused the signature, the secret key is wrong ({e})"
        )
    } else if said(&["AccessDenied", "403"]) {
        format!(
            "`AWS_ACCESS_KEY_ID` / `AWS_SECRET_ACCESS_KEY`: access to bucket `{bucket}` is denied ({e})"
        )
    } else if said(&["HTTP scheme is not allowed", "URL scheme is not allowed"]) {
        format!(
            "`AWS_ALLOW_HTTP`: the endpoint is http://, set AWS_ALLOW_HTTP=true to allow it ({e})"
        )
    } else {
        format!(
            "`blob_url` s3://{bucket}: the S3 server did not answer; check `AWS_ENDPOINT_URL` and `AWS_REGION` ({e})"
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls_name_a_directory_or_a_bucket_and_prefix() {
        let data = std::path::Path::new("/srv/minxin");
        assert_eq!(
            BlobUrl::parse(None, data).unwrap(),
            BlobUrl::Directory(data.join("blobs"))
        );
        assert_eq!(
            BlobUrl::parse(Some("  "), data).unwrap(),
            BlobUrl::Directory(data.join("blobs"))
        );
        assert_eq!(
            BlobUrl::parse(Some("s3://minxin-files/prod/blobs/"), data).unwrap(),
            BlobUrl::S3 {
                bucket: "minxin-files".into(),
                prefix: "prod/blobs".into()
            }
        );
        assert_eq!(
            BlobUrl::parse(Some("s3://minxin-files"), data).unwrap(),
            BlobUrl::S3 {
                bucket: "minxin-files".into(),
                prefix: String::new()
            }
        );
        assert_eq!(
            BlobUrl::parse(Some("file:///mnt/blobs"), data).unwrap(),
            BlobUrl::Directory("/mnt/blobs".into())
        );
        for bad in [
            "s3://",
            "s3://Upper/x",
            "ftp://x",
            "file://relative",
            "/plain/path",
        ] {
            assert!(BlobUrl::parse(Some(bad), data).is_err(), "{bad}");
        }
    }
}
