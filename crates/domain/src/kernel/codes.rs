//! Enumerations with stable string codes. Codes, not Rust names, are what the database, the
//! API and the audit log store, because they outlive any version of the program.

/// Declares an enum whose variants carry stable string codes, with `ALL`, `code()`, parsing
/// and display.
macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($(#[$vmeta:meta])* $variant:ident => $code:literal,)+ }) => {
        $(#[$meta])*
        #[derive(
            Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord,
            serde::Serialize, serde::Deserialize,
        )]
        pub enum $name { $($(#[$vmeta])* #[serde(rename = $code)] $variant,)+ }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)+];

            /// The stable code stored and shown in the API.
            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code,)+ }
            }
        }

        impl std::str::FromStr for $name {
            type Err = $crate::kernel::problem::Problem;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Self::ALL
                    .iter()
                    .copied()
                    .find(|v| v.code() == s)
                    .ok_or($crate::kernel::problem::Problem::Malformed)
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.code())
            }
        }
    };
}
pub(crate) use coded;
