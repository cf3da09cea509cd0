//! Languages and message catalogues. Simplified Chinese is the default; English is the second
//! language. Catalogues are TOML files in `locales/`, compiled into the binary, with the same
//! keys in every language (a test checks this and that every key used in code exists).

mod bulletin;
mod progress;
mod requests;

use minxin_domain::Problem;
use minxin_domain::kernel::refusal::{Arg, Message};
use std::collections::HashMap;
use std::sync::OnceLock;

/// A language the interface is offered in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    /// 简体中文, the default.
    #[default]
    Zh,
    /// English.
    En,
}

impl Lang {
    /// The BCP 47 tag, used in `<html lang>` and the language cookie.
    pub fn tag(self) -> &'static str {
        match self {
            Lang::Zh => "zh-CN",
            Lang::En => "en",
        }
    }

    /// Parses a tag from a cookie, query or `Accept-Language` entry.
    pub fn from_tag(tag: &str) -> Option<Lang> {
        let tag = tag.trim().to_ascii_lowercase();
        if tag.starts_with("zh") {
            Some(Lang::Zh)
        } else if tag.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// The language picked by `Accept-Language` for API clients (pages use the cookie).
    pub fn from_accept_language(header: &str) -> Lang {
        header
            .split(',')
            .filter_map(|part| Lang::from_tag(part.split(';').next().unwrap_or("")))
            .next()
            .unwrap_or_default()
    }

    /// The message for `key`, or the key itself if the catalogue lacks it.
    pub fn t(self, key: &str) -> &'static str {
        let catalogue = match self {
            Lang::Zh => &catalogues().0,
            Lang::En => &catalogues().1,
        };
        catalogue.get(key).copied().unwrap_or_else(|| {
            tracing::warn!(key, lang = self.tag(), "missing message");
            Box::leak(key.to_owned().into_boxed_str())
        })
    }

    /// The message for `key` with `{name}` placeholders replaced.
    pub fn fill(self, key: &str, args: &[(&str, String)]) -> String {
        let mut text = self.t(key).to_owned();
        for (name, value) in args {
            text = text.replace(&format!("{{{name}}}"), value);
        }
        text
    }

    /// A sentence describing `problem`.
    pub fn problem(self, problem: &Problem) -> String {
        let n = |v: usize| v.to_string();
        match problem {
            Problem::Required => self.t("problem.required").into(),
            Problem::TooLong { max } => self.fill("problem.too_long", &[("max", n(*max))]),
            Problem::Malformed => self.t("problem.malformed").into(),
            Problem::ControlCharacter => self.t("problem.control_character").into(),
            Problem::NotCount => self.t("problem.not_count").into(),
            Problem::TooManyDays { max } => self.fill("problem.too_many_days", &[("max", n(*max))]),
            Problem::Taken => self.t("problem.taken").into(),
            Problem::Unknown => self.t("problem.unknown").into(),
            Problem::PasswordTooShort { min } => {
                self.fill("problem.password_too_short", &[("min", n(*min))])
            }
            Problem::PasswordTooSimple { classes } => {
                self.fill("problem.password_too_simple", &[("classes", n(*classes))])
            }
            Problem::PasswordReused { history } => {
                self.fill("problem.password_reused", &[("history", n(*history))])
            }
            Problem::PasswordContainsUsername => {
                self.t("problem.password_contains_username").into()
            }
            Problem::PasswordMismatch => self.t("problem.password_mismatch").into(),
            Problem::WrongPassword => self.t("problem.wrong_password").into(),
            Problem::WrongTotp => self.t("problem.wrong_totp").into(),
            Problem::RegionCodeLevel => self.t("problem.region_code_level").into(),
            Problem::RegionCodeParent => self.t("problem.region_code_parent").into(),
            Problem::RegionParentLevel => self.t("problem.region_parent_level").into(),
            Problem::InUse => self.t("problem.in_use").into(),
            Problem::RolesSegregated => self.t("problem.roles_segregated").into(),
            Problem::SelfGrant => self.t("problem.self_grant").into(),
            Problem::ScopeTooWide => self.t("problem.scope_too_wide").into(),
            Problem::EndBeforeStart => self.t("problem.end_before_start").into(),
            Problem::WeightsOver100 => self.t("problem.weights_over_100").into(),
            Problem::GateClosed => self.t("problem.gate_closed").into(),
            Problem::MoveRefused => self.t("problem.move_refused").into(),
            Problem::MoneyPrecision => self.t("problem.money_precision").into(),
            Problem::MoneyTooLarge => self.t("problem.money_too_large").into(),
            Problem::FileTooLarge { max_mb } => {
                self.fill("problem.file_too_large", &[("max_mb", n(*max_mb))])
            }
            Problem::FileType => self.t("problem.file_type").into(),
            Problem::FileDisguised => self.t("problem.file_disguised").into(),
            Problem::Refused(refusal) => self.message(&refusal.message()),
            Problem::TooMany { max } => self.fill("problem.too_many", &[("max", n(*max))]),
            Problem::Calendar { refusal } => self.calendar_refusal(refusal),
            Problem::PersonalData { found } => self.personal_data_found(found),
        }
    }

    /// A sentence a rule worded as a catalogue key and its arguments (a context's refusal).
    pub fn message(self, message: &Message) -> String {
        let args: Vec<(&str, String)> = message
            .args
            .iter()
            .map(|(name, arg)| {
                let value = match arg {
                    Arg::Text(text) => text.clone(),
                    Arg::Money(fen) => fen.yuan_text(),
                    Arg::Key(key) => self.t(key).to_owned(),
                    Arg::Message(inner) => self.message(inner),
                };
                (*name, value)
            })
            .collect();
        self.fill(&message.key, &args)
    }

    /// The label of a form or JSON field.
    pub fn field(self, field: &str) -> &'static str {
        self.t(&format!("field.{field}"))
    }
}

