//! Rows of cells from any format (XLSX, XLS, CSV), before any meaning is given to them.

use std::io::Cursor;

use calamine::{Data, DataRef, Reader, Xls, Xlsx};

use super::limits::Limits;
use super::sniff::Format;
use super::ImportError;

/// One cell as the spreadsheet holds it.
#[derive(Debug, Clone, Default, PartialEq)]
pub enum Cell {
    #[default]
    Empty,
    Text(String),
    Number(f64),
    /// An Excel date (days since 1899-12-30).
    Date(f64),
    /// A formula whose result was never computed (files written by scripts, not Excel).
    Formula(String),
    /// `#N/A`, `#DIV/0!` …
    Error,
}

impl Cell {
    pub fn is_blank(&self) -> bool {
        match self {
            Cell::Empty => true,
            Cell::Text(s) => s.trim().is_empty(),
            _ => false,
        }
    }

    /// The cell as a person reads it: whole numbers without ".0".
    pub fn text(&self) -> String {
        match self {
            Cell::Empty | Cell::Error => String::new(),
            Cell::Text(s) => s.clone(),
            Cell::Number(f) | Cell::Date(f) => number_text(*f),
            Cell::Formula(f) => format!("={f}"),
        }
    }
}

pub fn number_text(f: f64) -> String {
    if f.fract() == 0.0 && f.abs() < 1e15 {
        format!("{}", f as i64)
    } else {
        format!("{f}")
    }
}

/// A row and its number as the spreadsheet shows it (1-based), for error messages.
#[derive(Debug, Clone, Default)]
pub struct SheetRow {
    pub number: u32,
    pub cells: Vec<Cell>,
}

impl SheetRow {
    pub fn get(&self, col: usize) -> &Cell {
        static EMPTY: Cell = Cell::Empty;
        self.cells.get(col).unwrap_or(&EMPTY)
    }

    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(Cell::is_blank)
    }
}

#[derive(Debug, Default)]
pub struct Sheet {
    pub name: String,
    pub rows: Vec<SheetRow>,
    /// Notes for the person: "CSV read as Windows-1258", …
    pub notes: Vec<String>,
}

/// How many sheets a workbook may offer before we stop looking for the data.
pub const MAX_SHEETS: usize = 5;

/// Reads sheet `index` (0-based). `Ok(None)` when the workbook has no such sheet.
pub fn read(
    bytes: &[u8],
    format: Format,
    index: usize,
    limits: &Limits,
) -> Result<Option<Sheet>, ImportError> {
    match format {
        Format::Csv => Ok((index == 0).then(|| read_csv(bytes, limits)).transpose()?),
        Format::Xlsx => guarded(|| read_xlsx(bytes, index, limits)),
        Format::Xls => guarded(|| read_xls(bytes, index, limits)),
    }
}

/// calamine is third-party code reading untrusted bytes, and the fuzz target found .xls
/// inputs that make it panic (a slice index out of range in its workbook parser). A
/// panic in there means a corrupt file, never a failed request.
fn guarded<T>(f: impl FnOnce() -> Result<T, ImportError>) -> Result<T, ImportError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or(Err(ImportError::Corrupt))
}

/// Rows with any content beyond this many mean the file is over the row limit; the
/// slack leaves room for title rows, headers and totals.
fn row_cap(limits: &Limits) -> usize {
    limits.max_rows.saturating_add(50)
}

fn too_many_rows(limits: &Limits) -> ImportError {
    ImportError::TooLarge(format!(
        "Tệp có hơn {} dòng; hãy chia thành nhiều tệp (ví dụ mỗi thôn một tệp).",
        limits.max_rows
    ))
}

/// Puts `cell` at (row, col), growing the table; rows arrive in order from every reader.
fn place(
    rows: &mut Vec<SheetRow>,
    r: u32,
    c: u32,
    cell: Cell,
    limits: &Limits,
) -> Result<(), ImportError> {
    let col = c as usize;
    if col >= limits.max_columns || cell.is_blank() {
        return Ok(());
    }
    if rows.last().is_none_or(|last| last.number != r + 1) {
        if rows.len() >= row_cap(limits) {
            return Err(too_many_rows(limits));
        }
        rows.push(SheetRow {
            number: r + 1,
            cells: Vec::new(),
        });
    }
    if let Some(row) = rows.last_mut() {
        if row.cells.len() <= col {
            row.cells.resize(col + 1, Cell::Empty);
        }
        row.cells[col] = cell;
    }
    Ok(())
}

/// Cells a file's merged ranges may fill in all: a xóm merged down a whole list of
/// 100,000 households is 100,000; a file of crafted overlapping ranges stops here.
const MERGE_FILL_BUDGET: usize = 5_000_000;

/// A merged range shows its value in every cell it covers (a merged header "Địa chỉ"
/// over two columns names both; a xóm merged down its households). Ranges are clamped
/// to what the sheet really holds.
fn fill_merged(rows: &mut [SheetRow], merges: &[calamine::Dimensions], limits: &Limits) {
    let mut budget = MERGE_FILL_BUDGET;
    for m in merges.iter().take(10_000) {
        let (r0, c0) = m.start;
        let (r1, c1) = m.end;
        let c1 = (c1 as usize).min(limits.max_columns.saturating_sub(1));
        // Rows are in order: find the top row by bisection.
        let top = rows.partition_point(|r| r.number < r0.saturating_add(1));
        let Some(value) = rows
            .get(top)
            .filter(|r| r.number == r0.saturating_add(1))
            .map(|r| r.get(c0 as usize).clone())
        else {
            continue;
        };
        if value.is_blank() {
            continue;
        }
        for row in rows[top..]
            .iter_mut()
            .take_while(|r| r.number <= r1.saturating_add(1))
        {
            if row.cells.len() <= c1 {
                row.cells.resize(c1 + 1, Cell::Empty);
            }
            for c in (c0 as usize)..=c1 {
                if budget == 0 {
                    return;
                }
                budget -= 1;
                if row.cells[c].is_blank() {
                    row.cells[c] = value.clone();
                }
            }
        }
    }
}

