//! A signboard as a standalone SVG document of A4 or A3 paper size, for the bulk archive. SVG
//! because it prints reliably: one file is one sheet at its true size (no browser headers,
//! footers or margins decide the layout), the text and the QR code stay vector-sharp at any
//! enlargement, and every browser, office suite and print shop opens it. The layout is drawn
//! once in A4 millimetres; A3, having the same proportions, is the same drawing enlarged.

use super::view::{Fact, Signboard};
use crate::error::Failure;
use askama::Template;
use axum::http::StatusCode;
use minxin_domain::openness::signboard::{SheetSize, text_width, wrap};

/// The drawing's width and height in A4 millimetres.
const WIDTH: f32 = 210.0;
/// Where the facts must end, above the QR code.
const FACTS_END: f32 = 196.0;
/// Left edge of the fact labels.
const LABEL_X: f32 = 16.0;
/// The widest the label column grows for long (English) labels.
const LABEL_MAX: f32 = 56.0;
/// The title's largest font size, and the letter spacing it gets, in ems.
const TITLE_SIZE: f32 = 11.0;
const TITLE_SPACING: f32 = 0.18;
/// Right edge of all text.
const RIGHT: f32 = 194.0;
/// Lines a fact value may take before it is cut short.
const VALUE_LINES: usize = 3;
/// Lines the project name may take.
const NAME_LINES: usize = 3;
/// The QR code's square (with its quiet zone): left, top and side.
const QR_X: f32 = 14.0;
const QR_Y: f32 = 202.0;
const QR_SIDE: f32 = 68.0;
/// Left edge of the text beside the QR code.
const CHANNEL_X: f32 = 88.0;
/// The signboard's colour, the red of official notices.
const RED: &str = "#b3261e";

/// One line of text on the sheet.
pub struct Line {
    /// Left (or centre) in millimetres.
    pub x: String,
    /// Baseline in millimetres.
    pub y: String,
    /// Font size in millimetres.
    pub size: String,
    /// Bold or not.
    pub bold: bool,
    /// Colour.
    pub fill: &'static str,
    /// `start` or `middle`.
    pub anchor: &'static str,
    /// The text.
    pub text: String,
}

#[derive(Template)]
#[template(path = "signboard.svg", escape = "html")]
struct Sheet<'a> {
    width_mm: u32,
    height_mm: u32,
    title: &'a str,
    title_size: String,
    title_spacing: String,
    title_y: String,
    red: &'static str,
    lines: Vec<Line>,
    qr_x: f32,
    qr_y: f32,
    qr_side: f32,
    qr_size: usize,
    qr_path: String,
}

/// Where a piece of text goes across the sheet.
#[derive(Clone, Copy)]
enum Place {
    /// Centred on the sheet, at most 180 mm wide.
    Centre,
    /// Between a left and a right edge.
    Column(f32, f32),
}

/// How a piece of text looks.
#[derive(Clone, Copy)]
struct Style {
    /// Font size in millimetres.
    size: f32,
    bold: bool,
    fill: &'static str,
}

const LABEL: Style = Style {
    size: 5.0,
    bold: true,
    fill: "#444",
};
const VALUE: Style = Style {
    size: 5.0,
    bold: false,
    fill: "#111",
};

/// Lays out text line by line, top to bottom.
struct Pen {
    lines: Vec<Line>,
    y: f32,
    /// Left edge of the fact values, right of the widest label.
    value_x: f32,
}

/// `text` wrapped to the width of `place` at `style`'s size, at most `max_lines` lines (the last
/// cut short with …).
fn lines_of(text: &str, place: Place, style: Style, max_lines: usize) -> Vec<String> {
    let max = (span(place) / style.size * 100.0) as u32;
    let mut lines = wrap(text, max);
    if lines.len() > max_lines {
        lines.truncate(max_lines);
        if let Some(last) = lines.last_mut() {
            while !last.is_empty() && text_width(last) + 100 > max {
                last.pop();
            }
            last.push('…');
        }
    }
    lines
}

/// The width text may take at `place`, in millimetres.
fn span(place: Place) -> f32 {
    match place {
        Place::Centre => 180.0,
        Place::Column(left, right) => right - left,
    }
}

/// The distance between two baselines at `style`.
fn leading(style: Style) -> f32 {
    style.size * 1.35
}

impl Pen {
    /// Writes `text` wrapped to its place (see [`lines_of`]) and moves down.
    fn write(&mut self, text: &str, place: Place, style: Style, max_lines: usize) {
        let (anchor, x) = match place {
            Place::Centre => ("middle", WIDTH / 2.0),
            Place::Column(left, _) => ("start", left),
        };
        for text in lines_of(text, place, style, max_lines) {
            self.y += leading(style);
            self.lines.push(Line {
                x: format!("{x:.1}"),
                y: format!("{:.1}", self.y),
                size: format!("{:.1}", style.size),
                bold: style.bold,
                fill: style.fill,
                anchor,
                text,
            });
        }
    }

