//! Limits on what an uploaded file may cost us. Past a limit the parser stops with a
//! message and reads nothing more: an .xlsx is a zip, and a zip can be a bomb.

use std::io::{Read, Seek};

use super::ImportError;

#[derive(Debug, Clone, Copy)]
pub struct Limits {
    /// Bytes of the file as uploaded.
    pub max_file_bytes: usize,
    /// Data rows (after the header).
    pub max_rows: usize,
    /// Columns read per row; cells further right are ignored.
    pub max_columns: usize,
    /// Entries in the zip of an .xlsx.
    pub max_zip_entries: usize,
    /// Total inflated bytes of all the zip's entries.
    pub max_inflated_bytes: u64,
    /// Inflated / compressed size of one entry; real spreadsheets stay well under 100.
    pub max_ratio: u64,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            max_file_bytes: 20 * 1024 * 1024,
            max_rows: 200_000,
            max_columns: 60,
            max_zip_entries: 1_000,
            max_inflated_bytes: 200 * 1024 * 1024,
            max_ratio: 200,
        }
    }
}

impl Limits {
    pub fn check_size(&self, len: usize) -> Result<(), ImportError> {
        if len > self.max_file_bytes {
            return Err(ImportError::TooLarge(format!(
                "Tệp quá lớn ({} MB); giới hạn là {} MB. Hãy chia danh sách thành nhiều tệp (ví dụ mỗi thôn một tệp).",
                len / (1024 * 1024),
                self.max_file_bytes / (1024 * 1024)
            )));
        }
        Ok(())
    }

    /// Checks the zip's central directory (entry count, declared sizes, ratios), then
    /// inflates each entry into nothing, counting, so a directory that lies about sizes
    /// is caught too before calamine allocates anything. A zip without a workbook (a
    /// Word file or an archive renamed .xlsx) is not a spreadsheet.
    pub fn check_zip<R: Read + Seek>(&self, reader: R) -> Result<(), ImportError> {
        let bomb = || {
            ImportError::TooLarge(
                "Tệp nén bên trong có dung lượng giải nén bất thường (nghi là \"bom nén\"); hệ thống không đọc tệp này. Hãy mở bằng Excel, lưu lại rồi tải lên lại.".into(),
            )
        };
        let mut zip = zip::ZipArchive::new(reader).map_err(|_| ImportError::NotSpreadsheet)?;
        if zip.len() > self.max_zip_entries {
            return Err(ImportError::TooLarge(format!(
                "Tệp có quá nhiều thành phần ({}; giới hạn {}); đây không giống một bảng tính bình thường.",
                zip.len(),
                self.max_zip_entries
            )));
        }
        let mut declared: u64 = 0;
        let mut workbook = false;
        for i in 0..zip.len() {
            let entry = zip
                .by_index_raw(i)
                .map_err(|_| ImportError::NotSpreadsheet)?;
            workbook |= entry
                .name()
                .is_ok_and(|n| n.eq_ignore_ascii_case("xl/workbook.xml"));
            declared = declared.saturating_add(entry.size());
            if entry.size()
                > entry
                    .compressed_size()
                    .max(1)
                    .saturating_mul(self.max_ratio)
                && entry.size() > 1024 * 1024
            {
                return Err(bomb());
            }
        }
        if declared > self.max_inflated_bytes {
            return Err(bomb());
        }
        if !workbook {
            return Err(ImportError::NotSpreadsheet);
        }
        let mut total: u64 = 0;
        for i in 0..zip.len() {
            let entry = zip.by_index(i).map_err(|_| ImportError::NotSpreadsheet)?;
            let budget = self.max_inflated_bytes.saturating_sub(total);
            let n = std::io::copy(
                &mut entry.take(budget.saturating_add(1)),
                &mut std::io::sink(),
            )
            .map_err(|_| ImportError::Corrupt)?;
            total = total.saturating_add(n);
            if total > self.max_inflated_bytes {
                return Err(bomb());
            }
        }
        Ok(())
    }

    /// calamine reads an .xls sheet into a dense grid spanning its extreme cells, so one
    /// cell claiming column 60,000 costs gigabytes (found by the fuzz target). Walk the
    /// workbook's BIFF records first and refuse a grid past [`MAX_XLS_CELLS`].
    pub fn check_xls(&self, bytes: &[u8]) -> Result<(), ImportError> {
        use std::io::Read as _;
        let mut file = cfb::CompoundFile::open(std::io::Cursor::new(bytes))
            .map_err(|_| ImportError::Corrupt)?;
        let name = ["/Workbook", "/Book"]
            .into_iter()
            .find(|n| file.is_stream(n))
            .ok_or(ImportError::NotSpreadsheet)?;
        let stream = file.open_stream(name).map_err(|_| ImportError::Corrupt)?;
        let mut data = Vec::new();
        let cap = u64::try_from(self.max_file_bytes).unwrap_or(u64::MAX);
        stream
            .take(cap.saturating_add(1))
            .read_to_end(&mut data)
            .map_err(|_| ImportError::Corrupt)?;
        let u16_at = |b: &[u8], i: usize| {
            b.get(i..i + 2)
                .map_or(0, |s| u64::from(u16::from_le_bytes([s[0], s[1]])))
        };
        let (mut rows, mut cols) = (0u64, 0u64);
        let mut i = 0;
        while i + 4 <= data.len() {
            let typ = u16_at(&data, i);
            let len = u16_at(&data, i + 2) as usize;
            let body = &data[i + 4..(i + 4 + len).min(data.len())];
            match typ {
                // Cell records of BIFF2–8: row, then column.
                0x0001..=0x0006 | 0x0201..=0x0206 | 0x027E | 0x00FD | 0x00D6 | 0x0406 => {
                    rows = rows.max(u16_at(body, 0));
                    cols = cols.max(u16_at(body, 2));
                }
                // MULRK, MULBLANK: row, first column, …, last column.
                0x00BD | 0x00BE => {
                    rows = rows.max(u16_at(body, 0));
                    cols = cols.max(u16_at(body, body.len().saturating_sub(2)));
                }
                _ => {}
            }
            i += 4 + len;
        }
        if (rows + 1).saturating_mul(cols + 1) > MAX_XLS_CELLS {
            return Err(ImportError::TooLarge(
                "Tệp .xls có ô nằm quá xa bảng dữ liệu (hàng hoặc cột rất lớn). Hãy mở bằng Excel, xóa các ô thừa, lưu thành .xlsx rồi tải lên lại.".into(),
            ));
        }
        Ok(())
    }
}

/// Cells an .xls sheet's grid may span (rows × columns, counted from A1): 65,536 rows of
/// 60 columns.
pub const MAX_XLS_CELLS: u64 = 65_536 * 60;
