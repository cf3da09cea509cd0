//! Which files may be attached to a project, decided by their content and never by their name:
//! PDF, JPEG, PNG, WebP and GIF images, Office Open XML documents (DOCX, XLSX, PPTX) and the
//! legacy OLE formats (DOC, XLS, PPT), at most [`MAX_DOCUMENT_BYTES`] each. Markup (HTML, SVG,
//! XML), scripts and executables are refused whatever they are called; one dressed up with the
//! name of an accepted format is reported as disguised. File names are kept for display, cleaned
//! of paths, control and direction-override characters, and given the extension that matches
//! the content.

use crate::kernel::problem::Problem;
use serde::Serialize;

/// The largest accepted document, in bytes (20 MB).
pub const MAX_DOCUMENT_BYTES: usize = MAX_DOCUMENT_MB * 1024 * 1024;

/// [`MAX_DOCUMENT_BYTES`] in megabytes, for messages.
pub const MAX_DOCUMENT_MB: usize = 20;

/// The longest file name kept, in characters.
pub const MAX_FILE_NAME_CHARS: usize = 120;

/// The name given to a file whose own name is empty after cleaning.
const FALLBACK_STEM: &str = "document";

/// An accepted document format, recognised from the file's first bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Format {
    /// Portable Document Format.
    Pdf,
    /// JPEG image.
    Jpeg,
    /// PNG image.
    Png,
    /// WebP image.
    Webp,
    /// GIF image.
    Gif,
    /// Word document (Office Open XML).
    Docx,
    /// Excel workbook (Office Open XML).
    Xlsx,
    /// PowerPoint presentation (Office Open XML).
    Pptx,
    /// Word 97–2003 document (OLE).
    Doc,
    /// Excel 97–2003 workbook (OLE).
    Xls,
    /// PowerPoint 97–2003 presentation (OLE).
    Ppt,
}

impl Format {
    /// Every accepted format.
    pub const ALL: &'static [Format] = &[
        Format::Pdf,
        Format::Jpeg,
        Format::Png,
        Format::Webp,
        Format::Gif,
        Format::Docx,
        Format::Xlsx,
        Format::Pptx,
        Format::Doc,
        Format::Xls,
        Format::Ppt,
    ];

    /// The canonical media type, stored with the file and sent when it is downloaded.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Pdf => "application/pdf",
            Format::Jpeg => "image/jpeg",
            Format::Png => "image/png",
            Format::Webp => "image/webp",
            Format::Gif => "image/gif",
            Format::Docx => {
                "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
            }
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pptx => {
                "application/vnd.openxmlformats-officedocument.presentationml.presentation"
            }
            Format::Doc => "application/msword",
            Format::Xls => "application/vnd.ms-excel",
            Format::Ppt => "application/vnd.ms-powerpoint",
        }
    }

    /// The canonical file extension, without the dot.
    pub fn extension(self) -> &'static str {
        self.extensions()[0]
    }

    /// Every extension a file of this format may carry, canonical first.
    pub fn extensions(self) -> &'static [&'static str] {
        match self {
            Format::Pdf => &["pdf"],
            Format::Jpeg => &["jpg", "jpeg", "jpe", "jfif"],
            Format::Png => &["png"],
            Format::Webp => &["webp"],
            Format::Gif => &["gif"],
            Format::Docx => &["docx"],
            Format::Xlsx => &["xlsx"],
            Format::Pptx => &["pptx"],
            Format::Doc => &["doc"],
            Format::Xls => &["xls"],
            Format::Ppt => &["ppt"],
        }
    }

    /// The format stored under `content_type`, if it is one of ours.
    pub fn from_content_type(content_type: &str) -> Option<Format> {
        Format::ALL
            .iter()
            .copied()
            .find(|f| f.content_type() == content_type)
    }

    /// Whether it is a raster image a browser can show by itself.
    pub fn is_image(self) -> bool {
        matches!(
            self,
            Format::Jpeg | Format::Png | Format::Webp | Format::Gif
        )
    }
}

/// Why a file is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rejection {
    /// No file, or an empty one.
    Empty,
    /// Larger than [`MAX_DOCUMENT_BYTES`].
    TooLarge,
    /// The content is none of the accepted formats.
    Unsupported,
    /// The name looks like an accepted format but the content is markup, a script or a program.
    Disguised,
}

