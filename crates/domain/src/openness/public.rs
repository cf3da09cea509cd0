//! What the public may see of a project (SPEC §8): which projects are public at all, and how
//! the facts that reach anonymous visitors are cut down first — the owner's phone masked unless
//! the office published a line of its own. Storage applies these rules in its public reads, so
//! no page, feed or export has to remember them.

use crate::control::report::ReportState;
use crate::kernel::phone::mask_phone;
use crate::projects::project::Stage;

/// Whether a project is shown to the public: the office marked it public *and* it belongs to
/// the annual plan. Candidates in the demand or reserve pool are not public commitments yet,
/// whatever their flag says.
pub fn is_shown(is_public: bool, stage: Stage) -> bool {
    is_public && stage.in_annual_plan()
}

/// The stages whose projects may be public, for queries that filter in the database.
pub fn shown_stages() -> impl Iterator<Item = Stage> {
    Stage::ALL.iter().copied().filter(|s| s.in_annual_plan())
}

/// Whether a progress report may be shown: only what the office accepted. Submitted reports
/// are unchecked claims; returned ones were found wanting.
pub fn report_is_shown(state: ReportState) -> bool {
    state == ReportState::Accepted
}

/// The phone number the public sees for a project, and whose it is, so pages can say which.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactPhone {
    /// The number as shown: the office line in full, or the owner's phone masked; empty when
    /// neither is on record (nothing is shown rather than a row of stars).
    pub number: String,
    /// Whether it is the line the office chose to publish (公开电话) rather than the owner's
    /// personal phone, masked (负责人电话（已隐藏）).
    pub office_line: bool,
}

/// The phone the public sees (issue 5): the office line in full when the office published one —
/// it is the office's own number, meant to be called — else the owner's personal phone masked
/// by [`mask_phone`], never in full.
pub fn public_contact_phone(public_phone: &str, owner_phone: &str) -> ContactPhone {
    let office = public_phone.trim();
    if !office.is_empty() {
        return ContactPhone {
            number: office.to_owned(),
            office_line: true,
        };
    }
    ContactPhone {
        number: if owner_phone.trim().is_empty() {
            String::new()
        } else {
            mask_phone(owner_phone)
        },
        office_line: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_public_projects_of_the_annual_plan_are_shown() {
        assert!(is_shown(true, Stage::Approved));
        assert!(is_shown(true, Stage::Construction));
        assert!(is_shown(true, Stage::Archived));
        assert!(!is_shown(true, Stage::Reserve));
        assert!(!is_shown(true, Stage::Demand));
        assert!(!is_shown(false, Stage::Construction));
        assert_eq!(shown_stages().count(), Stage::ALL.len() - 2);
        assert!(shown_stages().all(|s| is_shown(true, s)));
    }

    #[test]
    fn only_accepted_reports_are_shown() {
        assert!(report_is_shown(ReportState::Accepted));
        assert!(!report_is_shown(ReportState::Submitted));
        assert!(!report_is_shown(ReportState::Returned));
    }

    #[test]
    fn the_office_line_is_shown_in_full_else_the_owner_phone_masked() {
        assert_eq!(
            public_contact_phone(" 0571-88881234 ", "13812341234"),
            ContactPhone {
                number: "0571-88881234".into(),
                office_line: true,
            }
        );
        assert_eq!(
            public_contact_phone("12345", ""),
            ContactPhone {
                number: "12345".into(),
                office_line: true,
            }
        );
        assert_eq!(
            public_contact_phone("  ", "13812341234"),
            ContactPhone {
                number: "138****1234".into(),
                office_line: false,
            }
        );
        assert_eq!(
            public_contact_phone("", " "),
            ContactPhone {
                number: String::new(),
                office_line: false,
            }
        );
    }
}
