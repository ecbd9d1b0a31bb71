//! A small sheet writer over rust_xlsxwriter: title row, bold header, text cells that
//! are always text (a value starting with = + - @ never becomes a formula), dates as
//! dd/mm/yyyy, and column widths that fit the longest value.

use rust_xlsxwriter::{ExcelDateTime, Format, Workbook, XlsxError};

use crate::error::AppError;

pub enum Out {
    Text(String),
    Number(f64),
    /// (year, month, day)
    Date(u16, u8, u8),
    Blank,
}

impl Out {
    fn width(&self) -> usize {
        match self {
            Out::Text(s) => s.chars().count(),
            Out::Number(f) => super::table::number_text(*f).len(),
            Out::Date(..) => 10,
            Out::Blank => 0,
        }
    }
}

fn xerr(e: XlsxError) -> AppError {
    AppError::internal(format!("xlsx: {e}"))
}

/// One sheet: `title` on row 1, headers on row 3, then the rows.
pub fn write(
    sheet_name: &str,
    title: &str,
    headers: &[&str],
    rows: &[Vec<Out>],
) -> Result<Vec<u8>, AppError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let title_format = Format::new().set_bold().set_font_size(13);
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let text = Format::new().set_num_format("@");
    let sheet = book.add_worksheet();
    sheet.set_name(sheet_name).map_err(xerr)?;
    sheet
        .write_string_with_format(0, 0, title, &title_format)
        .map_err(xerr)?;
    let mut widths: Vec<usize> = headers.iter().map(|h| h.chars().count()).collect();
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(2, c as u16, *h, &bold)
            .map_err(xerr)?;
    }
    for (i, row) in rows.iter().enumerate() {
        let r = 3 + i as u32;
        for (c, v) in row.iter().enumerate() {
            let col = c as u16;
            match v {
                // write_string stores a shared string: Excel shows it, never evaluates it.
                Out::Text(s) => sheet.write_string_with_format(r, col, s, &text).map(|_| ()),
                Out::Number(f) => sheet.write_number(r, col, *f).map(|_| ()),
                Out::Date(y, m, d) => match ExcelDateTime::from_ymd(*y, *m, *d) {
                    Ok(dt) => sheet
                        .write_datetime_with_format(r, col, &dt, &date)
                        .map(|_| ()),
                    Err(_) => Ok(()),
                },
                Out::Blank => Ok(()),
            }
            .map_err(xerr)?;
            if let Some(w) = widths.get_mut(c) {
                *w = (*w).max(v.width());
            }
        }
    }
    for (c, w) in widths.iter().enumerate() {
        sheet
            .set_column_width(c as u16, (*w).clamp(4, 60) as f64 + 2.0)
            .map_err(xerr)?;
    }
    sheet.set_freeze_panes(3, 0).map_err(xerr)?;
    book.save_to_buffer().map_err(xerr)
}

pub const HOUSEHOLD_GUIDE: &[&str] = &[
    "HƯỚNG DẪN ĐIỀN DANH SÁCH HỘ GIA ĐÌNH",
    "Mỗi dòng là một hộ. Bắt buộc: Họ và tên chủ hộ. Các cột khác có thể để trống.",
    "Mã hộ: để trống thì hệ thống tự đánh mã. Hộ đã có mã: nhập lại sẽ cập nhật đúng hộ đó, không tạo hộ mới.",
    "Thôn: bắt buộc khi nhập cho cả xã; khi nhập cho một thôn có thể để trống.",
    "Số điện thoại: di động 10 số (vd. 0912 345 678) hoặc cố định 11 số bắt đầu bằng 02.",
    "Diện hỗ trợ: Hộ nghèo, Hộ cận nghèo, Gia đình chính sách, Người cao tuổi neo đơn, Có người khuyết tật — cách nhau bởi dấu phẩy.",
    "Vĩ độ, kinh độ: số thập phân (vd. 20.7375 và 106.0699), hoặc để trống cả hai.",
    "Ô để trống không xóa thông tin đã có trong hệ thống.",
    "Không ghi tôn giáo, dân tộc, quan điểm chính trị hay số căn cước của bất kỳ ai.",
];

pub const MEMBER_GUIDE: &[&str] = &[
    "HƯỚNG DẪN ĐIỀN DANH SÁCH ĐẢNG VIÊN",
    "Mỗi dòng là một đảng viên. Bắt buộc: Họ và tên.",
    "Năm sinh: ghi năm (1962) hoặc ngày sinh (05/03/1962).",
    "Giới tính: Nam hoặc Nữ.",
    "Chi bộ: tên chi bộ đã có trong hệ thống (trang Chi bộ).",
    "Trạng thái: Đang sinh hoạt, Miễn sinh hoạt, Đã chuyển đi hoặc Đã từ trần (để trống là Đang sinh hoạt).",
    "Đảng viên trùng họ tên trong một thôn được phân biệt bằng năm sinh.",
    "Ô để trống không xóa thông tin đã có trong hệ thống.",
];

/// The blank import template: a sheet with the headers, then a sheet of instructions.
pub fn template(headers: &[&str], guide: &[&str]) -> Result<Vec<u8>, AppError> {
    let mut book = Workbook::new();
    let bold = Format::new().set_bold();
    let sheet = book.add_worksheet();
    sheet.set_name("Danh sách").map_err(xerr)?;
    for (c, h) in headers.iter().enumerate() {
        sheet
            .write_string_with_format(0, c as u16, *h, &bold)
            .map_err(xerr)?;
        sheet
            .set_column_width(c as u16, h.chars().count().max(10) as f64 + 4.0)
            .map_err(xerr)?;
    }
    let help = book.add_worksheet();
    help.set_name("Hướng dẫn").map_err(xerr)?;
    for (r, line) in guide.iter().enumerate() {
        help.write_string(r as u32, 0, *line).map_err(xerr)?;
    }
    help.set_column_width(0, 110.0).map_err(xerr)?;
    book.save_to_buffer().map_err(xerr)
}
