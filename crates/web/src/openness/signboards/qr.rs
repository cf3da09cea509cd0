//! The QR code of a project's public address, drawn three ways from one set of modules: a
//! vector path for pages and printable signboards, a standalone SVG file and a PNG file.

use crate::kernel::error::Failure;
use axum::http::StatusCode;
use image::{ImageBuffer, ImageFormat, Luma};
use qrcode::{Color, EcLevel, QrCode};
use std::io::Cursor;

/// The blank margin around the code, in modules: the four the QR standard asks for, so phones
/// find the code even on a busy board.
const QUIET_ZONE: usize = 4;

/// Pixels per module of the PNG: a 33-module code with its margin is about 400 pixels square,
/// sharp when printed 5 cm wide.
const PNG_MODULE_PX: u32 = 10;

/// A QR code as dark and light modules, quiet zone included.
pub struct Qr {
    /// Modules per side, quiet zone included.
    pub size: usize,
    dark: Vec<bool>,
}

impl Qr {
    /// Encodes `text` at error-correction level Q (a quarter of the code may be dirty or
    /// scratched, as boards on a building site get).
    pub fn encode(text: &str) -> Result<Qr, Failure> {
        let code =
            QrCode::with_error_correction_level(text.as_bytes(), EcLevel::Q).map_err(|e| {
                tracing::error!(error = %e, "QR encoding failed");
                Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
            })?;
        let width = code.width();
        let size = width + 2 * QUIET_ZONE;
        let mut dark = vec![false; size * size];
        for (i, color) in code.to_colors().into_iter().enumerate() {
            let (x, y) = (i % width + QUIET_ZONE, i / width + QUIET_ZONE);
            dark[y * size + x] = color == Color::Dark;
        }
        Ok(Qr { size, dark })
    }

    fn is_dark(&self, x: usize, y: usize) -> bool {
        self.dark[y * self.size + x]
    }

    /// The dark modules as one SVG path in module units (one rectangle per horizontal run), for a
    /// `viewBox` of `0 0 size size`.
    pub fn path(&self) -> String {
        let mut d = String::new();
        for y in 0..self.size {
            let mut x = 0;
            while x < self.size {
                if !self.is_dark(x, y) {
                    x += 1;
                    continue;
                }
                let start = x;
                while x < self.size && self.is_dark(x, y) {
                    x += 1;
                }
                let run = x - start;
                d.push_str(&format!("M{start} {y}h{run}v1h-{run}z"));
            }
        }
        d
    }

    /// A standalone SVG file of the code, 8 px a module on screen, any size in print.
    pub fn svg(&self) -> String {
        let n = self.size;
        let px = n * 8;
        format!(
            "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n\
             <svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{px}\" height=\"{px}\" \
             viewBox=\"0 0 {n} {n}\" shape-rendering=\"crispEdges\">\
             <rect width=\"{n}\" height=\"{n}\" fill=\"#fff\"/>\
             <path fill=\"#000\" d=\"{}\"/></svg>\n",
            self.path()
        )
    }

    /// A PNG file of the code, black on white.
    pub fn png(&self) -> Result<Vec<u8>, Failure> {
        let side = u32::try_from(self.size).unwrap_or(0) * PNG_MODULE_PX;
        let image = ImageBuffer::from_fn(side, side, |x, y| {
            let (mx, my) = ((x / PNG_MODULE_PX) as usize, (y / PNG_MODULE_PX) as usize);
            Luma([if self.is_dark(mx, my) { 0u8 } else { 255 }])
        });
        let mut bytes = Cursor::new(Vec::new());
        image.write_to(&mut bytes, ImageFormat::Png).map_err(|e| {
            tracing::error!(error = %e, "PNG encoding failed");
            Failure::new(StatusCode::INTERNAL_SERVER_ERROR, "internal")
        })?;
        Ok(bytes.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_code_has_its_quiet_zone_and_draws_its_modules() {
        let qr = Qr::encode("http://127.0.0.1:8080/p/2026-MX-0001").unwrap();
        assert!(qr.size >= 21 + 2 * QUIET_ZONE);
        for i in 0..qr.size {
            assert!(!qr.is_dark(i, 0) && !qr.is_dark(0, i) && !qr.is_dark(i, qr.size - 1));
        }
        // The finder pattern's top-left corner sits just inside the quiet zone.
        assert!(qr.is_dark(QUIET_ZONE, QUIET_ZONE));
        assert!(
            qr.path()
                .starts_with(&format!("M{QUIET_ZONE} {QUIET_ZONE}h7v1h-7z"))
        );
        assert!(
            qr.svg()
                .contains(&format!("viewBox=\"0 0 {0} {0}\"", qr.size))
        );
        assert!(qr.png().unwrap().starts_with(b"\x89PNG"));
    }
}
