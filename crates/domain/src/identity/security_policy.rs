//! The security settings a system administrator can change at run time, grouped so they are
//! stored, audited and validated as one configuration value.

use crate::identity::lockout::LockoutPolicy;
use crate::identity::password_policy::PasswordPolicy;
use crate::identity::session_policy::SessionPolicy;
use serde::{Deserialize, Serialize};

/// Password, lockout and session rules together.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct SecurityPolicy {
    /// Password rules.
    pub password: PasswordPolicy,
    /// Lockout thresholds.
    pub lockout: LockoutPolicy,
    /// Session lifetimes.
    pub session: SessionPolicy,
}

impl SecurityPolicy {
    /// Whether every part is within sensible bounds.
    pub fn is_sane(&self) -> bool {
        self.password.is_sane() && self.lockout.is_sane() && self.session.is_sane()
    }
}