impl Rejection {
    /// The input problem that describes the refusal.
    pub fn problem(self) -> Problem {
        match self {
            Rejection::Empty => Problem::Required,
            Rejection::TooLarge => Problem::FileTooLarge {
                max_mb: MAX_DOCUMENT_MB,
            },
            Rejection::Unsupported => Problem::FileType,
            Rejection::Disguised => Problem::FileDisguised,
        }
    }
}

/// An accepted file: its format and the name to keep.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Accepted {
    /// What the content is.
    pub format: Format,
    /// The cleaned name, ending in an extension of `format`.
    pub file_name: String,
}

/// A test of a file's first bytes.
type Matcher = fn(&[u8]) -> bool;

/// The accepted format of `bytes`, judged by their content alone.
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    use infer::{archive, doc, image};
    let matchers: [(Matcher, Format); 11] = [
        (archive::is_pdf, Format::Pdf),
        (image::is_jpeg, Format::Jpeg),
        (image::is_png, Format::Png),
        (
            |b: &[u8]| b.starts_with(b"RIFF") && image::is_webp(b),
            Format::Webp,
        ),
        (image::is_gif, Format::Gif),
        (doc::is_docx, Format::Docx),
        (doc::is_xlsx, Format::Xlsx),
        (doc::is_pptx, Format::Pptx),
        (doc::is_doc, Format::Doc),
        (doc::is_xls, Format::Xls),
        (doc::is_ppt, Format::Ppt),
    ];
    // The OLE matchers parse a compound file; should a hostile one upset the parser, the file
    // is simply not recognised.
    std::panic::catch_unwind(|| {
        matchers
            .iter()
            .find(|(matches, _)| matches(bytes))
            .map(|(_, format)| *format)
    })
    .ok()
    .flatten()
}

/// Whether `bytes` are something a browser or an operating system would run or render as
/// active content: markup (HTML, SVG, XML), a script with `#!`, or an executable program.
pub fn is_dangerous(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    let text = head.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(head);
    let start = text
        .iter()
        .position(|b| !b.is_ascii_whitespace())
        .unwrap_or(text.len());
    let text = &text[start..];
    let lower = text.to_ascii_lowercase();
    let markup = text.starts_with(b"<")
        || [
            "<html",
            "<script",
            "<svg",
            "<!doctype",
            "<?xml",
            "<iframe",
            "<body",
        ]
        .iter()
        .any(|tag| lower.windows(tag.len()).any(|w| w == tag.as_bytes()));
    let utf16_markup = head.starts_with(b"\xFF\xFE<") || head.starts_with(b"\xFE\xFF\0<");
    let script = text.starts_with(b"#!");
    let program = std::panic::catch_unwind(|| {
        infer::get(bytes).is_some_and(|t| t.matcher_type() == infer::MatcherType::App)
    })
    .unwrap_or(true);
    markup || utf16_markup || script || program
}

/// Decides whether a file named `file_name` with content `bytes` may be attached.
pub fn check(file_name: &str, bytes: &[u8]) -> Result<Accepted, Rejection> {
    if bytes.is_empty() {
        return Err(Rejection::Empty);
    }
    if bytes.len() > MAX_DOCUMENT_BYTES {
        return Err(Rejection::TooLarge);
    }
    let name = sanitize_file_name(file_name);
    let Some(format) = sniff(bytes) else {
        let looks_harmless = extension(&name).is_some_and(|ext| {
            Format::ALL
                .iter()
                .any(|f| f.extensions().contains(&ext.as_str()))
        });
        return Err(if looks_harmless && is_dangerous(bytes) {
            Rejection::Disguised
        } else {
            Rejection::Unsupported
        });
    };
    let file_name = match extension(&name) {
        Some(ext) if format.extensions().contains(&ext.as_str()) => name,
        _ => fit(&name, format.extension()),
    };
    Ok(Accepted { format, file_name })
}

/// The lower-case extension of `name`, if it has one.
fn extension(name: &str) -> Option<String> {
    let (_, ext) = split(name);
    (!ext.is_empty()).then(|| ext.to_lowercase())
}

/// `name` as (stem, extension without the dot); the extension is empty when there is none.
fn split(name: &str) -> (&str, &str) {
    match name.rsplit_once('.') {
        Some((stem, ext))
            if !stem.is_empty()
                && !ext.is_empty()
                && ext.chars().count() <= 10
                && !ext.contains(' ') =>
        {
            (stem, ext)
        }
        _ => (name, ""),
    }
}