    /// A labelled fact: the label at the left, the value wrapped beside it; `false`, and nothing
    /// written, when it would reach below `end`.
    fn fact(&mut self, fact: &Fact, end: f32) -> bool {
        let label = Place::Column(LABEL_X, self.value_x - 2.0);
        let value_place = Place::Column(self.value_x, RIGHT);
        let value = if fact.value.is_empty() {
            "—"
        } else {
            &fact.value
        };
        let rows = lines_of(fact.label, label, LABEL, 2)
            .len()
            .max(lines_of(value, value_place, VALUE, VALUE_LINES).len());
        if self.y + rows as f32 * leading(VALUE) > end {
            return false;
        }
        let top = self.y;
        self.write(fact.label, label, LABEL, 2);
        let below_label = self.y;
        self.y = top;
        self.write(value, value_place, VALUE, VALUE_LINES);
        self.y = self.y.max(below_label) + VALUE.size * 0.45;
        true
    }
}

/// The signboard as an SVG document on a sheet of `size`.
pub fn sheet(board: &Signboard, size: SheetSize) -> Result<String, Failure> {
    let mut facts: Vec<&Fact> = board.facts.iter().collect();
    facts.push(&board.total);
    facts.extend(board.budget.iter());
    let widest = facts
        .iter()
        .map(|f| text_width(f.label) as f32 * LABEL.size / 100.0)
        .fold(0.0, f32::max);
    let mut pen = Pen {
        lines: Vec::new(),
        y: 32.0,
        value_x: LABEL_X + widest.min(LABEL_MAX) + 4.0,
    };
    let name = Style {
        size: 8.0,
        bold: true,
        fill: "#111",
    };
    pen.write(&board.name, Place::Centre, name, NAME_LINES);
    pen.y += 1.0;
    pen.write(
        &board.code,
        Place::Centre,
        Style {
            bold: false,
            ..LABEL
        },
        1,
    );
    pen.y += 3.0;
    for fact in facts {
        if !pen.fact(fact, FACTS_END) {
            break;
        }
    }
    pen.y = QR_Y + 4.0;
    let beside = Place::Column(CHANNEL_X, RIGHT);
    let call = Style {
        size: 6.0,
        bold: true,
        fill: RED,
    };
    pen.write(board.scan, beside, call, 2);
    pen.y += 4.0;
    for fact in &board.channel {
        pen.write(fact.label, beside, LABEL, 1);
        pen.write(&fact.value, beside, Style { size: 5.2, ..call }, 2);
        pen.y += 2.0;
    }
    let (width_mm, height_mm) = size.millimetres();
    // The title fills the band's width at most: a long (English) title gets a smaller size.
    let ems =
        text_width(board.title) as f32 / 100.0 + TITLE_SPACING * board.title.chars().count() as f32;
    let title_size = TITLE_SIZE.min(180.0 / ems.max(1.0));
    Sheet {
        width_mm,
        height_mm,
        title: board.title,
        title_size: format!("{title_size:.1}"),
        title_spacing: format!("{:.2}", title_size * TITLE_SPACING),
        // Centred in the band from 6 to 28 mm: the baseline sits 0.4 em below its middle.
        title_y: format!("{:.1}", 17.0 + title_size * 0.4),
        red: RED,
        lines: pen.lines,
        qr_x: QR_X,
        qr_y: QR_Y,
        qr_side: QR_SIDE,
        qr_size: board.qr.size,
        qr_path: board.qr.path(),
    }
    .render()
    .map_err(|e| {
        tracing::error!(error = %e, "signboard template failed");
        Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pages::signboards::qr::Qr;

    fn fact(label: &'static str, value: &str) -> Fact {
        Fact {
            label,
            value: value.to_owned(),
        }
    }

    #[test]
    fn long_text_is_cut_short_and_never_reaches_the_qr_code() {
        let long = "老旧小区改造".repeat(40);
        let board = Signboard {
            title: "民心工程公示牌",
            name: long.clone(),
            code: "2026-MX-0001".into(),
            facts: (0..30).map(|_| fact("建设地点", &long)).collect(),
            budget: vec![fact("中央资金", "50.00 万元")],
            total: fact("项目总投资", "50.00 万元"),
            public_url: "http://h/p/2026-MX-0001".into(),
            qr: Qr::encode("http://h/p/2026-MX-0001").unwrap(),
            scan: "扫码查看项目进展、反映问题",
            channel: vec![fact("投诉举报热线", "12345")],
        };
        let svg = sheet(&board, SheetSize::A3).unwrap();
        assert!(svg.contains("width=\"297mm\" height=\"420mm\" viewBox=\"0 0 210 297\""));
        let names = svg.matches("font-size=\"8.0\"").count();
        assert_eq!(names, NAME_LINES);
        assert!(svg.contains("…</text>"));
        // Every line but those beside the QR code ends above it.
        let above: Vec<(String, f32)> = svg
            .split("<text x=\"")
            .skip(1)
            .map(|rest| {
                let mut parts = rest.split('"');
                let x = parts.next().unwrap().to_owned();
                (x, parts.nth(1).unwrap().parse().unwrap())
            })
            .filter(|(x, _)| *x != format!("{CHANNEL_X:.1}"))
            .collect();
        assert!(above.len() > 20);
        assert!(above.iter().all(|(_, y)| *y < QR_Y), "{above:?}");
        assert!(svg.contains(">12345</text>"));
        assert!(svg.contains("font-size=\"11.0\" font-weight=\"bold\" fill=\"#fff\""));
        let english = Signboard {
            title: "Livelihood Project Signboard",
            ..board
        };
        let svg = sheet(&english, SheetSize::A4).unwrap();
        assert!(svg.contains("font-size=\"8.2\" font-weight=\"bold\" fill=\"#fff\""));
    }
}
