//! The bulletin as a Word document (.docx) in the layout of a government bulletin: a centred
//! title, numbered sections (一、二、…) as outline headings, and tables with the same figures and
//! reasons as the printable page.

use super::view::{ProjectLine, RANKING_HEADERS, SERIES_HEADERS, View};
use crate::i18n::Lang;
use docx_rs::{AlignmentType, Docx, Paragraph, Run, RunFonts, Table, TableCell, TableRow};
use minxin_domain::kernel::text;
use std::io::Cursor;

/// Half-points: 小二 title, 三号 headings, 四号 sub-headings, 五号 tables.
const TITLE_SIZE: usize = 36;
const HEADING_SIZE: usize = 32;
const SUBHEADING_SIZE: usize = 28;
const BODY_SIZE: usize = 21;

/// A run of `s`, without the characters XML forbids: a name stored with a control character
/// would otherwise make the document unreadable.
fn run(s: &str) -> Run {
    Run::new().add_text(text::xml_safe(s))
}

fn text(s: &str) -> Paragraph {
    Paragraph::new().add_run(run(s))
}

fn heading(s: &str, level: usize, size: usize) -> Paragraph {
    Paragraph::new()
        .outline_lvl(level)
        .add_run(run(s).bold().size(size))
}

/// A table with a bold header row.
fn table(head: &[&str], rows: Vec<Vec<String>>) -> Table {
    let cell = |s: &str, bold: bool| {
        let plain = run(s);
        TableCell::new().add_paragraph(Paragraph::new().add_run(if bold {
            plain.bold()
        } else {
            plain
        }))
    };
    let mut all = vec![TableRow::new(head.iter().map(|h| cell(h, true)).collect())];
    all.extend(
        rows.iter()
            .map(|r| TableRow::new(r.iter().map(|s| cell(s, false)).collect())),
    );
    Table::new(all)
}

fn project_rows(list: &[ProjectLine]) -> Vec<Vec<String>> {
    list.iter()
        .map(|p| {
            vec![
                p.code.clone(),
                p.name.clone(),
                p.region.clone(),
                p.light.to_owned(),
                p.reasons.clone(),
            ]
        })
        .collect()
}

/// The document of `v`.
pub fn document(lang: Lang, v: &View) -> Result<Vec<u8>, String> {
    let t = |key: &str| lang.t(key);
    let project_head = [
        t("bulletin.col.code"),
        t("bulletin.col.name"),
        t("bulletin.col.region"),
        t("bulletin.col.light"),
        t("bulletin.col.reasons"),
    ];
    let mut doc = Docx::new()
        .default_fonts(RunFonts::new().east_asia("SimSun").ascii("Times New Roman"))
        .default_size(BODY_SIZE)
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .outline_lvl(0)
                .add_run(run(&v.title).bold().size(TITLE_SIZE)),
        )
        .add_paragraph(
            Paragraph::new()
                .align(AlignmentType::Center)
                .add_run(run(&format!("{}：{}", t("bulletin.closing"), v.closing))),
        )
        .add_paragraph(heading(t("bulletin.section.summary"), 1, HEADING_SIZE))
        .add_table(table(
            &[t("bulletin.col.figure"), t("bulletin.col.value")],
            v.summary
                .iter()
                .chain(&v.stages)
                .map(|f| vec![f.label.to_owned(), f.text()])
                .collect(),
        ));
    if !v.series.is_empty() {
        let mut head = vec![t("bulletin.col.month")];
        head.extend(SERIES_HEADERS.iter().map(|k| t(k)));
        doc = doc
            .add_paragraph(heading(t("bulletin.section.series"), 1, HEADING_SIZE))
            .add_table(table(
                &head,
                v.series
                    .iter()
                    .map(|s| {
                        std::iter::once(s.month.clone())
                            .chain(s.figures.iter().map(|f| f.text()))
                            .collect()
                    })
                    .collect(),
            ));
    }
    doc = doc.add_paragraph(heading(t("bulletin.section.flagged"), 1, HEADING_SIZE));
    if v.departments.is_empty() {
        doc = doc.add_paragraph(text(t("bulletin.none")));
    }
    for d in &v.departments {
        let counts = lang.fill(
            "bulletin.department_counts",
            &[("red", d.red.to_string()), ("yellow", d.yellow.to_string())],
        );
        doc = doc
            .add_paragraph(heading(
                &format!("{}（{counts}）", d.name),
                2,
                SUBHEADING_SIZE,
            ))
            .add_table(table(&project_head, project_rows(&d.projects)));
    }
    doc = doc.add_paragraph(heading(t("bulletin.section.late"), 1, HEADING_SIZE));
    doc = if v.late.is_empty() {
        doc.add_paragraph(text(t("bulletin.none")))
    } else {
        doc.add_table(table(
            &[
                t("bulletin.col.code"),
                t("bulletin.col.name"),
                t("bulletin.col.department"),
                t("bulletin.col.late"),
            ],
            v.late
                .iter()
                .map(|p| {
                    vec![
                        p.code.clone(),
                        p.name.clone(),
                        p.department.clone(),
                        p.reasons.clone(),
                    ]
                })
                .collect(),
        ))
    };
    let mut head = vec![t("bulletin.col.place"), t("bulletin.col.department")];
    head.extend(RANKING_HEADERS.iter().map(|k| t(k)));
    doc = doc
        .add_paragraph(heading(t("bulletin.section.ranking"), 1, HEADING_SIZE))
        .add_table(table(
            &head,
            v.ranking
                .iter()
                .map(|r| {
                    [r.place.to_string(), r.department.clone()]
                        .into_iter()
                        .chain(r.figures.iter().map(|f| f.text()))
                        .collect()
                })
                .collect(),
        ))
        .add_paragraph(heading(t("bulletin.section.changes"), 1, HEADING_SIZE));
    match &v.changes {
        None => doc = doc.add_paragraph(text(t("bulletin.changes.none"))),
        Some(c) => {
            let since = lang.fill("bulletin.changes.since", &[("month", c.since.clone())]);
            doc = doc.add_table(table(
                &[since.as_str(), t("bulletin.col.change")],
                c.deltas
                    .iter()
                    .map(|d| vec![d.label.to_owned(), d.text.clone()])
                    .collect(),
            ));
            for (title, list) in &c.lists {
                doc = doc.add_paragraph(heading(title, 2, SUBHEADING_SIZE));
                doc = if list.is_empty() {
                    doc.add_paragraph(text(t("bulletin.none")))
                } else {
                    doc.add_table(table(&project_head, project_rows(list)))
                };
            }
        }
    }
    let mut out = Cursor::new(Vec::new());
    doc.build().pack(&mut out).map_err(|e| e.to_string())?;
    deflate(out.into_inner()).map_err(|e| e.to_string())
}

/// The same archive with every entry deflated: docx-rs stores entries uncompressed, which makes
/// a bulletin of thousands of projects ten times larger than it needs to be.
fn deflate(stored: Vec<u8>) -> zip::result::ZipResult<Vec<u8>> {
    let mut input = zip::ZipArchive::new(Cursor::new(stored))?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for i in 0..input.len() {
        let mut entry = input.by_index(i)?;
        let name = entry.name()?.into_owned();
        if entry.is_dir() {
            out.add_directory(name, options)?;
        } else {
            out.start_file(name, options)?;
            std::io::copy(&mut entry, &mut out)?;
        }
    }
    Ok(out.finish()?.into_inner())
}
