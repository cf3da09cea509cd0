//! `prepare_photo` on images made here in code: formats, sizes, orientation, location
//! stripping, and every kind of refusal.

use std::io::Cursor;

use image::{DynamicImage, ImageFormat, Rgb, RgbImage};
use minxin_media::{MAX_PHOTO_BYTES, PhotoProblem, PreparedPhoto, prepare_photo};

/// A picture with some structure in it (so encoders have real work), `width`×`height`.
fn picture(width: u32, height: u32) -> RgbImage {
    RgbImage::from_fn(width, height, |x, y| {
        Rgb([
            (x * 255 / width) as u8,
            (y * 255 / height) as u8,
            ((x ^ y) & 0xff) as u8,
        ])
    })
}

fn encode(image: RgbImage, format: ImageFormat) -> Vec<u8> {
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageRgb8(image)
        .write_to(&mut out, format)
        .expect("encodes");
    out.into_inner()
}

/// The size of a JPEG, read back from its bytes.
fn jpeg_size(bytes: &[u8]) -> (u32, u32) {
    assert_eq!(
        image::guess_format(bytes).expect("known format"),
        ImageFormat::Jpeg
    );
    let image = image::load_from_memory_with_format(bytes, ImageFormat::Jpeg).expect("decodes");
    (image.width(), image.height())
}

/// Checks the copies' formats and sizes against the expected display and thumbnail sizes.
fn assert_sizes(photo: &PreparedPhoto, display: (u32, u32), thumbnail: (u32, u32)) {
    assert_eq!((photo.width, photo.height), display);
    assert_eq!(jpeg_size(&photo.display), display);
    assert_eq!(jpeg_size(&photo.thumbnail), thumbnail);
}

/// The markers of a JPEG's segments before the image data (start of scan), with their payloads.
fn jpeg_segments(bytes: &[u8]) -> Vec<(u8, &[u8])> {
    assert_eq!(&bytes[..2], &[0xFF, 0xD8], "starts with SOI");
    let mut segments = Vec::new();
    let mut at = 2;
    loop {
        assert_eq!(bytes[at], 0xFF, "a marker at {at}");
        let marker = bytes[at + 1];
        let length = usize::from(u16::from_be_bytes([bytes[at + 2], bytes[at + 3]]));
        segments.push((marker, &bytes[at + 4..at + 2 + length]));
        if marker == 0xDA {
            return segments;
        }
        at += 2 + length;
    }
}

/// Asserts that a JPEG carries no metadata: no APP1 (EXIF, XMP), no APP2 (ICC), no comment;
/// only the JFIF APP0 header is allowed, and the bytes `Exif` appear nowhere before the scan.
fn assert_no_metadata(bytes: &[u8]) {
    for (marker, payload) in jpeg_segments(bytes) {
        assert!(
            !(0xE1..=0xEF).contains(&marker) && marker != 0xFE,
            "metadata segment FF{marker:02X} in the output"
        );
        assert!(!payload.windows(4).any(|w| w == b"Exif"));
        if marker == 0xE0 {
            assert!(payload.starts_with(b"JFIF\0"), "APP0 is JFIF only");
        }
    }
}

