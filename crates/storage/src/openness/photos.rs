//! Photos for the public: the display copy or thumbnail of a photo of an accepted report of a
//! public project, by the project's code. Anything else — a photo of a submitted or returned
//! report, of a project that is not public, of another project, or the original upload with
//! its location — is "not found".

use super::Public;
use crate::control::reports::{PhotoCopy, photo_bytes, photo_key};
use crate::kernel::blobs::BlobStore;
use crate::kernel::error::{Found, StoreError};
use crate::kernel::schema::{ProgressReports, Projects};
use crate::projects::read::shown;
use minxin_domain::control::report::ReportState;
use minxin_domain::openness::public::report_is_shown;
use sea_query::{Expr, ExprTrait};

/// A photo copy's bytes and its blob key (a SHA-256 of the bytes, so a fine ETag).
#[derive(Debug, Clone)]
pub struct PublicPhotoBytes {
    /// The content-addressed key.
    pub key: String,
    /// The JPEG bytes.
    pub bytes: Vec<u8>,
}

impl Public<'_> {
    /// One re-encoded copy of a photo of an accepted report of the public project `code`.
    pub async fn photo(
        &self,
        code: &str,
        photo_id: i64,
        copy: PhotoCopy,
        blobs: &dyn BlobStore,
    ) -> Result<PublicPhotoBytes, StoreError> {
        let mut tx = self.db.read().await?;
        let (key,): (String,) = tx
            .optional(
                &photo_key(photo_id, copy)
                    .inner_join(
                        Projects::Table,
                        Expr::col((Projects::Table, Projects::Id))
                            .equals((ProgressReports::Table, ProgressReports::ProjectId)),
                    )
                    .and_where(
                        Expr::col((ProgressReports::Table, ProgressReports::State)).is_in(
                            ReportState::ALL
                                .iter()
                                .filter(|s| report_is_shown(**s))
                                .map(|s| s.code()),
                        ),
                    )
                    .and_where(Expr::col((Projects::Table, Projects::Code)).eq(code.trim()))
                    .and_where(shown())
                    .take(),
            )
            .await?
            .found()?;
        drop(tx);
        let bytes = photo_bytes(blobs, photo_id, &key).await?;
        Ok(PublicPhotoBytes { key, bytes })
    }
}
