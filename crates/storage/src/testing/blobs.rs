//! A blob store of its own for each test that stores photos or documents, so that no test
//! sees another's files and nothing outlives the test.

use crate::kernel::blobs::LocalBlobStore;
use tempfile::TempDir;

/// A blob store in a fresh temporary directory; the directory (the first value) is removed
/// when it is dropped, so keep it alive as long as the store is used.
pub fn blob_dir() -> (TempDir, LocalBlobStore) {
    let dir = tempfile::tempdir().expect("a temporary directory");
    let blobs = LocalBlobStore::new(dir.path());
    (dir, blobs)
}
