//! The report's chart: the shares that say how the model works (households reached,
//! members active, campaigns delivered, petitions resolved, stages on time), this period
//! beside the previous one. As SVG for the pages, and as a PNG of the same bars for the
//! DOCX (a Word document carries raster images everywhere; its caption names the rows).

use image::{ImageBuffer, Rgb};

use super::indicators::{Figures, Indicator as I};
use crate::web::chart::{self, Row, Series};
use crate::web::format::percent;

/// The indicators the chart shows, in order.
pub const SHOWN: [I; 5] = [
    I::Reached,
    I::MembersActive,
    I::CampaignDelivered,
    I::PetitionsResolved,
    I::StagesOnTime,
];

/// Short labels for the chart's rows (the table gives the full names).
pub fn short_label(i: I) -> &'static str {
    match i {
        I::Reached => "Hộ được tiếp xúc",
        I::MembersActive => "Đảng viên hoạt động",
        I::CampaignDelivered => "Tuyên truyền đến hộ",
        I::PetitionsResolved => "KN hộ xác nhận",
        I::StagesOnTime => "Xử lý đúng hạn",
        other => other.label_vi(),
    }
}

/// Per row: the label and the shares (per mille) now and before; `None` when nothing to
/// measure.
pub fn rows(now: &Figures, before: &Figures) -> Vec<(&'static str, Option<i64>, Option<i64>)> {
    SHOWN
        .iter()
        .map(|i| (short_label(*i), now.share(*i), before.share(*i)))
        .collect()
}

/// The SVG of the chart.
pub fn svg(now: &Figures, before: &Figures) -> String {
    let rows: Vec<Row> = rows(now, before)
        .into_iter()
        .map(|(label, a, b)| Row {
            label: label.into(),
            values: vec![a.unwrap_or(0), b.unwrap_or(0)],
            figures: vec![
                a.map_or_else(|| "—".into(), percent),
                b.map_or_else(|| "—".into(), percent),
            ],
            mark: None,
        })
        .collect();
    chart::grouped(
        &rows,
        &[
            Series {
                name: "Kỳ này",
                colour: "#1f5fa8",
            },
            Series {
                name: "Kỳ trước",
                colour: "#9db7d8",
            },
        ],
        "Tỉ lệ kỳ này và kỳ trước",
    )
}

/// The same bars as a PNG, `width` × `height` pixels: per row a dark bar (this period) over
/// a light one (the previous), on a 0–100 % scale with lines at each quarter.
pub fn png(now: &Figures, before: &Figures) -> (Vec<u8>, u32, u32) {
    const W: u32 = 600;
    const ROW: u32 = 44;
    const LEFT: u32 = 40;
    const RIGHT: u32 = 16;
    let data = rows(now, before);
    let h = ROW * data.len() as u32 + 16;
    let mut img: ImageBuffer<Rgb<u8>, Vec<u8>> =
        ImageBuffer::from_pixel(W, h, Rgb([255, 255, 255]));
    let bar_w = W - LEFT - RIGHT;
    let mut fill = |x0: u32, y0: u32, x1: u32, y1: u32, c: Rgb<u8>| {
        for y in y0..y1.min(h) {
            for x in x0..x1.min(W) {
                img.put_pixel(x, y, c);
            }
        }
    };
    for q in 0..=4 {
        let x = LEFT + bar_w * q / 4;
        fill(x, 0, x + 1, h, Rgb([210, 214, 220]));
    }
    for (n, (_, a, b)) in data.iter().enumerate() {
        let y = 8 + ROW * n as u32;
        // The row's number, as small blocks: the caption says which row is which.
        for k in 0..=n as u32 {
            fill(8 + k * 6, y + 8, 12 + k * 6, y + 24, Rgb([60, 60, 60]));
        }
        let len = |v: &Option<i64>| bar_w * v.unwrap_or(0).clamp(0, 1000) as u32 / 1000;
        fill(LEFT, y + 2, LEFT + len(a), y + 18, Rgb([31, 95, 168]));
        fill(LEFT, y + 20, LEFT + len(b), y + 34, Rgb([157, 183, 216]));
    }
    let mut out = std::io::Cursor::new(Vec::new());
    // Encoding an in-memory RGB buffer cannot fail but on allocation; an empty image
    // leaves the chart out rather than the document.
    if image::DynamicImage::ImageRgb8(img)
        .write_to(&mut out, image::ImageFormat::Png)
        .is_err()
    {
        return (Vec::new(), 0, 0);
    }
    (out.into_inner(), W, h)
}

/// The caption under the PNG: which row is which, with both figures.
pub fn caption(now: &Figures, before: &Figures) -> String {
    let parts: Vec<String> = rows(now, before)
        .into_iter()
        .enumerate()
        .map(|(n, (label, a, b))| {
            format!(
                "({}) {}: {} (kỳ trước {})",
                n + 1,
                label,
                a.map_or_else(|| "—".into(), percent),
                b.map_or_else(|| "—".into(), percent)
            )
        })
        .collect();
    format!(
        "Biểu đồ: tỉ lệ kỳ này (thanh đậm) và kỳ trước (thanh nhạt), thang 0–100%. {}.",
        parts.join("; ")
    )
}
