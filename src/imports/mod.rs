//! Import of households and Party members from the commune's own spreadsheets
//! (XLSX, XLS, CSV), and export back to XLSX.
//!
//! The pipeline: [`sniff`] the bytes → check [`limits`] → read a [`table`] of cells →
//! find the [`headers`] → convert legacy-encoded columns → map rows to the registry's own
//! forms ([`households`], [`members`]) → match against the database and apply in one
//! transaction ([`store`]). [`parse`] is pure (bytes in, rows out) and is what the fuzz
//! target calls.

pub mod cli;
pub mod dates;
pub mod export;
pub mod headers;
pub mod households;
pub mod limits;
pub mod members;
pub mod pages;
pub mod sniff;
pub mod store;
pub mod table;
pub mod xlsx;

use serde::{Deserialize, Serialize};

use crate::text::{self, Encoding};
use headers::{Field, Header};
use limits::Limits;
use table::{Cell, Sheet, SheetRow};

/// Why a file could not be read at all (a row-level problem is a [`Rejected`] row).
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ImportError {
    #[error("Tệp trống: không có dữ liệu nào để nhập.")]
    Empty,
    #[error("Tệp này không phải bảng tính Excel (.xlsx, .xls) hay CSV. Hãy mở danh sách bằng Excel và chọn Lưu thành (Save As) → Excel Workbook (.xlsx).")]
    NotSpreadsheet,
    #[error(
        "Tệp bảng tính bị hỏng hoặc không đọc được. Hãy mở bằng Excel, lưu lại rồi tải lên lại."
    )]
    Corrupt,
    #[error("{0}")]
    TooLarge(String),
    #[error("Không tìm thấy dòng tiêu đề cột. Dòng tiêu đề cần có cột \"Họ và tên\" và ít nhất một cột khác như \"Địa chỉ\", \"Số điện thoại\", \"Năm sinh\". Hãy dùng tệp mẫu nếu cần.")]
    NoHeader,
    #[error("Tệp có dòng tiêu đề nhưng không có dòng dữ liệu nào bên dưới.")]
    NoRows,
}

/// A column whose text was typed in a pre-Unicode font and was converted.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Converted {
    pub column: String,
    /// "TCVN3" or "VNI".
    pub encoding: String,
    /// Cells that changed.
    pub cells: usize,
}

/// A row that will not be imported, and why, in words a cell secretary understands.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Rejected {
    pub row: u32,
    pub column: String,
    pub reason: String,
}

/// A file read and understood, before any database lookup.
#[derive(Debug)]
pub struct Parsed {
    pub header: Header,
    /// Data rows only (title, header, blank and total rows are gone), text in Unicode.
    pub rows: Vec<SheetRow>,
    pub converted: Vec<Converted>,
    pub notes: Vec<String>,
}

impl Parsed {
    /// The cell of `field` in `row`, if the file has that column.
    pub fn cell<'a>(&self, row: &'a SheetRow, field: Field) -> Option<&'a Cell> {
        self.header.column(field).map(|c| row.get(c.index))
    }

    pub fn label(&self, field: Field) -> String {
        self.header
            .column(field)
            .map_or_else(String::new, |c| c.label.clone())
    }
}

/// Reads a spreadsheet into rows. Pure: no database, no clock, never panics.
pub fn parse(bytes: &[u8], limits: &Limits) -> Result<Parsed, ImportError> {
    limits.check_size(bytes.len())?;
    let format = sniff::sniff(bytes)?;
    // The data sheet is usually the first; a template may put instructions first.
    let mut found = None;
    for index in 0..table::MAX_SHEETS {
        let Some(sheet) = table::read(bytes, format, index, limits)? else {
            break;
        };
        if sheet.rows.is_empty() && index == 0 {
            found.get_or_insert((sheet, None));
            continue;
        }
        if let Some(header) = headers::find(&sheet) {
            found = Some((sheet, Some(header)));
            break;
        }
        found.get_or_insert((sheet, None));
    }
    let Some((sheet, header)) = found else {
        return Err(ImportError::Empty);
    };
    if sheet.rows.is_empty() {
        return Err(ImportError::Empty);
    }
    let header = header.ok_or(ImportError::NoHeader)?;
    let Sheet {
        mut rows, notes, ..
    } = sheet;
    let mut rows = rows.split_off(header.data_start.min(rows.len()));
    rows.retain(|r| !r.is_blank() && !is_total_row(r));
    if rows.is_empty() {
        return Err(ImportError::NoRows);
    }
    if rows.len() > limits.max_rows {
        return Err(ImportError::TooLarge(format!(
            "Tệp có {} dòng dữ liệu; giới hạn là {}. Hãy chia thành nhiều tệp.",
            rows.len(),
            limits.max_rows
        )));
    }
    let converted = convert_legacy(&header, &mut rows);
    Ok(Parsed {
        header,
        rows,
        converted,
        notes,
    })
}

/// "Tổng cộng", "Tổng số hộ: 125", "Cộng" — summary rows under the list.
fn is_total_row(row: &SheetRow) -> bool {
    row.cells.iter().filter(|c| !c.is_blank()).take(3).any(|c| {
        let Cell::Text(s) = c else { return false };
        let key = headers::header_key(s);
        key == "tong" || key == "cong" || key.starts_with("tong cong") || key.starts_with("tong so")
    })
}

/// Columns of text the registry stores; numbers and dates are never legacy-encoded.
const TEXT_FIELDS: &[Field] = &[
    Field::Name,
    Field::Xom,
    Field::Ngo,
    Field::HouseNo,
    Field::Village,
    Field::Cell,
    Field::Support,
    Field::Status,
    Field::Sex,
];

/// Detects TCVN3 / VNI per column (a short cell is ambiguous, its column is not) and
/// converts the column's cells to Unicode NFC.
fn convert_legacy(header: &Header, rows: &mut [SheetRow]) -> Vec<Converted> {
    let mut out = Vec::new();
    for col in header
        .columns
        .iter()
        .filter(|c| TEXT_FIELDS.contains(&c.field))
    {
        let encoding = {
            let cells: Vec<&str> = rows
                .iter()
                .filter_map(|r| match r.get(col.index) {
                    Cell::Text(s) => Some(s.as_str()),
                    _ => None,
                })
                .collect();
            text::detect_column(&cells)
        };
        if encoding == Encoding::Unicode {
            continue;
        }
        let mut changed = 0;
        for r in rows.iter_mut() {
            if let Some(Cell::Text(s)) = r.cells.get_mut(col.index) {
                let fixed = text::legacy_to_unicode(s, encoding);
                if fixed != *s {
                    *s = fixed;
                    changed += 1;
                }
            }
        }
        if changed > 0 {
            out.push(Converted {
                column: col.label.clone(),
                encoding: match encoding {
                    Encoding::Tcvn3 => "TCVN3",
                    _ => "VNI",
                }
                .to_owned(),
                cells: changed,
            });
        }
    }
    out
}
