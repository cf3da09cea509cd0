//! Where the content of attached documents and photos lives: a content-addressed store of
//! immutable blobs, each named by the SHA-256 of its bytes (lower-case hex), so identical files
//! are stored once and a key always means the same content. The database keeps only the key
//! (`attachments.sha256`) and the metadata.
//!
//! [`BlobStore`] is the interface, object-safe so the application can hold an
//! `Arc<dyn BlobStore>`; [`ObjectBlobStore`] implements it over the `object_store` crate, on the
//! local file system (the default, `<data_dir>/blobs`) or an S3-compatible bucket chosen by
//! [`BlobUrl`]. [`copy`] moves every blob from one store to another.

use crate::kernel::error::StoreError;
use sha2::{Digest, Sha256};
use std::fmt::Debug;
use std::future::Future;
use std::pin::Pin;

mod copy;
mod object;
mod url;
pub use copy::{CopyReport, copy};
pub use object::{ObjectBlobStore, StoredBlob};
pub use url::BlobUrl;

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
