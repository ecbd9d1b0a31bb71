//! The coverage table as a spreadsheet, for the commune's own reports. Names go through
//! `write_string`, so a name starting with `=` stays text.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, XlsxError};

use super::model::{Level, Line, Period};
use super::store::Coverage;
use crate::error::{AppError, AppResult};

fn xerr(e: XlsxError) -> AppError {
    AppError::internal(format!("xlsx: {e}"))
}

pub fn render(v: &Coverage, period: &Period, idle: i64) -> AppResult<Vec<u8>> {
    let font = "Times New Roman";
    let title = Format::new()
        .set_font_name(font)
        .set_font_size(14)
        .set_bold();
    let plain = Format::new().set_font_name(font).set_font_size(12);
    let th = plain
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_background_color("#E7ECF2");
    let td = plain.clone().set_border(FormatBorder::Thin);
    let count = td.clone().set_num_format("#,##0");
    let pct = td.clone().set_num_format("0.0%");
    let bold = td.clone().set_bold();

    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    ws.set_name("Độ phủ").map_err(xerr)?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "ĐỘ PHỦ TIẾP XÚC HỘ GIA ĐÌNH — {}",
            v.place.name.to_uppercase()
        ),
        &title,
    )
    .map_err(xerr)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{} · đảng viên không hoạt động: không tiếp xúc trong {idle} ngày",
            period.label_vi()
        ),
        &plain,
    )
    .map_err(xerr)?;
    let by_member = v.level == Level::Member;
    let heads = [
        if by_member {
            "Đảng viên"
        } else {
            "Đơn vị"
        },
        "Số hộ",
        "Đã phân công",
        "Chưa phân công",
        "Hộ đã tiếp xúc trong kỳ",
        "Tỷ lệ",
        "Kỳ trước",
        "Lượt tiếp xúc",
        "Tiếp xúc ≤ 30 ngày",
        "≤ 60 ngày",
        "≤ 90 ngày",
        "Đảng viên",
        "Không hoạt động",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &th)
            .map_err(xerr)?;
    }
    let mut row = 4u32;
    let write = |ws: &mut rust_xlsxwriter::Worksheet,
                 row: u32,
                 l: &Line,
                 name_fmt: &Format|
     -> Result<(), XlsxError> {
        ws.write_string_with_format(row, 0, &l.name, name_fmt)?;
        let nums = [l.households, l.assigned, l.unassigned(), l.reached];
        for (i, n) in nums.iter().enumerate() {
            ws.write_number_with_format(row, 1 + i as u16, *n as f64, &count)?;
        }
        ws.write_number_with_format(row, 5, l.reach_permille() as f64 / 1000.0, &pct)?;
        let rest = [
            l.reached_before,
            l.contacts,
            l.recent_30,
            l.recent_60,
            l.recent_90,
            l.members,
            l.inactive_members,
        ];
        for (i, n) in rest.iter().enumerate() {
            ws.write_number_with_format(row, 6 + i as u16, *n as f64, &count)?;
        }
        Ok(())
    };
    for l in &v.lines {
        write(ws, row, l, &td).map_err(xerr)?;
        row += 1;
    }
    let mut total = v.total.clone();
    total.name = format!("Tổng: {}", v.place.name);
    write(ws, row, &total, &bold).map_err(xerr)?;
    // The header's wrapped words need the height; the table prints on one landscape width.
    ws.set_row_height(3, 48).map_err(xerr)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, 28).map_err(xerr)?;
    for c in 1..heads.len() as u16 {
        ws.set_column_width(c, 12).map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}
