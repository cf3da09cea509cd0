//! The vocabulary of the audit log (操作日志): which actions are recorded and how they ended.
//! Codes are stable strings because the log outlives any version of the program.

use crate::codes::coded;

coded! {
    /// A recorded action.
    AuditAction {
        /// A sign-in attempt (success or failure).
        SignIn => "auth.sign_in",
        /// A sign-out.
        SignOut => "auth.sign_out",
        /// A password change by the account itself.
        PasswordChange => "auth.password_change",
        /// The second factor was switched on or off.
        TotpChange => "auth.totp_change",
        /// An API token was issued.
        TokenCreate => "auth.token_create",
        /// An API token was revoked.
        TokenRevoke => "auth.token_revoke",
        /// An account was created.
        AccountCreate => "account.create",
        /// An account's details, state or password were changed by an administrator.
        AccountUpdate => "account.update",
        /// Roles or data scope of an account were changed.
        RoleChange => "account.role_change",
        /// A region was created.
        RegionCreate => "region.create",
        /// A region was changed.
        RegionUpdate => "region.update",
        /// A region was removed.
        RegionDelete => "region.delete",
        /// A department was created.
        DepartmentCreate => "department.create",
        /// A department was changed.
        DepartmentUpdate => "department.update",
        /// A department was removed.
        DepartmentDelete => "department.delete",
        /// A project was created.
        ProjectCreate => "project.create",
        /// A project's registry fields or progress were changed.
        ProjectUpdate => "project.update",
        /// A project moved in its lifecycle.
        ProjectTransition => "project.transition",
        /// A milestone was planned, changed, done or removed.
        MilestoneChange => "project.milestone",
        /// A document was attached to or removed from a project.
        AttachmentChange => "project.attachment",
        /// An annual plan was imported.
        ProjectImport => "project.import",
        /// The category dictionary was extended.
        CategoryCreate => "category.create",
        /// A contract or money record (approval, disbursement, payment, correction).
        MoneyRecord => "project.money",
        /// A progress report filed, refiled, accepted or returned.
        ReportChange => "project.report",
        /// Traffic-light thresholds or the report due day of a region changed.
        LightRulesChange => "light.rules",
        /// A reminder was marked read by the account it was sent to.
        ReminderRead => "reminder.read",
        /// A month's light snapshot was taken for the bulletins.
        SnapshotTake => "bulletin.snapshot",
        /// A resident's service request was received (by any channel).
        RequestSubmit => "request.submit",
        /// A service request was dispatched, accepted, transferred, answered, rated or merged.
        RequestChange => "request.change",
        /// An Open311 API key was issued.
        Open311KeyCreate => "open311.key_create",
        /// An Open311 API key was revoked.
        Open311KeyRevoke => "open311.key_revoke",
        /// The office imported community boundaries (one entry per community).
        BoundaryImport => "boundary.import",
        /// The office removed a community boundary, and with it the rules naming it.
        BoundaryDelete => "boundary.delete",
        /// The office added or removed a routing rule.
        RoutingChange => "routing.change",
        /// The office entered (or corrected) a year of the working-day calendar.
        CalendarEnter => "calendar.enter",
        /// A configuration value was changed.
        ConfigurationChange => "config.change",
        /// Someone tried something their role or scope does not allow.
        AccessDenied => "access.denied",
    }
}

coded! {
    /// How an audited action ended.
    AuditOutcome {
        /// It was done.
        Success => "success",
        /// It was attempted and failed (wrong password, invalid input).
        Failure => "failure",
        /// It was refused by a role or scope check, or by a lockout.
        Denied => "denied",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_are_unique() {
        let mut seen = std::collections::HashSet::new();
        for a in AuditAction::ALL {
            assert_eq!(a.code().parse::<AuditAction>(), Ok(*a));
            assert!(seen.insert(a.code()));
        }
        for o in AuditOutcome::ALL {
            assert_eq!(o.code().parse::<AuditOutcome>(), Ok(*o));
        }
    }
}
