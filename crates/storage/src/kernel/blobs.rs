//! Where the content of attached documents lives: a content-addressed store of immutable blobs,
//! each named by the SHA-256 of its bytes (lower-case hex), so identical files are stored once
//! and a key always means the same content. The database keeps only the key (`attachments.sha256`)
//! and the metadata.
//!
//! [`BlobStore`] is the interface, object-safe so the application can hold an
//! `Arc<dyn BlobStore>`; [`LocalBlobStore`] keeps blobs on disk under the data directory. An
//! S3-compatible store implements the same four methods with the key as the object name (see
//! `ARCHITECTURE.md`, "Attachments").

use crate::kernel::error::StoreError;
use sha2::{Digest, Sha256};
use std::fmt::Debug;
use std::future::Future;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::pin::Pin;

/// The future a [`BlobStore`] method returns (boxed, so the trait stays object-safe).
pub type BlobFuture<'a, T> = Pin<Box<dyn Future<Output = Result<T, StoreError>> + Send + 'a>>;

/// A content-addressed store of immutable blobs.
pub trait BlobStore: Send + Sync + Debug {
    /// Stores `bytes` unless a blob with the same content exists, and returns its key, the
    /// SHA-256 of `bytes` in lower-case hex. After it returns, the blob is durable and readable
    /// in full under that key; a failure leaves no partial blob behind.
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BlobFuture<'a, String>;

    /// The content stored under `key`, or `None` if there is none. A store may check the
    /// content against the key and report a mismatch as [`StoreError::Blob`].
    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Option<Vec<u8>>>;

    /// Whether a blob is stored under `key`.
    fn exists<'a>(&'a self, key: &'a str) -> BlobFuture<'a, bool>;

    /// Removes the blob under `key` if there is one. Callers must make sure no record still
    /// refers to it (the application keeps blobs of removed attachments, see
    /// [`crate::projects`]; a later clean-up may sweep unreferenced ones).
    fn delete<'a>(&'a self, key: &'a str) -> BlobFuture<'a, ()>;
}

/// The key of `bytes`: their SHA-256 in lower-case hex.
pub fn key_of(bytes: &[u8]) -> String {
    hex::encode(Sha256::digest(bytes))
}

/// Whether `key` has the form of a key (64 lower-case hex digits), so it can never name a path
/// outside the store.
pub fn is_key(key: &str) -> bool {
    key.len() == 64 && key.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// Blobs as files under a directory: `<root>/ab/cd/abcd…` for key `abcd…`, written to a
/// temporary file in the same directory, flushed to disk and renamed into place, so a blob is
/// either absent or complete.
#[derive(Debug, Clone)]
pub struct LocalBlobStore {
    root: PathBuf,
}

impl LocalBlobStore {
    /// The store under `<data_dir>/blobs` (created when the first blob is written).
    pub fn new(data_dir: &Path) -> Self {
        Self {
            root: data_dir.join("blobs"),
        }
    }

    /// The directory holding the blobs.
    pub fn root(&self) -> &Path {
        &self.root
    }

    /// The file of `key`, or an error for a malformed key.
    pub fn path_of(&self, key: &str) -> Result<PathBuf, StoreError> {
        if !is_key(key) {
            return Err(StoreError::Blob(format!("malformed blob key `{key}`")));
        }
        Ok(self.root.join(&key[0..2]).join(&key[2..4]).join(key))
    }
}

fn io_error(what: &str, path: &Path, e: std::io::Error) -> StoreError {
    StoreError::Blob(format!("cannot {what} {}: {e}", path.display()))
}

/// Runs blocking file work off the async threads.
async fn blocking<T: Send + 'static>(
    work: impl FnOnce() -> Result<T, StoreError> + Send + 'static,
) -> Result<T, StoreError> {
    tokio::task::spawn_blocking(work)
        .await
        .map_err(|e| StoreError::Blob(format!("file task failed: {e}")))?
}

