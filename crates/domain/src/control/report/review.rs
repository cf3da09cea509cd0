//! The office's review of a report: its states, the steps between them, who may take them and
//! why a step is refused.

use super::content::TEXT_MAX;
use crate::identity::role::{Role, RoleSet};
use crate::kernel::codes::coded;
use serde::{Deserialize, Serialize};

coded! {
    /// Where a report stands in the office's review.
    ReportState {
        /// 已提交: waiting for the office.
        Submitted => "submitted",
        /// 已采纳: accepted; final.
        Accepted => "accepted",
        /// 已退回: sent back with a comment, to be refiled.
        Returned => "returned",
    }
}

/// A step in a report's review.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum ReviewAction {
    /// File the report, or refile it after it was returned (whoever may report the project's
    /// progress, see [`crate::projects::access::may_report_progress`]).
    Submit,
    /// Accept it (the office, see [`may_review`]).
    Accept,
    /// Send it back with a comment saying what to fix (the office).
    Return {
        /// What to fix; required.
        comment: String,
    },
}

/// Why a review step is refused.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum ReportRefusal {
    /// There is no submitted report to accept or return.
    NotSubmitted,
    /// The report is already waiting for review; it cannot be filed again.
    AwaitingReview,
    /// The report was accepted; it is final.
    AlreadyAccepted,
    /// The report was returned; only refiling it can follow.
    AwaitingRefile,
    /// Returning a report needs a comment.
    CommentRequired,
    /// The comment is too long.
    CommentTooLong {
        /// Maximum length in characters.
        max: usize,
    },
    /// A report holds at most [`MAX_PHOTOS`](super::MAX_PHOTOS) photos.
    TooManyPhotos {
        /// The limit.
        max: usize,
    },
}

/// Whether an account with `roles` may accept or return reports: the project office.
pub fn may_review(roles: &RoleSet) -> bool {
    roles.has(Role::Office)
}

/// The state after `action` on a report in `state` (`None`: nothing filed for the month yet).
///
/// Submit: new → submitted, returned → submitted. Accept: submitted → accepted. Return (with a
/// comment of at most [`TEXT_MAX`] characters): submitted → returned. Everything else is
/// refused.
pub fn review(
    state: Option<ReportState>,
    action: &ReviewAction,
) -> Result<ReportState, ReportRefusal> {
    use ReportState::*;
    match (state, action) {
        (Some(Accepted), _) => Err(ReportRefusal::AlreadyAccepted),
        (None | Some(Returned), ReviewAction::Submit) => Ok(Submitted),
        (Some(Submitted), ReviewAction::Submit) => Err(ReportRefusal::AwaitingReview),
        (None, _) => Err(ReportRefusal::NotSubmitted),
        (Some(Returned), _) => Err(ReportRefusal::AwaitingRefile),
        (Some(Submitted), ReviewAction::Accept) => Ok(Accepted),
        (Some(Submitted), ReviewAction::Return { comment }) => {
            let comment = comment.trim();
            if comment.is_empty() {
                Err(ReportRefusal::CommentRequired)
            } else if comment.chars().count() > TEXT_MAX {
                Err(ReportRefusal::CommentTooLong { max: TEXT_MAX })
            } else {
                Ok(Returned)
            }
        }
    }
}
