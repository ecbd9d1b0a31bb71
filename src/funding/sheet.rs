//! The ledger as a spreadsheet, for the commune's accounts and its reports: the balance
//! of each source over the period, then every line with its source's running balance.
//! Amounts carry thousands separators; the sheet prints on one A4 width. Text goes
//! through `write_string`, so a description starting with `=` stays text.

use rust_xlsxwriter::{Format, FormatBorder, Workbook, Worksheet, XlsxError};

use super::model::{Direction, Line, SourceTotals};
use crate::error::{AppError, AppResult};
use crate::reports::period::Period;
use crate::units::store::Unit;

fn xerr(e: XlsxError) -> AppError {
    AppError::internal(format!("xlsx: {e}"))
}

pub fn render(
    commune: &Unit,
    period: &Period,
    lines: &[Line],
    totals: &[SourceTotals],
) -> AppResult<Vec<u8>> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet();
    write(ws, commune, period, lines, totals).map_err(xerr)?;
    wb.save_to_buffer().map_err(xerr)
}

fn write(
    ws: &mut Worksheet,
    commune: &Unit,
    period: &Period,
    lines: &[Line],
    totals: &[SourceTotals],
) -> Result<(), XlsxError> {
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
    let td = plain.clone().set_border(FormatBorder::Thin).set_text_wrap();
    let money = plain
        .clone()
        .set_border(FormatBorder::Thin)
        .set_num_format("#,##0");
    let bold = td.clone().set_bold();
    let bold_money = money.clone().set_bold();

    ws.set_name("Sổ kinh phí")?;
    ws.write_string_with_format(
        0,
        0,
        format!(
            "SỔ KINH PHÍ MÔ HÌNH DÂN VẬN KHÉO — {}",
            commune.display_name().to_uppercase()
        ),
        &title,
    )?;
    ws.write_string_with_format(
        1,
        0,
        format!(
            "{} ({}) · đơn vị tính: đồng",
            period.label_vi(),
            period.range_vn()
        ),
        &plain,
    )?;

    let heads = [
        "Nguồn kinh phí",
        "Tồn đầu kỳ",
        "Thu trong kỳ",
        "Chi trong kỳ",
        "Tồn cuối kỳ",
    ];
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(3, c as u16, *h, &th)?;
    }
    let mut row = 4u32;
    for t in totals {
        ws.write_string_with_format(row, 0, t.source.label_vi(), &td)?;
        for (i, n) in [t.opening, t.received, t.spent, t.closing]
            .iter()
            .enumerate()
        {
            ws.write_number_with_format(row, 1 + i as u16, *n as f64, &money)?;
        }
        row += 1;
    }
    ws.write_string_with_format(row, 0, "Cộng", &bold)?;
    let sum = |f: fn(&SourceTotals) -> i64| totals.iter().map(f).sum::<i64>() as f64;
    for (i, n) in [
        sum(|t| t.opening),
        sum(|t| t.received),
        sum(|t| t.spent),
        sum(|t| t.closing),
    ]
    .iter()
    .enumerate()
    {
        ws.write_number_with_format(row, 1 + i as u16, *n, &bold_money)?;
    }

    row += 2;
    let heads = [
        "Ngày",
        "Nguồn",
        "Nội dung chi",
        "Diễn giải",
        "Thu",
        "Chi",
        "Tồn của nguồn",
        "Ghi chú",
    ];
    let head_row = row;
    for (c, h) in heads.iter().enumerate() {
        ws.write_string_with_format(row, c as u16, *h, &th)?;
    }
    row += 1;
    for l in lines {
        let e = &l.entry;
        let signed = if e.reverses.is_some() {
            -e.amount
        } else {
            e.amount
        };
        ws.write_string_with_format(row, 0, crate::contacts::model::day_vn(e.entry_on), &td)?;
        ws.write_string_with_format(row, 1, e.source.label_vi(), &td)?;
        ws.write_string_with_format(row, 2, e.use_code.map_or("", |u| u.label_vi()), &td)?;
        ws.write_string_with_format(row, 3, &e.description, &td)?;
        let (receipt, expense) = match e.direction {
            Direction::Receipt => (Some(signed), None),
            Direction::Expense => (None, Some(signed)),
        };
        for (col, v) in [(4u16, receipt), (5, expense)] {
            match v {
                Some(n) => ws.write_number_with_format(row, col, n as f64, &money)?,
                None => ws.write_string_with_format(row, col, "", &td)?,
            };
        }
        ws.write_number_with_format(row, 6, l.balance as f64, &money)?;
        let note = match &e.reason {
            Some(r) => format!("Bút toán đảo: {r}"),
            None => String::new(),
        };
        ws.write_string_with_format(row, 7, note, &td)?;
        row += 1;
    }
    if lines.is_empty() {
        ws.write_string_with_format(row, 0, "Không có bút toán trong kỳ", &plain)?;
    }
    ws.set_row_height(head_row, 32)?;
    ws.set_landscape();
    ws.set_paper_size(9); // A4
    ws.set_print_fit_to_pages(1, 0);
    for (c, w) in [12.0, 18.0, 20.0, 36.0, 14.0, 14.0, 15.0, 24.0]
        .iter()
        .enumerate()
    {
        ws.set_column_width(c as u16, *w)?;
    }
    Ok(())
}
