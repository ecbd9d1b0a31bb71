//! The dashboard as a workbook for the commune's and the board's own reports: one sheet by
//! unit, one by category, one by stage, each printing on one A4 landscape width. Names go
//! through `write_string`, so a name starting with `=` stays text.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::model::Figures;
use super::store::{Dashboard, Line, LineKind};
use crate::error::{AppError, AppResult};

fn xerr(e: XlsxError) -> AppError {
    AppError::internal(format!("xlsx: {e}"))
}

/// The columns of the unit and category sheets, after the name.
pub const HEADS: [&str; 11] = [
    "Tiếp nhận",
    "Chuyển lên xã",
    "Chuyển ngoài xã",
    "Đã trả lời",
    "Hộ xác nhận đã giải quyết",
    "Hộ chưa đồng ý (mở lại)",
    "Đang mở",
    "Quá hạn",
    "Bước đúng hạn",
    "Bước trễ hạn",
    "Tỷ lệ đúng hạn",
];

fn counts(f: &Figures) -> [i64; 10] {
    [
        f.received,
        f.forwarded,
        f.transferred,
        f.answered,
        f.resolved,
        f.reopened,
        f.open,
        f.overdue,
        f.on_time,
        f.late,
    ]
}

struct Formats {
    title: Format,
    plain: Format,
    th: Format,
    td: Format,
    bold: Format,
    count: Format,
    count_bold: Format,
    pct: Format,
    pct_bold: Format,
    tenths: Format,
}

fn formats() -> Formats {
    let font = "Times New Roman";
    let plain = Format::new().set_font_name(font).set_font_size(12);
    let td = plain.clone().set_border(FormatBorder::Thin);
    let bold = td.clone().set_bold();
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
        count_bold: bold.clone().set_num_format("#,##0"),
        pct: td.clone().set_num_format("0.0%"),
        pct_bold: bold.clone().set_num_format("0.0%"),
        tenths: td.clone().set_num_format("0.0"),
        plain,
        td,
        bold,
    }
}

/// The sheet's title, its period, and the header row (row 3); then it prints on one
/// landscape A4 width with the header's wrapped words on a tall row.
fn head(
    ws: &mut Worksheet,
    f: &Formats,
    title: &str,
    d: &Dashboard,
    heads: &[&str],
) -> AppResult<()> {
    ws.write_string_with_format(0, 0, title, &f.title)
        .map_err(xerr)?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{} ({}) · đang mở và quá hạn tính đến ngày {}",
            d.period.label_vi(),
            d.period.range_vn(),
            crate::contacts::model::day_vn(d.today)
        ),
        &f.plain,
    )
    .map_err(xerr)?;
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &f.th)
            .map_err(xerr)?;
    }
    ws.set_row_height(3, 48).map_err(xerr)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    ws.set_column_width(0, 28).map_err(xerr)?;
    for c in 1..heads.len() as u16 {
        ws.set_column_width(c, 11).map_err(xerr)?;
    }
    Ok(())
}

fn figures_row(
    ws: &mut Worksheet,
    f: &Formats,
    row: u32,
    name: &str,
    fig: &Figures,
    total: bool,
) -> Result<(), XlsxError> {
    let (name_fmt, count, pct) = if total {
        (&f.bold, &f.count_bold, &f.pct_bold)
    } else {
        (&f.td, &f.count, &f.pct)
    };
    ws.write_string_with_format(row, 0, name, name_fmt)?;
    for (i, n) in counts(fig).iter().enumerate() {
        ws.write_number_with_format(row, 1 + i as u16, *n as f64, count)?;
    }
    match fig.on_time_permille {
        Some(p) => ws.write_number_with_format(row, 11, p as f64 / 1000.0, pct)?,
        None => ws.write_string_with_format(row, 11, "—", name_fmt)?,
    };
    Ok(())
}

fn table(
    ws: &mut Worksheet,
    f: &Formats,
    d: &Dashboard,
    title: &str,
    first: &str,
    lines: &[Line],
) -> AppResult<()> {
    let mut heads = vec![first];
    heads.extend(HEADS);
    head(ws, f, title, d, &heads)?;
    let mut row = 4u32;
    for l in lines {
        figures_row(ws, f, row, &l.name, &l.figures, false).map_err(xerr)?;
        row += 1;
    }
    figures_row(
        ws,
        f,
        row,
        &format!("Tổng: {}", d.place.name),
        &d.total,
        true,
    )
    .map_err(xerr)
}

pub fn render(d: &Dashboard) -> AppResult<Vec<u8>> {
    let f = formats();
    let place = d.place.name.to_uppercase();
    let mut wb = Workbook::new();
    if d.lines_are.is_some() {
        let first = match d.lines_are {
            Some(LineKind::Province) => "Tỉnh",
            Some(LineKind::Commune) => "Xã",
            _ => "Thôn",
        };
        let ws = wb.add_worksheet();
        ws.set_name("Theo đơn vị").map_err(xerr)?;
        table(
            ws,
            &f,
            d,
            &format!("KIẾN NGHỊ CỦA NHÂN DÂN THEO ĐƠN VỊ — {place}"),
            first,
            &d.lines,
        )?;
    }
    let ws = wb.add_worksheet();
    ws.set_name("Theo lĩnh vực").map_err(xerr)?;
    table(
        ws,
        &f,
        d,
        &format!("KIẾN NGHỊ CỦA NHÂN DÂN THEO LĨNH VỰC — {place}"),
        "Lĩnh vực",
        &d.categories,
    )?;

    let ws = wb.add_worksheet();
    ws.set_name("Theo bước").map_err(xerr)?;
    head(
        ws,
        &f,
        &format!("THỜI GIAN GIẢI QUYẾT TỪNG BƯỚC — {place}"),
        d,
        &[
            "Bước",
            "Số lượt hoàn thành",
            "Đúng hạn",
            "Trễ hạn",
            "Tỷ lệ đúng hạn",
            "Trung vị (ngày làm việc)",
            "Thời hạn (ngày làm việc)",
        ],
    )?;
    for (i, s) in d.stages.iter().enumerate() {
        let row = 4 + i as u32;
        ws.write_string_with_format(row, 0, s.label_vi(), &f.td)
            .map_err(xerr)?;
        for (c, n) in [s.ended, s.on_time, s.late].iter().enumerate() {
            ws.write_number_with_format(row, 1 + c as u16, *n as f64, &f.count)
                .map_err(xerr)?;
        }
        match s.on_time_permille {
            Some(p) => ws.write_number_with_format(row, 4, p as f64 / 1000.0, &f.pct),
            None => ws.write_string_with_format(row, 4, "—", &f.td),
        }
        .map_err(xerr)?;
        match s.median_tenths {
            Some(t) => ws.write_number_with_format(row, 5, t as f64 / 10.0, &f.tenths),
            None => ws.write_string_with_format(row, 5, "—", &f.td),
        }
        .map_err(xerr)?;
        ws.write_number_with_format(row, 6, s.deadline_days as f64, &f.count)
            .map_err(xerr)?;
    }
    wb.save_to_buffer().map_err(xerr)
}