/// Minimal big-endian ("MM") TIFF data as found in an EXIF APP1 segment after `Exif\0\0`.
///
/// ```text
/// 0   4D 4D 00 2A 00 00 00 08        byte order MM, magic 42, IFD0 at offset 8
/// 8   IFD0: entry count, then 12-byte entries (tag, type, count, value or offset),
///           then the offset of the next IFD (0: none)
///       0112 Orientation  type 3 SHORT, count 1, value in the first 2 bytes   (if any)
///       8825 GPSInfo      type 4 LONG,  count 1, offset of the GPS IFD        (if gps)
/// GPS IFD: 4 entries, next-IFD offset 0
///       0001 GPSLatitudeRef   type 2 ASCII,    count 2, "N\0" inline
///       0002 GPSLatitude      type 5 RATIONAL, count 3, offset of 24 bytes below
///       0003 GPSLongitudeRef  type 2 ASCII,    count 2, "E\0" inline
///       0004 GPSLongitude     type 5 RATIONAL, count 3, offset of 24 bytes below
/// then the rationals (numerator, denominator as u32 each): 30/1 15/1 0/1 and 120/1 10/1 0/1,
/// i.e. 30°15′N 120°10′E.
/// ```
fn exif_tiff(orientation: Option<u16>, gps: bool) -> Vec<u8> {
    let mut ifd0: Vec<[u8; 12]> = Vec::new();
    let ifd0_entries = usize::from(orientation.is_some()) + usize::from(gps);
    let gps_ifd_at = 8 + 2 + 12 * ifd0_entries + 4;
    if let Some(orientation) = orientation {
        ifd0.push(entry(0x0112, 3, 1, &orientation.to_be_bytes()));
    }
    if gps {
        ifd0.push(entry(0x8825, 4, 1, &(gps_ifd_at as u32).to_be_bytes()));
    }

    let mut tiff = b"MM\x00\x2A\x00\x00\x00\x08".to_vec();
    push_ifd(&mut tiff, &ifd0);
    if gps {
        assert_eq!(tiff.len(), gps_ifd_at);
        let rationals_at = (gps_ifd_at + 2 + 12 * 4 + 4) as u32;
        let gps_ifd = [
            entry(0x0001, 2, 2, b"N\0"),
            entry(0x0002, 5, 3, &rationals_at.to_be_bytes()),
            entry(0x0003, 2, 2, b"E\0"),
            entry(0x0004, 5, 3, &(rationals_at + 24).to_be_bytes()),
        ];
        push_ifd(&mut tiff, &gps_ifd);
        for value in [30u32, 1, 15, 1, 0, 1, 120, 1, 10, 1, 0, 1] {
            tiff.extend_from_slice(&value.to_be_bytes());
        }
    }
    tiff
}

/// One IFD entry; `value` (at most 4 bytes) is left-aligned in the value field.
fn entry(tag: u16, kind: u16, count: u32, value: &[u8]) -> [u8; 12] {
    let mut entry = [0u8; 12];
    entry[0..2].copy_from_slice(&tag.to_be_bytes());
    entry[2..4].copy_from_slice(&kind.to_be_bytes());
    entry[4..8].copy_from_slice(&count.to_be_bytes());
    entry[8..8 + value.len()].copy_from_slice(value);
    entry
}

fn push_ifd(tiff: &mut Vec<u8>, entries: &[[u8; 12]]) {
    tiff.extend_from_slice(&(entries.len() as u16).to_be_bytes());
    for entry in entries {
        tiff.extend_from_slice(entry);
    }
    tiff.extend_from_slice(&0u32.to_be_bytes());
}

/// The JPEG with an APP1 `Exif` segment holding `tiff` inserted right after SOI, where
/// cameras put it.
fn with_exif(jpeg: &[u8], tiff: &[u8]) -> Vec<u8> {
    let mut payload = b"Exif\0\0".to_vec();
    payload.extend_from_slice(tiff);
    let length = u16::try_from(payload.len() + 2).expect("fits a segment");
    let mut out = jpeg[..2].to_vec();
    out.extend_from_slice(&[0xFF, 0xE1]);
    out.extend_from_slice(&length.to_be_bytes());
    out.extend_from_slice(&payload);
    out.extend_from_slice(&jpeg[2..]);
    out
}

/// Appends a PNG chunk (length, type, data, CRC).
fn png_chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
    out.extend_from_slice(&(data.len() as u32).to_be_bytes());
    out.extend_from_slice(kind);
    out.extend_from_slice(data);
    let mut crc = crc32fast::Hasher::new();
    crc.update(kind);
    crc.update(data);
    out.extend_from_slice(&crc.finalize().to_be_bytes());
}