type Catalogue = HashMap<String, &'static str>;

fn parse(source: &'static str) -> Catalogue {
    let table: toml::Table = toml::from_str(source).expect("message catalogue is valid TOML");
    let mut out = HashMap::new();
    flatten("", &table, &mut out);
    out
}

/// Merges catalogue files (one per area, so areas can grow independently); a key defined twice
/// is a mistake and stops start-up.
fn parse_all(sources: &[&'static str]) -> Catalogue {
    let mut all = Catalogue::new();
    for source in sources {
        for (key, value) in parse(source) {
            assert!(
                all.insert(key.clone(), value).is_none(),
                "message {key} is defined twice"
            );
        }
    }
    all
}

fn flatten(prefix: &str, table: &toml::Table, out: &mut Catalogue) {
    for (key, value) in table {
        let full = if prefix.is_empty() {
            key.clone()
        } else {
            format!("{prefix}.{key}")
        };
        match value {
            toml::Value::Table(inner) => flatten(&full, inner, out),
            toml::Value::String(s) => {
                out.insert(full, Box::leak(s.clone().into_boxed_str()));
            }
            other => panic!("message {full} must be a string, found {other}"),
        }
    }
}

fn catalogues() -> &'static (Catalogue, Catalogue) {
    static CATALOGUES: OnceLock<(Catalogue, Catalogue)> = OnceLock::new();
    CATALOGUES.get_or_init(|| {
        (
            parse_all(&[
                include_str!("../locales/zh-CN.toml"),
                include_str!("../locales/zh-CN.projects.toml"),
                include_str!("../locales/zh-CN.import.toml"),
                include_str!("../locales/zh-CN.attachments.toml"),
                include_str!("../locales/zh-CN.progress.toml"),
                include_str!("../locales/zh-CN.light_rules.toml"),
                include_str!("../locales/zh-CN.reports_books.toml"),
                include_str!("../locales/zh-CN.bulletin.toml"),
                include_str!("../locales/zh-CN.dashboard.toml"),
                include_str!("../locales/zh-CN.signboard.toml"),
                include_str!("../locales/zh-CN.public.toml"),
                include_str!("../locales/zh-CN.portal.toml"),
                include_str!("../locales/zh-CN.requests.toml"),
                include_str!("../locales/zh-CN.request_work.toml"),
                include_str!("../locales/zh-CN.open311.toml"),
                include_str!("../locales/zh-CN.routing.toml"),
                include_str!("../locales/zh-CN.request_stats.toml"),
            ]),
            parse_all(&[
                include_str!("../locales/en.toml"),
                include_str!("../locales/en.projects.toml"),
                include_str!("../locales/en.import.toml"),
                include_str!("../locales/en.attachments.toml"),
                include_str!("../locales/en.progress.toml"),
                include_str!("../locales/en.light_rules.toml"),
                include_str!("../locales/en.reports_books.toml"),
                include_str!("../locales/en.bulletin.toml"),
                include_str!("../locales/en.dashboard.toml"),
                include_str!("../locales/en.signboard.toml"),
                include_str!("../locales/en.public.toml"),
                include_str!("../locales/en.portal.toml"),
                include_str!("../locales/en.requests.toml"),
                include_str!("../locales/en.request_work.toml"),
                include_str!("../locales/en.open311.toml"),
                include_str!("../locales/en.routing.toml"),
                include_str!("../locales/en.request_stats.toml"),
            ]),
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    #[test]
    fn catalogues_have_the_same_keys() {
        let (zh, en) = catalogues();
        let zh_keys: BTreeSet<_> = zh.keys().collect();
        let en_keys: BTreeSet<_> = en.keys().collect();
        let only_zh: Vec<_> = zh_keys.difference(&en_keys).collect();
        let only_en: Vec<_> = en_keys.difference(&zh_keys).collect();
        assert!(only_zh.is_empty(), "missing in en.toml: {only_zh:?}");
        assert!(only_en.is_empty(), "missing in zh-CN.toml: {only_en:?}");
    }

    /// Every `t("…")` in templates and every `.t("…")` in code names an existing message, and
    /// so does every `Message::new("…")` with which the domain's rules word their refusals.
    #[test]
    fn every_used_key_exists() {
        let (zh, _) = catalogues();
        let root = concat!(env!("CARGO_MANIFEST_DIR"));
        let mut missing = Vec::new();
        let domain = std::path::PathBuf::from(format!("{root}/../domain/src"));
        let mut dirs = vec![
            std::path::PathBuf::from(format!("{root}/templates")),
            format!("{root}/src").into(),
            domain.clone(),
        ];
        while let Some(dir) = dirs.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    dirs.push(path);
                    continue;
                }
                let text = std::fs::read_to_string(&path).unwrap();
                let lookups = if path.starts_with(&domain) {
                    None
                } else {
                    Some(text.split("t(\"").skip(1))
                };
                let messages = text.split("Message::new(\"").skip(1);
                for piece in lookups.into_iter().flatten().chain(messages) {
                    let key = piece.split('"').next().unwrap();
                    if key.contains('.') && !key.ends_with('.') && !zh.contains_key(key) {
                        missing.push(format!("{}: {key}", path.display()));
                    }
                }
            }
        }
        assert!(missing.is_empty(), "unknown message keys: {missing:#?}");
    }

    #[test]
    fn problems_are_worded_with_numbers() {
        assert_eq!(
            Lang::Zh.problem(&Problem::TooLong { max: 50 }),
            "不能超过 50 个字符"
        );
        assert_eq!(
            Lang::En.problem(&Problem::PasswordTooShort { min: 8 }),
            "must be at least 8 characters long"
        );
    }

    #[test]
    fn accept_language_prefers_the_first_known() {
        assert_eq!(Lang::from_accept_language("en-US,en;q=0.9"), Lang::En);
        assert_eq!(Lang::from_accept_language("fr, zh-CN;q=0.5"), Lang::Zh);
        assert_eq!(Lang::from_accept_language(""), Lang::Zh);
    }
}
