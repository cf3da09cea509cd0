//! [`copy`]: every blob of one store into another, for moving a deployment's files (e.g. from
//! the data directory to a bucket) before switching `blob_url`. Keys are content hashes, so a
//! blob already in the target under its key with the same size is the same file and is
//! skipped: a copy that was interrupted is simply run again.

use super::{BlobStore, ObjectBlobStore, StoredBlob};
use crate::kernel::error::StoreError;

/// What a copy did. It succeeded when `copied + skipped == listed` and every listed blob was
/// found in the target afterwards ([`CopyReport::complete`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CopyReport {
    /// Blobs the source listed.
    pub listed: u64,
    /// Blobs written to the target.
    pub copied: u64,
    /// Blobs the target already held.
    pub skipped: u64,
    /// Listed blobs found in the target, with their size, when the copy was done.
    pub verified: u64,
    /// Bytes written to the target.
    pub bytes: u64,
}

impl CopyReport {
    /// Whether every listed blob was copied or skipped and is now in the target.
    pub fn complete(&self) -> bool {
        self.copied + self.skipped == self.listed && self.verified == self.listed
    }
}

/// Copies every blob of `from` into `to`, calling `progress` with the report so far after each
/// blob (and once with nothing done, when the listing is known). A blob whose content no longer
/// matches its key is an error, so a corrupt file is never spread.
pub async fn copy(
    from: &ObjectBlobStore,
    to: &ObjectBlobStore,
    mut progress: impl FnMut(&CopyReport),
) -> Result<CopyReport, StoreError> {
    let blobs = from.list().await?;
    let mut report = CopyReport {
        listed: blobs.len() as u64,
        ..CopyReport::default()
    };
    progress(&report);
    for blob in &blobs {
        if to.size_of(&blob.key).await? == Some(blob.size) {
            report.skipped += 1;
        } else {
            let bytes = from
                .get(&blob.key)
                .await?
                .ok_or_else(|| vanished(from, blob))?;
            to.put(&bytes).await?;
            report.copied += 1;
            report.bytes += bytes.len() as u64;
        }
        progress(&report);
    }
    for blob in &blobs {
        if to.size_of(&blob.key).await? == Some(blob.size) {
            report.verified += 1;
        }
    }
    Ok(report)
}

fn vanished(from: &ObjectBlobStore, blob: &StoredBlob) -> StoreError {
    StoreError::Blob(format!(
        "{} vanished from {} during the copy",
        blob.key,
        from.label()
    ))
}
