//! The pixel budget of one submission (issue 15 finding 6). Each photo is capped by
//! [`crate::MAX_PIXELS`], but nine photos just under that cap in one post cost seconds of CPU and
//! hundreds of megabytes while they are decoded, however small their files (a 1-bit PNG of
//! 6,300 × 6,300 pixels is 5 KB). So the pixels that all photos of one form would decode are
//! added up from their headers, before anything is decoded, and a form over the budget is
//! refused as a whole.

use image::ImageReader;
use std::io::Cursor;

/// The most megapixels all photos of one submission may decode together: ten 12-megapixel phone
/// photos, while nine photos at the per-image cap (360 megapixels) are refused.
pub const MAX_SUBMISSION_MEGAPIXELS: u32 = 120;

/// [`MAX_SUBMISSION_MEGAPIXELS`] in pixels.
pub const MAX_SUBMISSION_PIXELS: u64 = MAX_SUBMISSION_MEGAPIXELS as u64 * 1_000_000;

/// Why the photos of a submission were refused together: they would decode to more pixels than
/// [`MAX_SUBMISSION_MEGAPIXELS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
#[error("the photos add up to {total_megapixels} megapixels, more than {max_megapixels}")]
pub struct OverBudget {
    /// The budget, in megapixels.
    pub max_megapixels: u32,
    /// What the photos add up to, in whole megapixels (rounded up).
    pub total_megapixels: u64,
}

/// The pixels decoding `bytes` would produce, read from the image header only: 0 for content
/// that is no readable image or that exceeds the per-image limits, since
/// [`crate::prepare_photo`] refuses those before decoding any pixel.
pub fn decoded_pixels(bytes: &[u8]) -> u64 {
    let dimensions = ImageReader::new(Cursor::new(bytes))
        .with_guessed_format()
        .ok()
        .and_then(|reader| reader.into_dimensions().ok());
    match dimensions {
        Some((width, height)) if width <= crate::MAX_SIDE_PX && height <= crate::MAX_SIDE_PX => {
            let pixels = u64::from(width) * u64::from(height);
            if pixels <= crate::MAX_PIXELS {
                pixels
            } else {
                0
            }
        }
        _ => 0,
    }
}

/// Checks that photos decoding to `pixels` each stay within [`MAX_SUBMISSION_PIXELS`] together;
/// returns their total.
pub fn check_budget(pixels: impl IntoIterator<Item = u64>) -> Result<u64, OverBudget> {
    let total = pixels.into_iter().fold(0u64, u64::saturating_add);
    if total <= MAX_SUBMISSION_PIXELS {
        Ok(total)
    } else {
        Err(OverBudget {
            max_megapixels: MAX_SUBMISSION_MEGAPIXELS,
            total_megapixels: total.div_ceil(1_000_000),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{ImageFormat, RgbImage};

    fn png(width: u32, height: u32) -> Vec<u8> {
        let mut out = Vec::new();
        image::DynamicImage::ImageRgb8(RgbImage::new(width, height))
            .write_to(&mut Cursor::new(&mut out), ImageFormat::Png)
            .unwrap();
        out
    }

    #[test]
    fn pixels_are_read_from_the_header_and_unreadable_or_refused_images_cost_none() {
        assert_eq!(decoded_pixels(&png(300, 200)), 60_000);
        assert_eq!(decoded_pixels(b"not an image"), 0);
        assert_eq!(decoded_pixels(&[]), 0);
        // Over the per-image cap: refused one by one without decoding.
        assert_eq!(decoded_pixels(&png(crate::MAX_SIDE_PX + 1, 1)), 0);
    }

    #[test]
    fn the_budget_holds_ten_phone_photos_and_refuses_nine_at_the_per_image_cap() {
        let phone = 4_000 * 3_000;
        assert_eq!(check_budget([phone; 10]), Ok(120_000_000));
        assert_eq!(check_budget([]), Ok(0));
        assert_eq!(
            check_budget([MAX_SUBMISSION_PIXELS]),
            Ok(MAX_SUBMISSION_PIXELS)
        );
        assert_eq!(
            check_budget([MAX_SUBMISSION_PIXELS, 1]),
            Err(OverBudget {
                max_megapixels: MAX_SUBMISSION_MEGAPIXELS,
                total_megapixels: 121,
            })
        );
        let hostile = 6_300 * 6_300;
        assert_eq!(
            check_budget([hostile; 9]),
            Err(OverBudget {
                max_megapixels: 120,
                total_megapixels: 358,
            })
        );
        assert!(check_budget([u64::MAX, u64::MAX]).is_err());
    }
}
