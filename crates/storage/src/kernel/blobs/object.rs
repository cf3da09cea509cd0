//! [`ObjectBlobStore`]: the blob store over the `object_store` crate, so the local file system
//! and S3-compatible buckets are one code path. A blob lives at `<prefix>/ab/cd/abcd…` for key
//! `abcd…`, the layout `<data_dir>/blobs` has always had, so existing data directories read
//! unchanged and a copied bucket holds the same names.

use super::{BlobFuture, BlobStore, is_key, key_of};
use crate::kernel::error::StoreError;
use futures_util::StreamExt;
use object_store::local::LocalFileSystem;
use object_store::path::Path;
use object_store::{ObjectStore, ObjectStoreExt, PutPayload};
use std::sync::Arc;

/// Blobs in an object store under a prefix. Writes are atomic on every back end (a local file is
/// staged beside its place, flushed and renamed; an S3 object appears whole), reads check the
/// content against the key, and all file work runs off the async threads.
#[derive(Debug, Clone)]
pub struct ObjectBlobStore {
    store: Arc<dyn ObjectStore>,
    prefix: Path,
    label: String,
}

/// One blob as a listing shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredBlob {
    /// Its key, the SHA-256 of its content.
    pub key: String,
    /// Its size in bytes.
    pub size: u64,
}

impl ObjectBlobStore {
    /// The store under `<data_dir>/blobs` on the local file system, the default.
    pub fn local(data_dir: &std::path::Path) -> Result<Self, StoreError> {
        Self::directory(&data_dir.join("blobs"))
    }

    /// The store whose `ab/cd/…` tree is `root` (created here, since the file system back end
    /// is rooted at an existing directory).
    pub fn directory(root: &std::path::Path) -> Result<Self, StoreError> {
        std::fs::create_dir_all(root)
            .map_err(|e| StoreError::Blob(format!("cannot create {}: {e}", root.display())))?;
        let files = LocalFileSystem::new_with_prefix(root)
            .map_err(|e| StoreError::Blob(format!("cannot open {}: {e}", root.display())))?
            .with_fsync(true);
        Ok(Self::new(
            Arc::new(files),
            Path::default(),
            root.display().to_string(),
        ))
    }

    /// Blobs under `prefix` in `store`; `label` names the place in messages.
    pub(crate) fn new(store: Arc<dyn ObjectStore>, prefix: Path, label: String) -> Self {
        Self {
            store,
            prefix,
            label,
        }
    }

    /// Where the blobs are, for messages (a directory, or `s3://bucket/prefix`).
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The object of `key`, or an error for a malformed key.
    fn location(&self, key: &str) -> Result<Path, StoreError> {
        if !is_key(key) {
            return Err(StoreError::Blob(format!("malformed blob key `{key}`")));
        }
        Ok(self
            .prefix
            .clone()
            .join(&key[0..2])
            .join(&key[2..4])
            .join(key))
    }

    fn failed(&self, what: &str, e: object_store::Error) -> StoreError {
        StoreError::Blob(format!("cannot {what} in {}: {e}", self.label))
    }

    /// The size of the blob under `key`, or `None` if there is none.
    pub async fn size_of(&self, key: &str) -> Result<Option<u64>, StoreError> {
        match self.store.head(&self.location(key)?).await {
            Ok(meta) => Ok(Some(meta.size)),
            Err(object_store::Error::NotFound { .. }) => Ok(None),
            Err(e) => Err(self.failed("look up a blob", e)),
        }
    }

    /// Every blob in the store, in no particular order. Other files (such as a writer's staging
    /// file) are left out.
    pub async fn list(&self) -> Result<Vec<StoredBlob>, StoreError> {
        let mut listing = self.store.list(Some(&self.prefix));
        let mut blobs = Vec::new();
        while let Some(entry) = listing.next().await {
            let meta = match entry {
                Ok(meta) => meta,
                Err(object_store::Error::InvalidPath { .. }) => continue,
                Err(e) => return Err(self.failed("list the blobs", e)),
            };
            let key = meta.location.filename().unwrap_or_default();
            if is_key(key) && self.location(key).is_ok_and(|l| l == meta.location) {
                blobs.push(StoredBlob {
                    key: key.to_owned(),
                    size: meta.size,
                });
            }
        }
        Ok(blobs)
    }

    /// Lists the prefix once, so that a missing bucket, a refused credential or an unreachable
    /// endpoint shows at start-up rather than at the first upload.
    pub(crate) async fn probe(&self) -> Result<(), object_store::Error> {
        self.store
            .list_with_delimiter(Some(&self.prefix))
            .await
            .map(drop)
    }
}