fn cell_of_ref(v: &DataRef<'_>) -> Cell {
    match v {
        DataRef::Int(i) => Cell::Number(*i as f64),
        DataRef::Float(f) => Cell::Number(*f),
        DataRef::String(s) => Cell::Text(s.clone()),
        DataRef::SharedString(s) => Cell::Text((*s).to_owned()),
        DataRef::Bool(b) => Cell::Text(if *b { "x".into() } else { String::new() }),
        DataRef::DateTime(d) => Cell::Date(d.as_f64()),
        DataRef::DateTimeIso(s) | DataRef::DurationIso(s) => Cell::Text(s.clone()),
        DataRef::Error(_) => Cell::Error,
        DataRef::Empty => Cell::Empty,
    }
}

fn cell_of(v: &Data) -> Cell {
    match v {
        Data::Int(i) => Cell::Number(*i as f64),
        Data::Float(f) => Cell::Number(*f),
        Data::String(s) => Cell::Text(s.clone()),
        Data::Bool(b) => Cell::Text(if *b { "x".into() } else { String::new() }),
        Data::DateTime(d) => Cell::Date(d.as_f64()),
        Data::DateTimeIso(s) | Data::DurationIso(s) => Cell::Text(s.clone()),
        Data::Error(_) => Cell::Error,
        Data::Empty => Cell::Empty,
    }
}

/// Streams the sheet's cells straight into our rows (calamine's `Range` is never
/// built, so the sheet is not held twice).
fn read_xlsx(bytes: &[u8], index: usize, limits: &Limits) -> Result<Option<Sheet>, ImportError> {
    limits.check_zip(Cursor::new(bytes))?;
    let mut book: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).map_err(|_| ImportError::Corrupt)?;
    let Some(name) = book.sheet_names().get(index).cloned() else {
        return Ok(None);
    };
    let mut rows = Vec::new();
    {
        let mut reader = book
            .worksheet_cells_reader(&name)
            .map_err(|_| ImportError::Corrupt)?;
        while let Some(c) = reader
            .next_cell_with_formula()
            .map_err(|_| ImportError::Corrupt)?
        {
            let (r, col) = c.pos;
            let cell = match (&c.value, c.formula) {
                (DataRef::Empty, Some(f)) if !f.is_empty() => Cell::Formula(f),
                (v, _) => cell_of_ref(v),
            };
            place(&mut rows, r, col, cell, limits)?;
        }
    }
    let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    fill_merged(&mut rows, &merges, limits);
    Ok(Some(Sheet {
        name,
        rows,
        notes: Vec::new(),
    }))
}

fn read_xls(bytes: &[u8], index: usize, limits: &Limits) -> Result<Option<Sheet>, ImportError> {
    limits.check_xls(bytes)?;
    let mut book: Xls<_> = Xls::new(Cursor::new(bytes)).map_err(|_| ImportError::Corrupt)?;
    let Some(name) = book.sheet_names().get(index).cloned() else {
        return Ok(None);
    };
    let range = book
        .worksheet_range(&name)
        .map_err(|_| ImportError::Corrupt)?;
    let (r0, c0) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::new();
    for (r, c, v) in range.used_cells() {
        place(&mut rows, r0 + r as u32, c0 + c as u32, cell_of(v), limits)?;
    }
    drop(range);
    let merges = book.merge_cells_by_sheet_name(&name).unwrap_or_default();
    fill_merged(&mut rows, &merges, limits);
    Ok(Some(Sheet {
        name,
        rows,
        notes: Vec::new(),
    }))
}

/// UTF-8 (with or without BOM) is read in place; anything else is Windows-1258, the
/// code page of Vietnamese Windows, which Excel uses for "CSV" on such machines.
fn read_csv(bytes: &[u8], limits: &Limits) -> Result<Sheet, ImportError> {
    let mut notes = Vec::new();
    let body = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let decoded;
    let text: &str = match std::str::from_utf8(body) {
        Ok(s) => s,
        Err(_) => {
            decoded = crate::text::decode_windows_1258(body);
            notes.push("Tệp CSV không phải UTF-8: đã đọc theo bảng mã Windows-1258 và chuyển sang Unicode.".to_owned());
            &decoded
        }
    };
    let delimiter = guess_delimiter(text);
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    let mut record = csv::StringRecord::new();
    let mut n: u32 = 0;
    loop {
        match reader.read_record(&mut record) {
            Ok(true) => {}
            Ok(false) => break,
            Err(_) => return Err(ImportError::Corrupt),
        }
        n = n.saturating_add(1);
        for (c, field) in record.iter().enumerate() {
            place(
                &mut rows,
                n - 1,
                c as u32,
                Cell::Text(field.to_owned()),
                limits,
            )?;
        }
    }
    Ok(Sheet {
        name: String::new(),
        rows,
        notes,
    })
}

/// Excel on a Vietnamese or European locale writes `;`; others `,`; some tools tabs.
fn guess_delimiter(text: &str) -> u8 {
    let sample: String = text.lines().take(20).collect::<Vec<_>>().join("\n");
    let count = |d: char| sample.matches(d).count();
    // On a tie the last wins: prefer the comma.
    [(b'\t', count('\t')), (b';', count(';')), (b',', count(','))]
        .into_iter()
        .max_by_key(|(_, n)| *n)
        .map_or(b',', |(d, _)| d)
}
