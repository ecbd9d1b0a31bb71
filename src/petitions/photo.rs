//! A petition's photo: taken on a phone, it carries the place, the time and the phone in
//! its metadata. It is decoded and encoded again as a JPEG of bounded size, which keeps
//! the picture and nothing else.

use std::io::Cursor;

use image::codecs::jpeg::JpegEncoder;
use image::ImageFormat;

use crate::error::{AppError, AppResult};

/// The largest photo accepted as sent (a phone's full-size picture).
pub const MAX_UPLOAD: usize = 8 * 1024 * 1024;
/// The longest side kept: enough to see a broken road or a blocked drain.
pub const MAX_SIDE: u32 = 1600;
const QUALITY: u8 = 80;

/// The photo re-encoded as a JPEG without metadata, or why it cannot be used.
pub fn clean(bytes: &[u8]) -> AppResult<Vec<u8>> {
    if bytes.len() > MAX_UPLOAD {
        return Err(AppError::invalid(
            "photo",
            format!(
                "Ảnh nặng {} MB, quá giới hạn {} MB; hãy chụp lại ở cỡ nhỏ hơn",
                bytes.len().div_ceil(1024 * 1024),
                MAX_UPLOAD / 1024 / 1024
            ),
        ));
    }
    let refuse = || {
        AppError::invalid(
            "photo",
            "Tệp ảnh không đọc được; chỉ nhận ảnh JPEG hoặc PNG",
        )
    };
    let format = image::guess_format(bytes).map_err(|_| refuse())?;
    if !matches!(format, ImageFormat::Jpeg | ImageFormat::Png) {
        return Err(refuse());
    }
    let mut reader = image::ImageReader::with_format(Cursor::new(bytes), format);
    // Bounds the memory a crafted file can make the decoder take.
    let mut limits = image::Limits::default();
    limits.max_image_width = Some(12_000);
    limits.max_image_height = Some(12_000);
    limits.max_alloc = Some(256 * 1024 * 1024);
    reader.limits(limits);
    let img = reader.decode().map_err(|_| refuse())?;
    let img = if img.width() > MAX_SIDE || img.height() > MAX_SIDE {
        img.resize(MAX_SIDE, MAX_SIDE, image::imageops::FilterType::Triangle)
    } else {
        img
    };
    let mut out = Vec::new();
    JpegEncoder::new_with_quality(&mut out, QUALITY)
        .encode_image(&img.to_rgb8())
        .map_err(|e| AppError::internal(format!("photo re-encode: {e}")))?;
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn jpeg_with_exif() -> Vec<u8> {
        let img = image::RgbImage::from_pixel(40, 30, image::Rgb([200, 100, 50]));
        let mut plain = Vec::new();
        JpegEncoder::new_with_quality(&mut plain, 90)
            .encode_image(&img)
            .unwrap();
        // An APP1 "Exif" segment right after SOI, as a phone writes one.
        let payload = b"Exif\0\0GPS 20.7375N 106.0699E phone-model";
        let len = (payload.len() + 2) as u16;
        let mut out = vec![0xFF, 0xD8, 0xFF, 0xE1];
        out.extend_from_slice(&len.to_be_bytes());
        out.extend_from_slice(payload);
        out.extend_from_slice(&plain[2..]);
        out
    }

    #[test]
    fn metadata_is_dropped_and_the_picture_kept() {
        let sent = jpeg_with_exif();
        assert!(sent.windows(4).any(|w| w == b"Exif"));
        let kept = clean(&sent).unwrap();
        assert!(!kept.windows(4).any(|w| w == b"Exif"));
        assert!(!kept.windows(3).any(|w| w == b"GPS"));
        let back = image::load_from_memory(&kept).unwrap();
        assert_eq!((back.width(), back.height()), (40, 30));
    }

    #[test]
    fn large_pictures_are_scaled_down_and_other_files_refused() {
        let img = image::RgbImage::from_pixel(3200, 800, image::Rgb([1, 2, 3]));
        let mut png = Vec::new();
        image::DynamicImage::ImageRgb8(img)
            .write_to(&mut Cursor::new(&mut png), ImageFormat::Png)
            .unwrap();
        let kept = image::load_from_memory(&clean(&png).unwrap()).unwrap();
        assert_eq!((kept.width(), kept.height()), (1600, 400));
        assert!(clean(b"%PDF-1.4 not a picture").is_err());
        assert!(clean(&vec![0u8; MAX_UPLOAD + 1]).is_err());
    }
}