/// Writes `bytes` to `path` atomically: a fresh temporary file beside it, flushed, renamed.
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), StoreError> {
    let dir = path
        .parent()
        .ok_or_else(|| StoreError::Blob(format!("no directory for {}", path.display())))?;
    std::fs::create_dir_all(dir).map_err(|e| io_error("create", dir, e))?;
    let mut suffix = [0u8; 8];
    rand::fill(&mut suffix);
    let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("blob");
    let temp = dir.join(format!(".{name}.{}.tmp", hex::encode(suffix)));
    let written = (|| {
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .open(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
        drop(file);
        std::fs::rename(&temp, path)
    })();
    if let Err(e) = written {
        let _ = std::fs::remove_file(&temp);
        return Err(io_error("write", path, e));
    }
    // Make the rename itself durable; not every platform can open a directory, so best effort.
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
    Ok(())
}

impl BlobStore for LocalBlobStore {
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BlobFuture<'a, String> {
        let owned = bytes.to_vec();
        let store = self.clone();
        Box::pin(blocking(move || {
            let key = key_of(&owned);
            let path = store.path_of(&key)?;
            let present = std::fs::metadata(&path)
                .is_ok_and(|m| m.is_file() && m.len() == owned.len() as u64);
            if !present {
                write_atomically(&path, &owned)?;
            }
            Ok(key)
        }))
    }

    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Option<Vec<u8>>> {
        let path = self.path_of(key);
        let key = key.to_owned();
        Box::pin(blocking(move || {
            let path = path?;
            let bytes = match std::fs::read(&path) {
                Ok(bytes) => bytes,
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
                Err(e) => return Err(io_error("read", &path, e)),
            };
            if key_of(&bytes) != key {
                return Err(StoreError::Blob(format!(
                    "{} does not match its key",
                    path.display()
                )));
            }
            Ok(Some(bytes))
        }))
    }

    fn exists<'a>(&'a self, key: &'a str) -> BlobFuture<'a, bool> {
        let path = self.path_of(key);
        Box::pin(blocking(move || Ok(path?.is_file())))
    }

    fn delete<'a>(&'a self, key: &'a str) -> BlobFuture<'a, ()> {
        let path = self.path_of(key);
        Box::pin(blocking(move || {
            let path = path?;
            match std::fs::remove_file(&path) {
                Ok(()) => Ok(()),
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
                Err(e) => Err(io_error("remove", &path, e)),
            }
        }))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Arc;

    #[tokio::test]
    async fn blobs_are_content_addressed_atomic_and_deduplicated() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn BlobStore> = Arc::new(LocalBlobStore::new(dir.path()));
        let key = store.put(b"%PDF-1.7 hello").await.unwrap();
        assert_eq!(key, key_of(b"%PDF-1.7 hello"));
        assert!(is_key(&key));
        let path = dir
            .path()
            .join("blobs")
            .join(&key[..2])
            .join(&key[2..4])
            .join(&key);
        assert!(path.is_file());
        assert_eq!(store.put(b"%PDF-1.7 hello").await.unwrap(), key);
        let files: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(files.len(), 1, "stored once, no temporary files left");
        assert!(store.exists(&key).await.unwrap());
        assert_eq!(
            store.get(&key).await.unwrap().as_deref(),
            Some(&b"%PDF-1.7 hello"[..])
        );
        store.delete(&key).await.unwrap();
        store.delete(&key).await.unwrap();
        assert!(!store.exists(&key).await.unwrap());
        assert_eq!(store.get(&key).await.unwrap(), None);
    }

    #[tokio::test]
    async fn keys_cannot_escape_and_corruption_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let store = LocalBlobStore::new(dir.path());
        for bad in ["../../etc/passwd", "", &"A".repeat(64), &"0".repeat(63)] {
            assert!(store.get(bad).await.is_err(), "{bad}");
            assert!(store.exists(bad).await.is_err(), "{bad}");
        }
        let key = store.put(b"original").await.unwrap();
        std::fs::write(store.path_of(&key).unwrap(), b"tampered").unwrap();
        assert!(matches!(store.get(&key).await, Err(StoreError::Blob(_))));
    }
}