/// A PNG made of the signature, an IHDR chunk declaring `width`×`height` 8-bit RGB (with a
/// correct CRC), a few bytes of IDAT and IEND: enough for a decoder to read the header.
fn png_header_only(width: u32, height: u32) -> Vec<u8> {
    let mut ihdr = Vec::new();
    ihdr.extend_from_slice(&width.to_be_bytes());
    ihdr.extend_from_slice(&height.to_be_bytes());
    // Bit depth 8, colour type 2 (RGB), compression 0, filter 0, no interlace.
    ihdr.extend_from_slice(&[8, 2, 0, 0, 0]);
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    png_chunk(&mut png, b"IHDR", &ihdr);
    png_chunk(
        &mut png,
        b"IDAT",
        &[0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01],
    );
    png_chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn a_png_becomes_a_jpeg_of_the_same_size_with_a_thumbnail() {
    let photo = prepare_photo(&encode(picture(640, 480), ImageFormat::Png)).expect("accepted");
    assert_sizes(&photo, (640, 480), (320, 240));
    assert!(!photo.had_location);
    assert_no_metadata(&photo.display);
    assert_no_metadata(&photo.thumbnail);
}

#[test]
fn a_jpeg_is_re_encoded_at_the_same_size_with_a_thumbnail() {
    let photo = prepare_photo(&encode(picture(1000, 750), ImageFormat::Jpeg)).expect("accepted");
    assert_sizes(&photo, (1000, 750), (320, 240));
    assert!(!photo.had_location);
    assert_no_metadata(&photo.display);
}

#[test]
fn a_webp_becomes_a_jpeg() {
    let photo = prepare_photo(&encode(picture(400, 300), ImageFormat::WebP)).expect("accepted");
    assert_sizes(&photo, (400, 300), (320, 240));
}

#[test]
fn a_large_photo_is_scaled_down_keeping_its_aspect_ratio() {
    let landscape = prepare_photo(&encode(picture(4000, 3000), ImageFormat::Jpeg)).expect("ok");
    assert_sizes(&landscape, (2048, 1536), (320, 240));

    let portrait = prepare_photo(&encode(picture(1000, 3000), ImageFormat::Png)).expect("ok");
    // 1000 × 2048 / 3000 = 682.7 → 683; 683 × 320 / 2048 = 106.7 → 107.
    assert_eq!((portrait.width, portrait.height), (683, 2048));
    assert_eq!(jpeg_size(&portrait.display), (683, 2048));
    let (thumb_width, thumb_height) = jpeg_size(&portrait.thumbnail);
    assert_eq!(thumb_height, 320);
    assert!((106..=107).contains(&thumb_width), "{thumb_width}");
}

#[test]
fn a_small_photo_is_not_enlarged() {
    let photo = prepare_photo(&encode(picture(100, 50), ImageFormat::Png)).expect("accepted");
    assert_sizes(&photo, (100, 50), (100, 50));
}

#[test]
fn a_gps_location_is_reported_and_removed() {
    let jpeg = with_exif(
        &encode(picture(120, 80), ImageFormat::Jpeg),
        &exif_tiff(Some(1), true),
    );
    // The test image really carries the location, as a reader of EXIF sees it.
    let exif = exif::Reader::new()
        .read_from_container(&mut Cursor::new(&jpeg))
        .expect("the test's EXIF is valid");
    assert!(
        exif.get_field(exif::Tag::GPSLatitude, exif::In::PRIMARY)
            .is_some()
    );
    assert!(
        jpeg_segments(&jpeg)
            .iter()
            .any(|(m, p)| *m == 0xE1 && p.starts_with(b"Exif"))
    );

    let photo = prepare_photo(&jpeg).expect("accepted");
    assert!(photo.had_location);
    assert_sizes(&photo, (120, 80), (120, 80));
    assert_no_metadata(&photo.display);
    assert_no_metadata(&photo.thumbnail);
    for copy in [&photo.display, &photo.thumbnail] {
        assert!(
            exif::Reader::new()
                .read_from_container(&mut Cursor::new(copy))
                .is_err()
        );
    }
}

#[test]
fn a_jpeg_with_data_after_its_end_is_accepted() {
    // Motion photos and some phone makers append data after the end-of-image marker.
    let mut jpeg = encode(picture(64, 48), ImageFormat::Jpeg);
    jpeg.extend_from_slice(b"\x00\x00\x00\x18ftypmp42 trailing video data");
    let photo = prepare_photo(&jpeg).expect("accepted");
    assert_sizes(&photo, (64, 48), (64, 48));
}

#[test]
fn exif_in_a_png_is_read_too() {
    // PNG keeps EXIF in an `eXIf` chunk (raw TIFF data, no `Exif` prefix) before the image
    // data; here it sits right after IHDR (8-byte signature + 25-byte IHDR chunk).
    let stored = RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            Rgb([220, 0, 0])
        } else {
            Rgb([0, 0, 220])
        }
    });
    let png = encode(stored, ImageFormat::Png);
    let mut with_exif = png[..33].to_vec();
    png_chunk(&mut with_exif, b"eXIf", &exif_tiff(Some(6), true));
    with_exif.extend_from_slice(&png[33..]);

    let photo = prepare_photo(&with_exif).expect("accepted");
    assert!(photo.had_location);
    assert_sizes(&photo, (20, 40), (20, 40));
    assert_no_metadata(&photo.display);
    let upright = image::load_from_memory(&photo.display)
        .expect("decodes")
        .into_rgb8();
    assert!(
        upright.get_pixel(10, 5).0[0] > 150,
        "the left edge is now the top"
    );
}

