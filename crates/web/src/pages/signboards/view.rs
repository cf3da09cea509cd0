//! A signboard in words: the facts of [`minxin_domain::openness::signboard`] with the registry's fields,
//! labelled in the reader's language. The page, the printable SVG and the bulk archive all draw
//! this one value, so they never disagree.

use super::qr::Qr;
use crate::error::Failure;
use crate::i18n::Lang;
use crate::pages::projects::{hold_name, source_name, stage_name};
use minxin_domain::kernel::money::Fen;
use minxin_domain::openness::signboard::{self, HOTLINE, NotPrintable, SignboardInput};
use minxin_domain::projects::project::{FundingSource, Hold, Stage};
use minxin_storage::projects::SignboardSource;

/// One labelled line of facts.
pub struct Fact {
    /// The label, e.g. 牵头单位.
    pub label: &'static str,
    /// The value in words.
    pub value: String,
}

/// Everything a signboard prints.
pub struct Signboard {
    /// The board's heading, 民心工程公示牌.
    pub title: &'static str,
    /// Project name.
    pub name: String,
    /// Project code.
    pub code: String,
    /// The registry facts, in print order.
    pub facts: Vec<Fact>,
    /// Planned money per funding source, in 万元.
    pub budget: Vec<Fact>,
    /// Planned money in all, in 元 and 万元.
    pub total: Fact,
    /// The address the QR code encodes.
    pub public_url: String,
    /// The code's modules.
    pub qr: Qr,
    /// 扫码查看项目进展、反映问题.
    pub scan: &'static str,
    /// The complaint channel's lines: the hotline, then the 我要反映 address.
    pub channel: Vec<Fact>,
}

/// The non-blank `parts`, separated by spaces.
fn present(parts: &[&str]) -> String {
    parts
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" ")
}

fn money(lang: Lang, fen: Fen) -> String {
    lang.fill(
        "signboard.wan",
        &[("wan", fen.wan_text()), ("yuan", fen.yuan_text())],
    )
}

fn period(lang: Lang, source: &SignboardSource) -> String {
    let p = &source.project;
    let day = |d: Option<chrono::NaiveDate>| {
        d.map_or_else(
            || lang.t("signboard.undecided").to_owned(),
            |d| d.to_string(),
        )
    };
    lang.fill(
        "signboard.period_text",
        &[("start", day(p.planned_start)), ("end", day(p.planned_end))],
    )
}

/// The signboard of `source` for a deployment reached at `base`, or why it may have none.
pub fn signboard(
    lang: Lang,
    base: &str,
    source: &SignboardSource,
) -> Result<Result<Signboard, NotPrintable>, Failure> {
    let p = &source.project;
    let stage = p.stage.parse::<Stage>().unwrap_or(Stage::Demand);
    let budget: Vec<(FundingSource, Fen)> = p
        .budget
        .iter()
        .filter_map(|l| Some((l.source.parse().ok()?, Fen(l.amount_fen))))
        .collect();
    let input = SignboardInput {
        code: &p.code,
        is_public: p.is_public,
        stage,
        owner_phone: &p.owner_phone,
        public_phone: &p.public_phone,
        contractors: &source.contractors,
        budget: &budget,
    };
    let facts = match signboard::facts(base, &input) {
        Ok(facts) => facts,
        Err(why) => return Ok(Err(why)),
    };
    let field = |key: &str| lang.t(&format!("project.field.{key}"));
    let mut stage_text = stage_name(lang, &p.stage);
    if p.hold.parse::<Hold>().is_ok_and(|h| h != Hold::Active) {
        stage_text = format!("{stage_text}（{}）", hold_name(lang, &p.hold));
    }
    let category = match &p.parent_category_name {
        Some(top) => format!("{top} · {}", p.category_name),
        None => p.category_name.clone(),
    };
    // Addresses usually begin with their street or community already.
    let location = if p.address.contains(&p.region_name) {
        p.address.clone()
    } else {
        present(&[&p.region_name, &p.address])
    };
    let mut rows = vec![
        Fact {
            label: field("category"),
            value: category,
        },
        Fact {
            label: lang.t("signboard.location"),
            value: location,
        },
        Fact {
            label: field("lead"),
            value: p.lead_department_name.clone(),
        },
    ];
    if !p.partners.is_empty() {
        rows.push(Fact {
            label: field("partners"),
            value: p
                .partners
                .iter()
                .map(|d| d.name.as_str())
                .collect::<Vec<_>>()
                .join("、"),
        });
    }
    // The owner's masked phone goes with their name; a published office line is the office's,
    // so it stands on a line of its own, labelled as such.
    let (owner, office_line) = if facts.phone.office_line {
        let line = Fact {
            label: lang.t("public.office_phone"),
            value: facts.phone.number,
        };
        (p.owner_name.clone(), Some(line))
    } else {
        (present(&[&p.owner_name, &facts.phone.number]), None)
    };
    rows.push(Fact {
        label: field("owner_name"),
        value: owner,
    });
    rows.extend(office_line);
    rows.extend([
        Fact {
            label: lang.t("signboard.contractors"),
            value: if facts.contractors.is_empty() {
                lang.t("signboard.no_contractor").to_owned()
            } else {
                facts.contractors.join("、")
            },
        },
        Fact {
            label: lang.t("signboard.period"),
            value: period(lang, source),
        },
        Fact {
            label: field("stage"),
            value: stage_text,
        },
    ]);
    Ok(Ok(Signboard {
        title: lang.t("signboard.title"),
        name: p.name.clone(),
        code: p.code.clone(),
        facts: rows,
        budget: facts
            .budget
            .iter()
            .map(|(source, amount)| Fact {
                label: source_name(lang, *source),
                value: lang.fill("signboard.wan_only", &[("wan", amount.wan_text())]),
            })
            .collect(),
        total: Fact {
            label: lang.t("signboard.total"),
            value: money(lang, facts.total),
        },
        qr: Qr::encode(&facts.public_url)?,
        scan: lang.t("signboard.scan"),
        channel: vec![
            Fact {
                label: lang.t("signboard.hotline"),
                value: HOTLINE.to_owned(),
            },
            Fact {
                label: lang.t("signboard.report"),
                value: facts.report_url,
            },
        ],
        public_url: facts.public_url,
    }))
}
