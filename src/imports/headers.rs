//! Finding the header row and what each column means. Communes' files differ: title
//! rows above, headers over two rows under a merged cell, and many spellings of the
//! same column. Matching is on folded text, so "Họ và tên", "HỌ VÀ TÊN" and a
//! TCVN3 "Hä vµ tªn" are the same header.

use super::table::{Cell, Sheet, SheetRow};
use crate::text;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    Code,
    Name,
    Xom,
    Ngo,
    HouseNo,
    Phone,
    Size,
    Support,
    Latitude,
    Longitude,
    Village,
    Sex,
    Birth,
    Status,
    Cell,
    CitizenId,
    /// Row number column (STT): read, never stored.
    Seq,
    /// The "Lỗi" column of our own rejected-rows file, so it can be fixed and re-imported.
    ErrorNote,
}

/// Folded spellings seen in communes' files (without punctuation).
const SYNONYMS: &[(Field, &[&str])] = &[
    (Field::Seq, &["stt", "tt", "so thu tu", "so tt"]),
    (
        Field::Code,
        &[
            "ma ho",
            "ma so ho",
            "ma ho gia dinh",
            "ma",
            "so hieu ho",
            "ma so",
        ],
    ),
    (
        Field::Name,
        &[
            "ho va ten",
            "ho ten",
            "ho va ten chu ho",
            "ho ten chu ho",
            "ten chu ho",
            "chu ho",
            "chu ho gia dinh",
            "ho va ten dang vien",
            "ho ten dang vien",
            "ten dang vien",
            "dang vien",
        ],
    ),
    (
        Field::Xom,
        &[
            "xom",
            "dia chi",
            "xom doi",
            "doi",
            "cum dan cu",
            "dia chi xom",
            "noi o",
            "cho o",
        ],
    ),
    (Field::Ngo, &["ngo", "ngo ngach", "hem"]),
    (Field::HouseNo, &["so nha"]),
    (
        Field::Phone,
        &[
            "sdt",
            "so dt",
            "dt",
            "dien thoai",
            "so dien thoai",
            "di dong",
            "so di dong",
            "dien thoai lien he",
            "sdt lien he",
        ],
    ),
    (
        Field::Size,
        &[
            "so nhan khau",
            "nhan khau",
            "so khau",
            "so nguoi",
            "so thanh vien",
            "so nk",
        ],
    ),
    (
        Field::Support,
        &[
            "dien ho tro",
            "dien chinh sach",
            "doi tuong",
            "dien",
            "hoan canh",
            "dien uu tien",
            "dien ho",
        ],
    ),
    (Field::Latitude, &["vi do", "lat", "latitude"]),
    (
        Field::Longitude,
        &["kinh do", "lng", "lon", "long", "longitude"],
    ),
    (
        Field::Village,
        &[
            "thon",
            "thon xom",
            "thon to dan pho",
            "to dan pho",
            "ten thon",
            "thon lang",
        ],
    ),
    (Field::Sex, &["gioi tinh", "gioi", "nam nu", "phai"]),
    (
        Field::Birth,
        &[
            "nam sinh",
            "ngay sinh",
            "ngay thang nam sinh",
            "sinh ngay",
            "ngay sinh nam sinh",
        ],
    ),
    (
        Field::Status,
        &[
            "trang thai",
            "tinh trang",
            "tinh trang sinh hoat",
            "trang thai sinh hoat",
        ],
    ),
    (
        Field::Cell,
        &[
            "chi bo",
            "sinh hoat tai chi bo",
            "chi bo sinh hoat",
            "ten chi bo",
        ],
    ),
    (
        Field::CitizenId,
        &[
            "cccd",
            "so cccd",
            "can cuoc",
            "so can cuoc",
            "can cuoc cong dan",
            "cmnd",
            "so cmnd",
            "cccd cmnd",
            "so dinh danh",
        ],
    ),
    (Field::ErrorNote, &["loi", "ly do", "ly do loi"]),
];

/// The header's words, folded, without punctuation: "Số ĐT (di động)" → "so dt di dong".
pub fn header_key(raw: &str) -> String {
    let folded = text::fold(&text::to_unicode(raw));
    let spaced: String = folded
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    spaced.split_whitespace().collect::<Vec<_>>().join(" ")
}

pub fn field_of(raw: &str) -> Option<Field> {
    let key = header_key(raw);
    if key.is_empty() || key.len() > 60 {
        return None;
    }
    SYNONYMS
        .iter()
        .find(|(_, names)| names.contains(&key.as_str()))
        .map(|(f, _)| *f)
}

/// A column the file provides, with its header as written (for messages).
#[derive(Debug, Clone)]
pub struct Column {
    pub index: usize,
    pub field: Field,
    pub label: String,
}

