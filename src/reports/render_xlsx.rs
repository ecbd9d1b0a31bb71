//! The report's annex as a spreadsheet: the table of figures (this period, previous
//! period, target, share) and, for a province's consolidated report, one line per commune
//! with the figures of its accepted report. Numbers are numbers, so the board can add them
//! up again; names go through `write_string`.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::consolidation::CommuneLine;
use super::indicators::{Figures, Indicator, Shown};
use super::store::Report;
use crate::error::{AppError, AppResult};

fn xerr(e: XlsxError) -> AppError {
    AppError::internal(format!("xlsx: {e}"))
}

struct Formats {
    title: Format,
    plain: Format,
    th: Format,
    td: Format,
    count: Format,
    pct: Format,
}

fn formats() -> Formats {
    let font = "Times New Roman";
    let plain = Format::new().set_font_name(font).set_font_size(12);
    let td = plain.clone().set_border(FormatBorder::Thin);
    Formats {
        title: Format::new()
            .set_font_name(font)
            .set_font_size(14)
            .set_bold(),
        th: plain
            .clone()
            .set_bold()
            .set_border(FormatBorder::Thin)
            .set_text_wrap()
            .set_background_color("#E7ECF2"),
        count: td.clone().set_num_format("#,##0"),
        pct: td.clone().set_num_format("0.0%"),
        td,
        plain,
    }
}

fn share(f: &Figures, i: Indicator) -> Option<f64> {
    f.share(i).map(|p| p as f64 / 1000.0)
}

fn figure_cell(
    ws: &mut Worksheet,
    row: u32,
    col: u16,
    f: &Figures,
    i: Indicator,
    x: &Formats,
) -> AppResult<()> {
    if f.has(i) {
        ws.write_number_with_format(row, col, f.get(i) as f64, &x.count)
            .map_err(xerr)?;
    } else {
        ws.write_string_with_format(row, col, "—", &x.td)
            .map_err(xerr)?;
    }
    Ok(())
}

pub fn render(r: &Report, communes: &[CommuneLine]) -> AppResult<Vec<u8>> {
    let x = formats();
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Chỉ tiêu").map_err(xerr)?;
    ws.write_string_with_format(
        0,
        0,
        format!("PHỤ LỤC SỐ LIỆU — {}", r.unit.name.to_uppercase()),
        &x.title,
    )
    .map_err(xerr)?;
    ws.write_string_with_format(
        1,
        0,
        format!("{} · kèm {}", r.period.label_vi(), r.number_text()),
        &x.plain,
    )
    .map_err(xerr)?;
    let heads = [
        "TT",
        "Chỉ tiêu",
        "Kỳ này",
        "Tỉ lệ kỳ này",
        "Kỳ trước",
        "Tỉ lệ kỳ trước",
        "Chỉ tiêu đề ra",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &x.th)
            .map_err(xerr)?;
    }
    for (n, i) in Indicator::ALL.iter().enumerate() {
        let row = 4 + n as u32;
        ws.write_number_with_format(row, 0, (n + 1) as f64, &x.td)
            .map_err(xerr)?;
        ws.write_string_with_format(row, 1, i.label_vi(), &x.td)
            .map_err(xerr)?;
        figure_cell(ws, row, 2, &r.figures, *i, &x)?;
        figure_cell(ws, row, 4, &r.previous, *i, &x)?;
        for (col, f) in [(3u16, &r.figures), (5, &r.previous)] {
            match share(f, *i) {
                Some(s) => ws
                    .write_number_with_format(row, col, s, &x.pct)
                    .map_err(xerr)?,
                None => ws
                    .write_string_with_format(row, col, "", &x.td)
                    .map_err(xerr)?,
            };
        }
        match (r.targets.get(i), i.shown()) {
            (Some(t), Shown::ShareOf(_) | Shown::OnTimeShare) => ws
                .write_number_with_format(row, 6, *t as f64 / 1000.0, &x.pct)
                .map_err(xerr)?,
            (Some(t), _) => ws
                .write_number_with_format(row, 6, *t as f64, &x.count)
                .map_err(xerr)?,
            (None, _) => ws
                .write_string_with_format(row, 6, "", &x.td)
                .map_err(xerr)?,
        };
    }
    ws.set_column_width(0, 5).map_err(xerr)?;
    ws.set_column_width(1, 46).map_err(xerr)?;
    for c in 2..=6 {
        ws.set_column_width(c, 14).map_err(xerr)?;
    }

    if !communes.is_empty() {
        let ws = wb.add_worksheet();
        ws.set_name("Theo xã").map_err(xerr)?;
        ws.write_string_with_format(
            0,
            0,
            "SỐ LIỆU THEO BÁO CÁO ĐÃ TIẾP NHẬN CỦA CÁC XÃ",
            &x.title,
        )
        .map_err(xerr)?;
        ws.write_string_with_format(2, 0, "Xã, phường", &x.th)
            .map_err(xerr)?;
        ws.write_string_with_format(2, 1, "Tình trạng", &x.th)
            .map_err(xerr)?;
        for (n, i) in Indicator::ALL.iter().enumerate() {
            ws.write_string_with_format(2, 2 + n as u16, i.label_vi(), &x.th)
                .map_err(xerr)?;
        }
        for (k, c) in communes.iter().enumerate() {
            let row = 3 + k as u32;
            ws.write_string_with_format(row, 0, &c.name, &x.td)
                .map_err(xerr)?;
            ws.write_string_with_format(row, 1, c.timeliness.label_vi(), &x.td)
                .map_err(xerr)?;
            for (n, i) in Indicator::ALL.iter().enumerate() {
                match &c.accepted {
                    Some(f) => figure_cell(ws, row, 2 + n as u16, f, *i, &x)?,
                    None => {
                        ws.write_string_with_format(row, 2 + n as u16, "", &x.td)
                            .map_err(xerr)?;
                    }
                }
            }
        }
        ws.set_column_width(0, 28).map_err(xerr)?;
        ws.set_column_width(1, 18).map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}