#[test]
fn a_transparent_png_is_laid_on_white() {
    let mut rgba = image::RgbaImage::from_pixel(30, 30, image::Rgba([0, 0, 0, 0]));
    rgba.put_pixel(15, 15, image::Rgba([0, 0, 0, 255]));
    let mut png = Cursor::new(Vec::new());
    DynamicImage::ImageRgba8(rgba)
        .write_to(&mut png, ImageFormat::Png)
        .expect("encodes");
    let photo = prepare_photo(png.get_ref()).expect("accepted");
    let shown = image::load_from_memory(&photo.display)
        .expect("decodes")
        .into_rgb8();
    assert!(
        shown.get_pixel(2, 2).0.iter().all(|&c| c > 245),
        "white, not black"
    );
}

#[test]
fn exif_without_gps_is_no_location() {
    let jpeg = with_exif(
        &encode(picture(120, 80), ImageFormat::Jpeg),
        &exif_tiff(Some(1), false),
    );
    let photo = prepare_photo(&jpeg).expect("accepted");
    assert!(!photo.had_location);
    assert_sizes(&photo, (120, 80), (120, 80));
    assert_no_metadata(&photo.display);
}

#[test]
fn exif_orientation_6_turns_the_photo_upright() {
    // Left half red, right half blue. Orientation 6 says: rotate 90° clockwise to view, so the
    // left edge becomes the top.
    let stored = RgbImage::from_fn(40, 20, |x, _| {
        if x < 20 {
            Rgb([220, 0, 0])
        } else {
            Rgb([0, 0, 220])
        }
    });
    let jpeg = with_exif(
        &encode(stored, ImageFormat::Jpeg),
        &exif_tiff(Some(6), false),
    );
    let photo = prepare_photo(&jpeg).expect("accepted");
    assert_sizes(&photo, (20, 40), (20, 40));
    assert_no_metadata(&photo.display);

    let upright = image::load_from_memory(&photo.display)
        .expect("decodes")
        .into_rgb8();
    let top = upright.get_pixel(10, 5).0;
    let bottom = upright.get_pixel(10, 35).0;
    assert!(top[0] > 150 && top[2] < 80, "top is red: {top:?}");
    assert!(
        bottom[2] > 150 && bottom[0] < 80,
        "bottom is blue: {bottom:?}"
    );
}

#[test]
fn content_that_is_no_image_is_refused_whatever_its_name() {
    let html = b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>";
    assert_eq!(prepare_photo(html), Err(PhotoProblem::NotAnImage));
    let pdf = b"%PDF-1.7\n1 0 obj\n<< /Type /Catalog >>\nendobj\n%%EOF\n";
    assert_eq!(prepare_photo(pdf), Err(PhotoProblem::NotAnImage));
    assert_eq!(prepare_photo(b""), Err(PhotoProblem::NotAnImage));
    assert_eq!(
        prepare_photo(b"just some text"),
        Err(PhotoProblem::NotAnImage)
    );
}

