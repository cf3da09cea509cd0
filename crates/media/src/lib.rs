//! Photo intake for Minxin: site photos in monthly progress reports and, later, residents'
//! photos of problems. Photos arrive from phones, so each one is checked by its content (never
//! by its name), decoded within limits that refuse decompression bombs before any pixel buffer
//! is allocated, turned upright according to its EXIF orientation, and re-encoded as plain JPEG
//! with no metadata at all: the copies shown to anyone carry no EXIF, and above all no GPS
//! location. A thumbnail is made at the same time.
//!
//! Everything here is a pure function on bytes: no files, no clock, no network.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::metadata::Orientation;
use image::{
    DynamicImage, ImageDecoder, ImageError, ImageFormat, ImageReader, Limits, Rgb, RgbImage,
};
use serde::Serialize;

pub mod budget;

/// The largest accepted upload, in megabytes; phones produce 2–8 MB photos.
pub const MAX_PHOTO_MB: u32 = 10;

/// The largest accepted upload, in bytes ([`MAX_PHOTO_MB`] MiB), checked before anything is decoded.
pub const MAX_PHOTO_BYTES: usize = MAX_PHOTO_MB as usize * 1024 * 1024;

/// The largest accepted image area, in megapixels: above any phone camera's, far below what
/// would exhaust memory once decoded.
pub const MAX_MEGAPIXELS: u32 = 40;

/// [`MAX_MEGAPIXELS`] in pixels, compared with the size an image declares in its header.
pub const MAX_PIXELS: u64 = MAX_MEGAPIXELS as u64 * 1_000_000;

/// The longest accepted side, in pixels, so that a thin strip cannot slip under
/// [`MAX_PIXELS`] with an absurd length.
pub const MAX_SIDE_PX: u32 = 12_000;

/// The most memory a decoder may allocate for one photo (the decoded pixels included), so that
/// formats storing several bytes per pixel stay bounded too.
pub const MAX_DECODE_BYTES: u64 = 512 * 1024 * 1024;

/// The longest side of the display copy, in pixels: sharp on any screen, a few hundred KB.
pub const DISPLAY_MAX_SIDE_PX: u32 = 2_048;

/// The longest side of the thumbnail, in pixels: enough for lists and galleries.
pub const THUMBNAIL_MAX_SIDE_PX: u32 = 320;

/// The JPEG quality of both copies: visually lossless for photos at a fraction of the size.
pub const JPEG_QUALITY: u8 = 85;

/// A photo ready to be stored: the copies to show, cleaned of every piece of metadata.
#[derive(Clone, PartialEq, Eq)]
pub struct PreparedPhoto {
    /// The copy shown in pages and the API: JPEG, upright, longest side at most
    /// [`DISPLAY_MAX_SIDE_PX`] (never enlarged), no metadata.
    pub display: Vec<u8>,
    /// The copy shown in lists: JPEG, upright, longest side at most [`THUMBNAIL_MAX_SIDE_PX`],
    /// no metadata.
    pub thumbnail: Vec<u8>,
    /// The width of [`PreparedPhoto::display`] in pixels, for the page layout.
    pub width: u32,
    /// The height of [`PreparedPhoto::display`] in pixels, for the page layout.
    pub height: u32,
    /// Whether the original carried GPS tags in its EXIF data, so staff can be told that a
    /// location was there (and has been removed from the copies).
    pub had_location: bool,
}

impl std::fmt::Debug for PreparedPhoto {
    // The copies are megabytes of bytes; their sizes say enough in a log or a failed assertion.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("PreparedPhoto")
            .field("display", &format_args!("{} bytes", self.display.len()))
            .field("thumbnail", &format_args!("{} bytes", self.thumbnail.len()))
            .field("width", &self.width)
            .field("height", &self.height)
            .field("had_location", &self.had_location)
            .finish()
    }
}

/// Why an upload was refused as a photo; `code` in JSON, so that pages and the API can explain
/// it in the reader's language.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum PhotoProblem {
    /// The upload is larger than [`MAX_PHOTO_BYTES`].
    #[error("the photo is larger than {max_mb} MB")]
    TooLarge {
        /// The limit, in megabytes.
        max_mb: u32,
    },
    /// The content is not an image at all (empty, text, HTML, PDF, …), whatever its name says.
    #[error("the file is not an image")]
    NotAnImage,
    /// An image in a format other than JPEG, PNG or WebP (GIF, HEIC, SVG, TIFF, …), or one using
    /// a variant of those formats that cannot be decoded.
    #[error("only JPEG, PNG and WebP photos are accepted")]
    UnsupportedFormat,
    /// The content starts like a JPEG, PNG or WebP image but is truncated or damaged.
    #[error("the image is damaged or incomplete")]
    Corrupt,
    /// The image declares more pixels than [`MAX_PIXELS`], or a side longer than
    /// [`MAX_SIDE_PX`]; refused before decoding.
    #[error("the image has more than {max_megapixels} megapixels")]
    TooManyPixels {
        /// The limit, in megapixels.
        max_megapixels: u32,
    },
}