/// `stem.ext`, with the stem shortened so the whole stays within [`MAX_FILE_NAME_CHARS`].
fn fit(stem: &str, ext: &str) -> String {
    if ext.is_empty() {
        return stem.chars().take(MAX_FILE_NAME_CHARS).collect();
    }
    let room = MAX_FILE_NAME_CHARS.saturating_sub(ext.chars().count() + 1);
    let stem: String = stem.chars().take(room).collect();
    let stem = stem.trim_end();
    let stem = if stem.is_empty() { FALLBACK_STEM } else { stem };
    format!("{stem}.{ext}")
}

/// Characters that are invisible or reorder text, used to disguise names such as
/// `invoice<U+202E>fdp.exe` (shown as `invoiceexe.pdf`).
fn is_invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{061C}' | '\u{180E}' | '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{2064}' | '\u{2066}'..='\u{2069}' | '\u{FEFF}' | '\u{FFF9}'..='\u{FFFB}')
}

/// The name to keep for an uploaded file: no directories, no control, invisible or
/// direction-override characters, none of `<>:"|?*`, no leading or trailing dots and spaces,
/// at most [`MAX_FILE_NAME_CHARS`] characters with the extension kept; `document` if nothing
/// is left.
pub fn sanitize_file_name(raw: &str) -> String {
    let base = raw.rsplit(['/', '\\']).next().unwrap_or_default();
    let cleaned: String = base
        .chars()
        .filter(|c| !c.is_control() && !is_invisible(*c))
        .map(|c| if "<>:\"|?*".contains(c) { '_' } else { c })
        .collect();
    let trimmed = cleaned.trim_matches(|c: char| c == '.' || c.is_whitespace());
    if trimmed.is_empty() {
        return FALLBACK_STEM.to_owned();
    }
    if trimmed.chars().count() <= MAX_FILE_NAME_CHARS {
        return trimmed.to_owned();
    }
    let (stem, ext) = split(trimmed);
    fit(stem, ext)
}

#[cfg(test)]
mod tests {
    use super::*;

    const PDF: &[u8] = b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n";
    const PNG: &[u8] = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\0\x01\0\0\0\x01\x08\x06\0\0\0";
    const JPEG: &[u8] = b"\xFF\xD8\xFF\xE0\0\x10JFIF\0\x01\x01\0\0\x01\0\x01\0\0";
    const GIF: &[u8] = b"GIF89a\x01\0\x01\0\x80\0\0\0\0\0\xff\xff\xff!";
    const WEBP: &[u8] = b"RIFF\x24\0\0\0WEBPVP8 \x18\0\0\0";

    /// The start of a zip whose first entry is `entry`, as Office writes it.
    fn zip_with(entry: &str) -> Vec<u8> {
        let mut out = b"PK\x03\x04\x14\0\x06\0\x08\0\0\0!\0".to_vec();
        out.extend_from_slice(&[0; 12]);
        out.extend_from_slice(&(entry.len() as u16).to_le_bytes());
        out.extend_from_slice(&[0, 0]);
        out.extend_from_slice(entry.as_bytes());
        out.extend_from_slice(&[0; 64]);
        out
    }

    #[test]
    fn accepted_formats_are_recognised_by_content() {
        assert_eq!(sniff(PDF), Some(Format::Pdf));
        assert_eq!(sniff(PNG), Some(Format::Png));
        assert_eq!(sniff(JPEG), Some(Format::Jpeg));
        assert_eq!(sniff(GIF), Some(Format::Gif));
        assert_eq!(sniff(WEBP), Some(Format::Webp));
        assert_eq!(sniff(&zip_with("word/document.xml")), Some(Format::Docx));
        assert_eq!(sniff(&zip_with("xl/workbook.xml")), Some(Format::Xlsx));
        assert_eq!(
            sniff(&zip_with("ppt/slides/slide1.xml")),
            Some(Format::Pptx)
        );
        // A plain zip, an OLE header that is not a compound file, and text are not accepted.
        assert_eq!(sniff(&zip_with("payload/run.js")), None);
        assert_eq!(sniff(b"\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1 broken"), None);
        assert_eq!(sniff(b"just some text"), None);
        assert_eq!(sniff(b"XXXX\x24\0\0\0WEBPVP8 "), None);
        assert_eq!(sniff(b""), None);
        for f in Format::ALL {
            assert_eq!(Format::from_content_type(f.content_type()), Some(*f));
            assert_eq!(f.extensions()[0], f.extension());
        }
        assert!(Format::Png.is_image() && !Format::Pdf.is_image());
    }