#[derive(Debug, Clone)]
pub struct Header {
    pub columns: Vec<Column>,
    /// Index in `sheet.rows` of the first row after the header.
    pub data_start: usize,
    /// Every header cell by column (for the rejected-rows file).
    pub labels: Vec<String>,
}

impl Header {
    pub fn column(&self, field: Field) -> Option<&Column> {
        self.columns.iter().find(|c| c.field == field)
    }

    /// Headers of the columns nothing is read from ("Tôn giáo", "Dân tộc", notes, a
    /// second "Địa chỉ"), as written.
    pub fn ignored(&self) -> Vec<String> {
        self.labels
            .iter()
            .enumerate()
            .filter(|(i, l)| !l.is_empty() && !self.columns.iter().any(|c| c.index == *i))
            .map(|(_, l)| l.clone())
            .collect()
    }
}

/// How far down a title block may reach before the header.
const SEARCH_ROWS: usize = 30;

fn label(cell: &Cell) -> String {
    match cell {
        Cell::Text(s) => text::clean(&text::to_unicode(s)),
        _ => String::new(),
    }
}

/// Columns of one candidate: the row below (a sub-header) wins over the row above.
fn columns_of(top: &SheetRow, sub: Option<&SheetRow>) -> (Vec<Column>, Vec<String>) {
    let width = top.cells.len().max(sub.map_or(0, |s| s.cells.len()));
    let mut cols: Vec<Column> = Vec::new();
    let mut labels = Vec::with_capacity(width);
    for i in 0..width {
        let below = sub.map(|s| label(s.get(i))).unwrap_or_default();
        let above = label(top.get(i));
        let (field, text) = match field_of(&below) {
            Some(f) => (Some(f), below),
            None => (
                field_of(&above),
                if below.is_empty() { above } else { below },
            ),
        };
        labels.push(text.clone());
        if let Some(field) = field {
            if !cols.iter().any(|c| c.field == field) {
                cols.push(Column {
                    index: i,
                    field,
                    label: text,
                });
            }
        }
    }
    (cols, labels)
}

/// The best header among the first rows: most recognised columns, a name column
/// required. `None` when no row looks like a header.
pub fn find(sheet: &Sheet) -> Option<Header> {
    let mut best: Option<(usize, Header)> = None;
    let n = sheet.rows.len().min(SEARCH_ROWS);
    for i in 0..n {
        let top = &sheet.rows[i];
        let next = sheet.rows.get(i + 1);
        // A sub-header sits directly under its header row.
        let sub = next.filter(|r| r.number == top.number + 1);
        for (sub, used) in [(None, 1), (sub, 2)] {
            if used == 2 && sub.is_none() {
                continue;
            }
            let (columns, labels) = columns_of(top, sub);
            let score = columns.iter().filter(|c| c.field != Field::Seq).count();
            if !columns.iter().any(|c| c.field == Field::Name) || score < 2 {
                continue;
            }
            if best.as_ref().is_none_or(|(s, _)| score > *s) {
                best = Some((
                    score,
                    Header {
                        columns,
                        data_start: i + used,
                        labels,
                    },
                ));
            }
        }
    }
    let (_, mut header) = best?;
    // Official forms number their columns under the header: "(1) (2) (3)" or "1 2 3".
    if let Some(row) = sheet.rows.get(header.data_start) {
        if is_numbering_row(row) {
            header.data_start += 1;
        }
    }
    Some(header)
}

fn is_numbering_row(row: &SheetRow) -> bool {
    let cells: Vec<String> = row
        .cells
        .iter()
        .filter(|c| !c.is_blank())
        .map(|c| {
            c.text()
                .trim()
                .trim_matches(|c| c == '(' || c == ')')
                .to_owned()
        })
        .collect();
    cells.len() >= 3
        && cells
            .iter()
            .enumerate()
            .all(|(i, s)| s.parse::<usize>().ok() == Some(i + 1))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usual_spellings_are_recognised() {
        for (raw, f) in [
            ("Họ và tên", Field::Name),
            ("HỌ TÊN CHỦ HỘ", Field::Name),
            ("Tên chủ hộ", Field::Name),
            ("SĐT", Field::Phone),
            ("Số điện thoại", Field::Phone),
            ("Điện thoại", Field::Phone),
            ("Địa chỉ", Field::Xom),
            ("Năm sinh", Field::Birth),
            ("Ngày sinh", Field::Birth),
            ("Số nhân khẩu", Field::Size),
            ("Hä vµ tªn", Field::Name),
            ("Thôn/Tổ dân phố", Field::Village),
        ] {
            assert_eq!(field_of(raw), Some(f), "{raw}");
        }
        assert_eq!(field_of("DANH SÁCH HỘ GIA ĐÌNH THÔN BẰNG NGANG"), None);
    }
}