/// Checks an uploaded photo by its content and prepares the copies to store: an upright JPEG
/// display copy and thumbnail without any metadata, and whether the original carried a GPS
/// location.
///
/// JPEG, PNG and WebP are accepted. The EXIF orientation, where the photo has one, is applied
/// to the pixels, since the copies no longer carry the tag that told viewers to rotate them.
/// Transparent areas are laid on white.
pub fn prepare_photo(bytes: &[u8]) -> Result<PreparedPhoto, PhotoProblem> {
    if bytes.is_empty() {
        return Err(PhotoProblem::NotAnImage);
    }
    if bytes.len() > MAX_PHOTO_BYTES {
        return Err(PhotoProblem::TooLarge {
            max_mb: MAX_PHOTO_MB,
        });
    }
    let format = accepted_format(bytes)?;
    let mut image = decode(bytes, format)?;

    let exif = read_exif(bytes);
    if let Some(orientation) = exif.orientation {
        image.apply_orientation(orientation);
    }

    let upright = flatten_on_white(image);
    let display = shrink_to_fit(upright, DISPLAY_MAX_SIDE_PX);
    let thumbnail = if display.width().max(display.height()) > THUMBNAIL_MAX_SIDE_PX {
        let (width, height) = fit_within(display.width(), display.height(), THUMBNAIL_MAX_SIDE_PX);
        image::imageops::thumbnail(&display, width, height)
    } else {
        display.clone()
    };

    Ok(PreparedPhoto {
        width: display.width(),
        height: display.height(),
        display: encode_jpeg(&display)?,
        thumbnail: encode_jpeg(&thumbnail)?,
        had_location: exif.had_location,
    })
}

/// Recognises an accepted format from the first bytes, or says why the content is refused.
fn accepted_format(bytes: &[u8]) -> Result<ImageFormat, PhotoProblem> {
    match image::guess_format(bytes) {
        Ok(format @ (ImageFormat::Jpeg | ImageFormat::Png | ImageFormat::WebP)) => Ok(format),
        _ if looks_like_other_image(bytes) => Err(PhotoProblem::UnsupportedFormat),
        _ => Err(PhotoProblem::NotAnImage),
    }
}

/// Whether refused content is nonetheless an image (GIF, HEIC, AVIF, TIFF, BMP, SVG, …), so
/// that the person uploading it is told to convert it rather than that it is no picture.
fn looks_like_other_image(bytes: &[u8]) -> bool {
    if infer::get(bytes).is_some_and(|kind| kind.matcher_type() == infer::MatcherType::Image) {
        return true;
    }
    // SVG is text; `infer` does not recognise it. A look at the start is enough to name it.
    let head = &bytes[..bytes.len().min(1024)];
    let head = String::from_utf8_lossy(head).to_ascii_lowercase();
    let head = head.trim_start_matches('\u{feff}').trim_start();
    (head.starts_with("<svg") || head.starts_with("<?xml")) && head.contains("<svg")
}

