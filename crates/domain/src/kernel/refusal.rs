//! How a context's own rule says no without the kernel knowing the context. Each context
//! implements [`Refusal`] for its refusal type (money over a contract, a request in the wrong
//! state, …); [`Problem::Refused`](super::problem::Problem::Refused) carries any of them, so
//! storage, pages and the API pass refusals on without a list of every context. A refusal words
//! itself as a [`Message`]: a catalogue key with its arguments, never a sentence, so the rules
//! still know no language.

use super::money::Fen;
use std::any::Any;
use std::fmt::Debug;
use std::sync::Arc;

/// A context's reason for refusing an input.
pub trait Refusal: Debug + PartialEq + Send + Sync + 'static {
    /// The stable code the API reports for it (`money`, `request`, …).
    fn code(&self) -> &'static str;
    /// What to tell the user, with the numbers the sentence needs.
    fn message(&self) -> Message;
}

/// A sentence to be worded in the caller's language: the key of its message in the catalogue,
/// and the values of its `{placeholders}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Message {
    /// The catalogue key, e.g. `money.refusal.over_contract`.
    pub key: String,
    /// The placeholders' values, by name.
    pub args: Vec<(&'static str, Arg)>,
}

/// The value of one placeholder.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Arg {
    /// Shown as it is (a number, a code, a date).
    Text(String),
    /// An amount, shown in 元.
    Money(Fen),
    /// Another catalogue entry, worded in the same language (a state's name).
    Key(String),
    /// A nested sentence (a month's name inside a refusal).
    Message(Message),
}

impl Message {
    /// A sentence without placeholders, or the start of one.
    pub fn new(key: impl Into<String>) -> Message {
        Message {
            key: key.into(),
            args: Vec::new(),
        }
    }

    /// Adds a placeholder shown as text.
    pub fn text(mut self, name: &'static str, value: impl ToString) -> Message {
        self.args.push((name, Arg::Text(value.to_string())));
        self
    }

    /// Adds an amount.
    pub fn money(mut self, name: &'static str, value: Fen) -> Message {
        self.args.push((name, Arg::Money(value)));
        self
    }

    /// Adds a placeholder worded by another catalogue entry.
    pub fn key(mut self, name: &'static str, key: impl Into<String>) -> Message {
        self.args.push((name, Arg::Key(key.into())));
        self
    }

    /// Adds a nested sentence.
    pub fn message(mut self, name: &'static str, value: Message) -> Message {
        self.args.push((name, Arg::Message(value)));
        self
    }
}

/// Any context's refusal, cloneable and comparable, as [`Problem`](super::problem::Problem)
/// needs it.
#[derive(Debug, Clone)]
pub struct Refused(Arc<dyn Erased>);

impl Refused {
    /// Wraps a context's refusal.
    pub fn new(refusal: impl Refusal) -> Refused {
        Refused(Arc::new(refusal))
    }

    /// The API code of the refusal.
    pub fn code(&self) -> &'static str {
        self.0.code()
    }

    /// The sentence of the refusal.
    pub fn message(&self) -> Message {
        self.0.message()
    }

    /// The refusal as its own type, for callers that act on a particular one.
    pub fn get<T: Refusal>(&self) -> Option<&T> {
        self.0.as_any().downcast_ref()
    }
}

impl PartialEq for Refused {
    fn eq(&self, other: &Refused) -> bool {
        self.0.same(other.0.as_any())
    }
}

impl Eq for Refused {}

/// The object-safe face of [`Refusal`].
trait Erased: Debug + Send + Sync {
    fn code(&self) -> &'static str;
    fn message(&self) -> Message;
    fn as_any(&self) -> &dyn Any;
    fn same(&self, other: &dyn Any) -> bool;
}

impl<T: Refusal> Erased for T {
    fn code(&self) -> &'static str {
        Refusal::code(self)
    }
    fn message(&self) -> Message {
        Refusal::message(self)
    }
    fn as_any(&self) -> &dyn Any {
        self
    }
    fn same(&self, other: &dyn Any) -> bool {
        other.downcast_ref::<T>() == Some(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, PartialEq)]
    enum Full {
        Over { by: Fen },
    }

    impl Refusal for Full {
        fn code(&self) -> &'static str {
            "full"
        }
        fn message(&self) -> Message {
            let Full::Over { by } = self;
            Message::new("money.refusal.over_contract").money("left", *by)
        }
    }

    #[derive(Debug, PartialEq)]
    struct Other;

    impl Refusal for Other {
        fn code(&self) -> &'static str {
            "other"
        }
        fn message(&self) -> Message {
            Message::new("problem.required")
        }
    }

    #[test]
    fn refusals_compare_by_type_and_value_and_come_back_as_themselves() {
        let a = Refused::new(Full::Over { by: Fen(5) });
        assert_eq!(a, Refused::new(Full::Over { by: Fen(5) }));
        assert_ne!(a, Refused::new(Full::Over { by: Fen(6) }));
        assert_ne!(a, Refused::new(Other));
        assert_eq!(a.get::<Full>(), Some(&Full::Over { by: Fen(5) }));
        assert_eq!(a.get::<Other>(), None);
        assert_eq!(a.code(), "full");
        assert_eq!(
            a.message(),
            Message {
                key: "money.refusal.over_contract".into(),
                args: vec![("left", Arg::Money(Fen(5)))],
            }
        );
    }
}
