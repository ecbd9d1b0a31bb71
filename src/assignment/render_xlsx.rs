//! The assignment list as a spreadsheet: one row per pair (easy to sort and filter),
//! plus a sheet of loads per member. Every text goes through `write_string`, so a name
//! or address starting with `=`, `+`, `-` or `@` stays text and never runs as a formula.

use rust_xlsxwriter::{
    ExcelDateTime, Format, FormatAlign, FormatBorder, Workbook, Worksheet, XlsxError,
};

use super::model::{reason_label, MemberGroup, PlanHead};
use crate::error::{AppError, AppResult};

pub struct ListBook<'a> {
    pub commune_name: &'a str,
    pub village_name: &'a str,
    pub village_type: &'a str,
    pub head: &'a PlanHead,
    pub groups: &'a [MemberGroup],
}

fn xerr(e: XlsxError) -> AppError {
    AppError::internal(format!("xlsx: {e}"))
}

/// The plan's date (approval, else drafting) as a Vietnam calendar day.
fn excel_date(stored: &str) -> Option<ExcelDateTime> {
    let t = crate::clock::parse(stored)?.to_offset(crate::clock::VIETNAM);
    let year = u16::try_from(t.year()).ok()?;
    ExcelDateTime::from_ymd(year, u8::from(t.month()), t.day()).ok()
}

/// Column width in Excel characters that fits the longest value (capped).
fn fit(values: impl Iterator<Item = usize>, min: usize, max: usize) -> f64 {
    values.fold(min, |w, n| w.max(n + 2)).min(max) as f64
}

pub fn render(b: &ListBook<'_>) -> AppResult<Vec<u8>> {
    let font = "Times New Roman";
    let title = Format::new()
        .set_font_name(font)
        .set_font_size(14)
        .set_bold();
    let plain = Format::new().set_font_name(font).set_font_size(12);
    let italic = plain.clone().set_italic();
    let date = plain
        .clone()
        .set_num_format("dd/mm/yyyy")
        .set_align(FormatAlign::Left);
    let th = plain
        .clone()
        .set_bold()
        .set_border(FormatBorder::Thin)
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color("#E7ECF2");
    let td = plain.clone().set_border(FormatBorder::Thin).set_text_wrap();
    let num = td.clone().set_align(FormatAlign::Right);

    let mut wb = Workbook::new();
    let unit = format!(
        "Chi bộ {} {} – {}",
        b.village_type.to_lowercase(),
        b.village_name,
        b.commune_name
    );
    let when = b.head.approved_at.as_deref().unwrap_or(&b.head.drafted_at);

    let ws: &mut Worksheet = wb.add_worksheet();
    ws.set_name("Phân công").map_err(xerr)?;
    // Printed: A4 landscape, one page wide, the header row on every page.
    ws.set_paper_size(9);
    ws.set_landscape();
    ws.set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(4, 4).map_err(xerr)?;
    ws.merge_range(
        0,
        0,
        0,
        6,
        "DANH SÁCH PHÂN CÔNG ĐẢNG VIÊN PHỤ TRÁCH HỘ GIA ĐÌNH",
        &title,
    )
    .map_err(xerr)?;
    ws.merge_range(1, 0, 1, 6, &unit, &plain).map_err(xerr)?;
    ws.write_string_with_format(2, 0, "Ngày", &italic)
        .map_err(xerr)?;
    match excel_date(when) {
        Some(d) => ws
            .write_datetime_with_format(2, 1, &d, &date)
            .map_err(xerr)?,
        None => ws
            .write_string_with_format(2, 1, crate::web::format::date(when), &plain)
            .map_err(xerr)?,
    };
    ws.write_string_with_format(
        2,
        2,
        format!(
            "Phiên bản {} – {}",
            b.head.version,
            b.head.status.label_vi()
        ),
        &italic,
    )
    .map_err(xerr)?;
    ws.merge_range(3, 0, 3, 6, &super::render_docx::provenance(b.head), &italic)
        .map_err(xerr)?;
    let headers = [
        "STT",
        "Đảng viên",
        "Mã hộ",
        "Chủ hộ",
        "Địa chỉ",
        "Khoảng cách (m)",
        "Lý do",
    ];
    for (c, h) in headers.iter().enumerate() {
        ws.write_string_with_format(4, c as u16, *h, &th)
            .map_err(xerr)?;
    }
    let pairs = || {
        b.groups
            .iter()
            .flat_map(|g| g.pairs.iter().map(move |p| (g, p)))
    };
    for (row, (i, (g, p))) in (5u32..).zip(pairs().enumerate()) {
        ws.write_number_with_format(row, 0, (i + 1) as f64, &num)
            .map_err(xerr)?;
        ws.write_string_with_format(row, 1, &g.member.name, &td)
            .map_err(xerr)?;
        ws.write_string_with_format(row, 2, &p.household_code, &td)
            .map_err(xerr)?;
        ws.write_string_with_format(row, 3, &p.head_name, &td)
            .map_err(xerr)?;
        ws.write_string_with_format(row, 4, &p.address, &td)
            .map_err(xerr)?;
        match p.distance_m {
            Some(d) => ws
                .write_number_with_format(row, 5, d as f64, &num)
                .map_err(xerr)?,
            None => ws.write_string_with_format(row, 5, "", &td).map_err(xerr)?,
        };
        ws.write_string_with_format(row, 6, reason_label(&p.reason), &td)
            .map_err(xerr)?;
    }
    let len = |s: &str| s.chars().count();
    let widths = [
        6.0,
        fit(b.groups.iter().map(|g| len(&g.member.name)), 12, 34),
        fit(pairs().map(|(_, p)| len(&p.household_code)), 8, 16),
        fit(pairs().map(|(_, p)| len(&p.head_name)), 12, 34),
        fit(pairs().map(|(_, p)| len(&p.address)), 12, 48),
        14.0,
        fit(pairs().map(|(_, p)| len(reason_label(&p.reason))), 10, 28),
    ];
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(c as u16, *w).map_err(xerr)?;
    }
    ws.set_freeze_panes(5, 0).map_err(xerr)?;

    let ws2 = wb.add_worksheet();
    ws2.set_name("Số hộ theo đảng viên").map_err(xerr)?;
    ws2.merge_range(0, 0, 0, 2, &unit, &title).map_err(xerr)?;
    for (c, h) in ["STT", "Đảng viên", "Số hộ phụ trách"].iter().enumerate() {
        ws2.write_string_with_format(2, c as u16, *h, &th)
            .map_err(xerr)?;
    }
    for (r, (i, g)) in (3u32..).zip(b.groups.iter().enumerate()) {
        ws2.write_number_with_format(r, 0, (i + 1) as f64, &num)
            .map_err(xerr)?;
        ws2.write_string_with_format(r, 1, &g.member.name, &td)
            .map_err(xerr)?;
        ws2.write_number_with_format(r, 2, g.pairs.len() as f64, &num)
            .map_err(xerr)?;
    }
    ws2.set_column_width(0, 6).map_err(xerr)?;
    ws2.set_column_width(1, fit(b.groups.iter().map(|g| len(&g.member.name)), 14, 34))
        .map_err(xerr)?;
    ws2.set_column_width(2, 18).map_err(xerr)?;
    wb.save_to_buffer().map_err(xerr)
}
