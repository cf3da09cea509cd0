//! A signboard as a standalone SVG document of A4 or A3 paper size, for the bulk archive. SVG
//! because it prints reliably: one file is one sheet at its true size (no browser headers,
//! footers or margins decide the layout), the text and the QR code stay vector-sharp at any
//! enlargement, and every browser, office suite and print shop opens it. The layout is drawn
//! once in A4 millimetres; A3, having the same proportions, is the same drawing enlarged.

use super::view::{Fact, Signboard};
use crate::error::Failure;
use askama::Template;
use axum::http::StatusCode;
use minxin_domain::signboard::{SheetSize, text_width, wrap};

/// The drawing's width and height in A4 millimetres.
const WIDTH: f32 = 210.0;
/// Where the facts must end, above the QR code.
const FACTS_END: f32 = 196.0;
/// Left edge of the fact labels and values.
const LABEL_X: f32 = 16.0;
const VALUE_X: f32 = 52.0;
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
    size: 4.4,
    bold: true,
    fill: "#444",
};
const VALUE: Style = Style {
    size: 4.4,
    bold: false,
    fill: "#111",
};

/// Lays out text line by line, top to bottom.
struct Pen {
    lines: Vec<Line>,
    y: f32,
}

impl Pen {
    /// Writes `text` wrapped to its place at most `max_lines` lines (the last cut short with …),
    /// and moves down.
    fn write(&mut self, text: &str, place: Place, style: Style, max_lines: usize) {
        let (anchor, x, span) = match place {
            Place::Centre => ("middle", WIDTH / 2.0, 180.0),
            Place::Column(left, right) => ("start", left, right - left),
        };
        let max = (span / style.size * 100.0) as u32;
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
        for text in lines {
            self.y += style.size * 1.35;
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

    /// A labelled fact: the label at the left, the value wrapped beside it.
    fn fact(&mut self, fact: &Fact) {
        let top = self.y;
        self.write(fact.label, Place::Column(LABEL_X, VALUE_X - 2.0), LABEL, 2);
        let below_label = self.y;
        self.y = top;
        let value = if fact.value.is_empty() {
            "—"
        } else {
            &fact.value
        };
        self.write(value, Place::Column(VALUE_X, RIGHT), VALUE, VALUE_LINES);
        self.y = self.y.max(below_label) + VALUE.size * 0.45;
    }
}

/// The signboard as an SVG document on a sheet of `size`.
pub fn sheet(board: &Signboard, size: SheetSize) -> Result<String, Failure> {
    let mut pen = Pen {
        lines: Vec::new(),
        y: 32.0,
    };
    let name = Style {
        size: 8.0,
        bold: true,
        fill: "#111",
    };
    pen.write(&board.name, Place::Centre, name, NAME_LINES);
    pen.y += 1.0;
    pen.write(&board.code, Place::Centre, LABEL, 1);
    pen.y += 3.0;
    let mut facts: Vec<&Fact> = board.facts.iter().collect();
    facts.push(&board.total);
    facts.extend(board.budget.iter());
    for fact in facts {
        if pen.y + 6.0 > FACTS_END {
            break;
        }
        pen.fact(fact);
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
    Sheet {
        width_mm,
        height_mm,
        title: board.title,
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