/// Decodes the pixels, refusing images whose header declares too many of them before the
/// decoder allocates anything for the pixels.
fn decode(bytes: &[u8], format: ImageFormat) -> Result<DynamicImage, PhotoProblem> {
    // The JPEG decoder fills missing data with grey rather than failing; a cut-off upload must
    // be refused, not stored half grey.
    if format == ImageFormat::Jpeg && !jpeg_reaches_its_end(bytes) {
        return Err(PhotoProblem::Corrupt);
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(MAX_SIDE_PX);
    limits.max_image_height = Some(MAX_SIDE_PX);
    limits.max_alloc = Some(MAX_DECODE_BYTES);

    let mut reader = ImageReader::with_format(Cursor::new(bytes), format);
    reader.limits(limits);
    // Reading the header happens here; the limits are checked against it.
    let decoder = reader.into_decoder().map_err(problem_of)?;
    let (width, height) = decoder.dimensions();
    if width == 0 || height == 0 {
        return Err(PhotoProblem::Corrupt);
    }
    if u64::from(width) * u64::from(height) > MAX_PIXELS {
        return Err(too_many_pixels());
    }
    DynamicImage::from_decoder(decoder).map_err(problem_of)
}

/// Whether a JPEG's structure is complete: its segments and entropy-coded scans follow one
/// another up to the end-of-image marker. Anything after that marker (some phones append
/// data there, e.g. the video of a motion photo) is ignored.
fn jpeg_reaches_its_end(bytes: &[u8]) -> bool {
    let mut at = 2; // after SOI
    loop {
        if bytes.get(at) != Some(&0xFF) {
            return false;
        }
        // A marker may be preceded by any number of 0xFF fill bytes.
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let Some(&marker) = bytes.get(at) else {
            return false;
        };
        at += 1;
        match marker {
            0xD9 => return true,            // EOI
            0x01 | 0xD0..=0xD7 => continue, // TEM, RSTn: no length
            0x00 | 0xD8 => return false,    // not a marker here / a second SOI
            _ => {}
        }
        let Some(length) = bytes.get(at..at + 2) else {
            return false;
        };
        let length = usize::from(u16::from_be_bytes([length[0], length[1]]));
        if length < 2 {
            return false;
        }
        at += length;
        if marker == 0xDA {
            // Entropy-coded data follows a start of scan: 0xFF appears in it only stuffed
            // (FF 00) or as a restart marker; anything else is the next marker.
            loop {
                let Some(found) = bytes
                    .get(at..)
                    .and_then(|rest| rest.iter().position(|&b| b == 0xFF))
                else {
                    return false;
                };
                at += found;
                match bytes.get(at + 1) {
                    None => return false,
                    Some(0x00 | 0xD0..=0xD7) => at += 2,
                    Some(_) => break,
                }
            }
        }
    }
}

fn too_many_pixels() -> PhotoProblem {
    PhotoProblem::TooManyPixels {
        max_megapixels: MAX_MEGAPIXELS,
    }
}

/// Maps a decoder's failure to what the person uploading can act on.
fn problem_of(error: ImageError) -> PhotoProblem {
    match error {
        ImageError::Limits(_) => too_many_pixels(),
        // A variant of an accepted format that the decoder cannot read (e.g. lossless or
        // 12-bit JPEG): the person can re-save it as an ordinary photo.
        ImageError::Unsupported(_) => PhotoProblem::UnsupportedFormat,
        ImageError::Decoding(_)
        | ImageError::IoError(_)
        | ImageError::Parameter(_)
        | ImageError::Encoding(_) => PhotoProblem::Corrupt,
    }
}

/// What the original's EXIF data says that matters here.
#[derive(Debug, Default)]
struct ExifFacts {
    orientation: Option<Orientation>,
    had_location: bool,
}

/// Reads the EXIF data embedded in a JPEG (APP1), PNG (`eXIf`) or WebP (`EXIF`) file. Damaged
/// EXIF data is read as far as it goes and never refuses a photo whose pixels decode: the
/// copies carry none of it anyway.
fn read_exif(bytes: &[u8]) -> ExifFacts {
    let mut reader = exif::Reader::new();
    reader.continue_on_error(true);
    let exif = match reader
        .read_from_container(&mut Cursor::new(bytes))
        .or_else(|error| error.distill_partial_result(|_| {}))
    {
        Ok(exif) => exif,
        Err(_) => return ExifFacts::default(),
    };

    let orientation = exif
        .get_field(exif::Tag::Orientation, exif::In::PRIMARY)
        .and_then(|field| field.value.get_uint(0))
        .and_then(|value| u8::try_from(value).ok())
        .and_then(Orientation::from_exif);
    // GPSVersionID alone says nothing about where the photo was taken; any other GPS tag
    // (coordinates, altitude, time, area name, …) counts as location data.
    let had_location = exif.fields().any(|field| {
        field.tag.context() == exif::Context::Gps && field.tag != exif::Tag::GPSVersionID
    });
    ExifFacts {
        orientation,
        had_location,
    }
}

/// Converts to 8-bit RGB, laying any transparency on white (JPEG has no alpha, and dropping it
/// would show whatever colour the transparent pixels happen to hold, often black).
fn flatten_on_white(image: DynamicImage) -> RgbImage {
    if !image.color().has_alpha() {
        return image.into_rgb8();
    }
    let rgba = image.into_rgba8();
    let mut rgb = RgbImage::new(rgba.width(), rgba.height());
    for (out, pixel) in rgb.pixels_mut().zip(rgba.pixels()) {
        let [r, g, b, a] = pixel.0;
        let a = u16::from(a);
        let blend = |c: u8| ((u16::from(c) * a + 255 * (255 - a) + 127) / 255) as u8;
        *out = Rgb([blend(r), blend(g), blend(b)]);
    }
    rgb
}

/// Scales down so that the longest side is at most `max_side`, keeping the aspect ratio; an
/// image already small enough is returned as it is, never enlarged. Area averaging in integers
/// (`thumbnail`) rather than a filtered resize, which holds the whole image once more as
/// floating point: for a 40-megapixel photo that was 200 MB more per decode (issue 15 finding 6).
fn shrink_to_fit(image: RgbImage, max_side: u32) -> RgbImage {
    if image.width().max(image.height()) <= max_side {
        return image;
    }
    let (width, height) = fit_within(image.width(), image.height(), max_side);
    image::imageops::thumbnail(&image, width, height)
}

/// The size of `width`×`height` scaled so that its longest side is `max_side`, rounded, at
/// least one pixel per side.
fn fit_within(width: u32, height: u32, max_side: u32) -> (u32, u32) {
    let longest = u64::from(width.max(height));
    let scale = |side: u32| {
        let scaled = (u64::from(side) * u64::from(max_side) + longest / 2) / longest;
        u32::try_from(scaled).unwrap_or(max_side).clamp(1, max_side)
    };
    (scale(width), scale(height))
}

/// Encodes as baseline JPEG at [`JPEG_QUALITY`]. Nothing but the pixels is written: no EXIF,
/// no ICC profile, no comment.
fn encode_jpeg(image: &RgbImage) -> Result<Vec<u8>, PhotoProblem> {
    let mut out = Vec::new();
    image
        .write_with_encoder(JpegEncoder::new_with_quality(&mut out, JPEG_QUALITY))
        // Encoding pixels that were just decoded only fails for sizes JPEG cannot hold
        // (over 65,535 px a side), which the limits above already exclude.
        .map_err(|_| PhotoProblem::Corrupt)?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fitting_keeps_the_aspect_ratio_and_at_least_one_pixel() {
        assert_eq!(fit_within(4000, 3000, 2048), (2048, 1536));
        assert_eq!(fit_within(3000, 4000, 2048), (1536, 2048));
        assert_eq!(fit_within(2048, 2048, 320), (320, 320));
        assert_eq!(fit_within(12_000, 3, 320), (320, 1));
    }

    /// SOI, an APP0 segment, a start of scan (header of length 2), entropy-coded data with a
    /// stuffed FF 00 and a restart marker, then `tail`.
    fn jpeg_skeleton(tail: &[u8]) -> Vec<u8> {
        let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x04, 0xFF, 0xD9];
        jpeg.extend_from_slice(&[0xFF, 0xDA, 0x00, 0x02, 0x12, 0xFF, 0x00, 0x34]);
        jpeg.extend_from_slice(&[0xFF, 0xD0, 0x56, 0xFF, 0xFF]);
        jpeg.extend_from_slice(tail);
        jpeg
    }

    #[test]
    fn a_jpeg_is_complete_only_with_its_end_marker() {
        // The FF D9 inside APP0 is payload, not the end.
        assert!(jpeg_reaches_its_end(&jpeg_skeleton(&[0xD9])));
        assert!(jpeg_reaches_its_end(&jpeg_skeleton(&[0xD9, 0x00, 0xFF])));
        // A second scan after a table segment, as in progressive JPEGs.
        assert!(jpeg_reaches_its_end(&jpeg_skeleton(&[
            0xC4, 0x00, 0x03, 0x00, 0xFF, 0xDA, 0x00, 0x02, 0x78, 0xFF, 0xD9
        ])));
        assert!(!jpeg_reaches_its_end(&jpeg_skeleton(&[])));
        assert!(!jpeg_reaches_its_end(&jpeg_skeleton(&[0xC4, 0x00])));
        assert!(!jpeg_reaches_its_end(&jpeg_skeleton(&[
            0xDA, 0x00, 0x02, 0x78
        ])));
        assert!(!jpeg_reaches_its_end(&[0xFF, 0xD8]));
    }

    #[test]
    fn transparency_is_laid_on_white() {
        let mut rgba = image::RgbaImage::new(2, 1);
        rgba.put_pixel(0, 0, image::Rgba([0, 0, 0, 0]));
        rgba.put_pixel(1, 0, image::Rgba([200, 10, 10, 255]));
        let rgb = flatten_on_white(DynamicImage::ImageRgba8(rgba));
        assert_eq!(rgb.get_pixel(0, 0).0, [255, 255, 255]);
        assert_eq!(rgb.get_pixel(1, 0).0, [200, 10, 10]);
    }
}