    #[test]
    fn the_name_never_decides() {
        let ok = check("立项批复.pdf", PDF).unwrap();
        assert_eq!(
            (ok.format, ok.file_name.as_str()),
            (Format::Pdf, "立项批复.pdf")
        );
        // A PDF named like a web page keeps its name for display but ends in .pdf.
        let renamed = check("report.html", PDF).unwrap();
        assert_eq!(renamed.file_name, "report.html.pdf");
        assert_eq!(check("照片", JPEG).unwrap().file_name, "照片.jpg");
        assert_eq!(check("site.JPEG", JPEG).unwrap().file_name, "site.JPEG");
        assert_eq!(check("scan.png", JPEG).unwrap().file_name, "scan.png.jpg");
    }

    #[test]
    fn dangerous_content_is_refused_and_disguises_are_named() {
        let html = b"<!DOCTYPE html><html><script>alert(1)</script></html>";
        let svg = b"<?xml version=\"1.0\"?><svg xmlns=\"http://www.w3.org/2000/svg\"/>";
        let exe = b"MZ\x90\0\x03\0\0\0\x04\0\0\0\xff\xff\0\0";
        let mut elf = b"\x7fELF\x02\x01\x01".to_vec();
        elf.resize(64, 0);
        assert_eq!(check("合同.pdf", html), Err(Rejection::Disguised));
        assert_eq!(check("photo.png", svg), Err(Rejection::Disguised));
        assert_eq!(check("plan.docx", exe), Err(Rejection::Disguised));
        assert_eq!(check("data.xls", &elf), Err(Rejection::Disguised));
        assert_eq!(
            check("run.pdf", b"#!/bin/sh\nrm -rf /"),
            Err(Rejection::Disguised)
        );
        assert_eq!(check("page.html", html), Err(Rejection::Unsupported));
        assert_eq!(
            check("notes.txt", b"plain words"),
            Err(Rejection::Unsupported)
        );
        assert_eq!(
            check("notes.pdf", b"plain words"),
            Err(Rejection::Unsupported)
        );
        assert_eq!(
            check("x.pdf", b"  \n\xEF\xBB\xBF<html>"),
            Err(Rejection::Disguised)
        );
        assert!(is_dangerous(b"\xEF\xBB\xBF  <svg onload=alert(1)>"));
        assert!(!is_dangerous(PDF) && !is_dangerous(PNG));
    }

    #[test]
    fn empty_and_oversized_files_are_refused() {
        assert_eq!(check("a.pdf", b""), Err(Rejection::Empty));
        let mut big = PDF.to_vec();
        big.resize(MAX_DOCUMENT_BYTES + 1, b' ');
        assert_eq!(check("a.pdf", &big), Err(Rejection::TooLarge));
        big.truncate(MAX_DOCUMENT_BYTES);
        assert!(check("a.pdf", &big).is_ok());
        assert_eq!(
            Rejection::TooLarge.problem(),
            Problem::FileTooLarge { max_mb: 20 }
        );
        assert_eq!(Rejection::Empty.problem(), Problem::Required);
    }

    #[test]
    fn names_lose_paths_controls_and_overrides() {
        assert_eq!(sanitize_file_name("C:\\Users\\张三\\合同.pdf"), "合同.pdf");
        assert_eq!(sanitize_file_name("../../etc/passwd"), "passwd");
        assert_eq!(sanitize_file_name("a\r\nb\t\0.pdf"), "ab.pdf");
        assert_eq!(
            sanitize_file_name("invoice\u{202E}fdp.exe"),
            "invoicefdp.exe"
        );
        assert_eq!(sanitize_file_name("\"q<u>o:t|e?*.pdf"), "_q_u_o_t_e__.pdf");
        assert_eq!(sanitize_file_name(" .hidden. "), "hidden");
        assert_eq!(sanitize_file_name("..."), "document");
        assert_eq!(sanitize_file_name("dir/"), "document");
        let long = format!("{}.docx", "长".repeat(300));
        let kept = sanitize_file_name(&long);
        assert_eq!(kept.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(kept.ends_with("长.docx"));
        let no_ext = "x".repeat(300);
        assert_eq!(
            sanitize_file_name(&no_ext).chars().count(),
            MAX_FILE_NAME_CHARS
        );
        let appended = check(&"名".repeat(200), PDF).unwrap().file_name;
        assert_eq!(appended.chars().count(), MAX_FILE_NAME_CHARS);
        assert!(appended.ends_with(".pdf"));
    }
}