/// Hashes off the async threads: a photo or a document of several megabytes takes milliseconds.
async fn digest(bytes: Vec<u8>) -> Result<(String, Vec<u8>), StoreError> {
    tokio::task::spawn_blocking(move || (key_of(&bytes), bytes))
        .await
        .map_err(|e| StoreError::Blob(format!("hashing task failed: {e}")))
}

impl BlobStore for ObjectBlobStore {
    fn put<'a>(&'a self, bytes: &'a [u8]) -> BlobFuture<'a, String> {
        Box::pin(async move {
            let (key, bytes) = digest(bytes.to_vec()).await?;
            let size = bytes.len() as u64;
            if self.size_of(&key).await? != Some(size) {
                let location = self.location(&key)?;
                self.store
                    .put(&location, PutPayload::from(bytes))
                    .await
                    .map_err(|e| self.failed("store a blob", e))?;
            }
            Ok(key)
        })
    }

    fn get<'a>(&'a self, key: &'a str) -> BlobFuture<'a, Option<Vec<u8>>> {
        Box::pin(async move {
            let location = self.location(key)?;
            let found = match self.store.get(&location).await {
                Ok(found) => found,
                Err(object_store::Error::NotFound { .. }) => return Ok(None),
                Err(e) => return Err(self.failed("read a blob", e)),
            };
            let bytes = found
                .bytes()
                .await
                .map_err(|e| self.failed("read a blob", e))?;
            let (actual, bytes) = digest(bytes.to_vec()).await?;
            if actual != key {
                return Err(StoreError::Blob(format!(
                    "{location} in {} does not match its key",
                    self.label
                )));
            }
            Ok(Some(bytes))
        })
    }

    fn exists<'a>(&'a self, key: &'a str) -> BlobFuture<'a, bool> {
        Box::pin(async move { Ok(self.size_of(key).await?.is_some()) })
    }

    fn delete<'a>(&'a self, key: &'a str) -> BlobFuture<'a, ()> {
        Box::pin(async move {
            match self.store.delete(&self.location(key)?).await {
                Ok(()) | Err(object_store::Error::NotFound { .. }) => Ok(()),
                Err(e) => Err(self.failed("remove a blob", e)),
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Where the data directory `data` has always kept the blob of `key`.
    fn file_of(data: &std::path::Path, key: &str) -> std::path::PathBuf {
        data.join("blobs")
            .join(&key[..2])
            .join(&key[2..4])
            .join(key)
    }

    #[tokio::test]
    async fn blobs_keep_the_data_directory_layout_atomic_and_deduplicated() {
        let dir = tempfile::tempdir().unwrap();
        let store: Arc<dyn BlobStore> = Arc::new(ObjectBlobStore::local(dir.path()).unwrap());
        let key = store.put(b"%PDF-1.7 hello").await.unwrap();
        assert_eq!(key, key_of(b"%PDF-1.7 hello"));
        let path = file_of(dir.path(), &key);
        assert!(path.is_file());
        assert_eq!(store.put(b"%PDF-1.7 hello").await.unwrap(), key);
        let files: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(files.len(), 1, "stored once, no staging files left");
    }

    #[tokio::test]
    async fn blobs_written_before_object_storage_still_read_and_list() {
        let dir = tempfile::tempdir().unwrap();
        let key = key_of(b"written by an older version");
        let file = file_of(dir.path(), &key);
        let folder = file.parent().unwrap();
        std::fs::create_dir_all(folder).unwrap();
        std::fs::write(&file, b"written by an older version").unwrap();
        std::fs::write(folder.join(format!(".{key}.0011223344556677.tmp")), b"half").unwrap();
        let store = ObjectBlobStore::local(dir.path()).unwrap();
        assert_eq!(
            store.get(&key).await.unwrap().as_deref(),
            Some(&b"written by an older version"[..])
        );
        assert_eq!(
            store.list().await.unwrap(),
            vec![StoredBlob { key, size: 27 }]
        );
    }

    #[tokio::test]
    async fn keys_cannot_escape_and_corruption_is_noticed() {
        let dir = tempfile::tempdir().unwrap();
        let store = ObjectBlobStore::local(dir.path()).unwrap();
        for bad in ["../../etc/passwd", "", &"A".repeat(64), &"0".repeat(63)] {
            assert!(store.get(bad).await.is_err(), "{bad}");
            assert!(store.exists(bad).await.is_err(), "{bad}");
        }
        let key = store.put(b"original").await.unwrap();
        std::fs::write(file_of(dir.path(), &key), b"tampered").unwrap();
        assert!(matches!(store.get(&key).await, Err(StoreError::Blob(_))));
    }
}