#[test]
fn other_image_formats_are_unsupported() {
    // A complete 1×1 GIF89a.
    let gif: &[u8] = &[
        0x47, 0x49, 0x46, 0x38, 0x39, 0x61, 0x01, 0x00, 0x01, 0x00, 0x80, 0x00, 0x00, 0xFF, 0xFF,
        0xFF, 0x00, 0x00, 0x00, 0x21, 0xF9, 0x04, 0x01, 0x00, 0x00, 0x00, 0x00, 0x2C, 0x00, 0x00,
        0x00, 0x00, 0x01, 0x00, 0x01, 0x00, 0x00, 0x02, 0x02, 0x44, 0x01, 0x00, 0x3B,
    ];
    assert_eq!(prepare_photo(gif), Err(PhotoProblem::UnsupportedFormat));
    // The start of an iPhone HEIC file: an ISO-BMFF `ftyp` box with brand `heic`.
    let heic = b"\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic\x00\x00\x00\x08mdat";
    assert_eq!(prepare_photo(heic), Err(PhotoProblem::UnsupportedFormat));
    let svg = br#"<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"></svg>"#;
    assert_eq!(prepare_photo(svg), Err(PhotoProblem::UnsupportedFormat));
    let tiff = exif_tiff(Some(1), false);
    assert_eq!(prepare_photo(&tiff), Err(PhotoProblem::UnsupportedFormat));
}

#[test]
fn truncated_or_damaged_images_are_corrupt() {
    let jpeg = encode(picture(200, 200), ImageFormat::Jpeg);
    assert_eq!(
        prepare_photo(&jpeg[..jpeg.len() / 2]),
        Err(PhotoProblem::Corrupt)
    );
    assert_eq!(prepare_photo(&jpeg[..20]), Err(PhotoProblem::Corrupt));

    let png = encode(picture(200, 200), ImageFormat::Png);
    assert_eq!(
        prepare_photo(&png[..png.len() / 2]),
        Err(PhotoProblem::Corrupt)
    );
    assert_eq!(prepare_photo(&png[..8]), Err(PhotoProblem::Corrupt));

    let webp = encode(picture(200, 200), ImageFormat::WebP);
    assert_eq!(
        prepare_photo(&webp[..webp.len() / 2]),
        Err(PhotoProblem::Corrupt)
    );

    let mut garbled = b"\xFF\xD8\xFF\xE0".to_vec();
    garbled.extend(std::iter::repeat_n(0x5A, 1000));
    assert_eq!(prepare_photo(&garbled), Err(PhotoProblem::Corrupt));
}

#[test]
fn an_oversized_upload_is_refused_before_decoding() {
    let mut big = encode(picture(16, 16), ImageFormat::Jpeg);
    big.resize(MAX_PHOTO_BYTES + 1, 0);
    assert_eq!(
        prepare_photo(&big),
        Err(PhotoProblem::TooLarge { max_mb: 10 })
    );
}

#[test]
fn a_decompression_bomb_is_refused_from_its_header() {
    // 100,000 × 100,000 RGB would need 30 GB; the header alone must be enough to refuse it.
    let bomb = png_header_only(100_000, 100_000);
    assert_eq!(
        prepare_photo(&bomb),
        Err(PhotoProblem::TooManyPixels { max_megapixels: 40 })
    );
    // Each side within the limit, the area (50 megapixels) not.
    let wide = png_header_only(10_000, 5_000);
    assert_eq!(
        prepare_photo(&wide),
        Err(PhotoProblem::TooManyPixels { max_megapixels: 40 })
    );
    // A thin strip of few pixels but one absurd side.
    let strip = png_header_only(20_000, 1);
    assert_eq!(
        prepare_photo(&strip),
        Err(PhotoProblem::TooManyPixels { max_megapixels: 40 })
    );
}

#[test]
fn problems_serialise_with_a_code() {
    let json = |problem: PhotoProblem| serde_json::to_value(problem).expect("serialises");
    assert_eq!(
        json(PhotoProblem::TooLarge { max_mb: 10 }),
        serde_json::json!({ "code": "too_large", "max_mb": 10 })
    );
    assert_eq!(
        json(PhotoProblem::TooManyPixels { max_megapixels: 40 }),
        serde_json::json!({ "code": "too_many_pixels", "max_megapixels": 40 })
    );
    assert_eq!(
        json(PhotoProblem::NotAnImage),
        serde_json::json!({ "code": "not_an_image" })
    );
    assert_eq!(
        json(PhotoProblem::UnsupportedFormat),
        serde_json::json!({ "code": "unsupported_format" })
    );
    assert_eq!(
        json(PhotoProblem::Corrupt),
        serde_json::json!({ "code": "corrupt" })
    );
}
