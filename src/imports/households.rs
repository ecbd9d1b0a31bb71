//! A row of a households file → the registry's own [`HouseholdForm`], validated by the
//! same code as the web form, so import and UI accept exactly the same data.

use super::headers::Field;
use super::table::{Cell, SheetRow};
use super::{Parsed, Rejected};
use crate::error::FieldError;
use crate::people::households::{Draft, HouseholdForm};
use crate::people::kinds::{Coded, SupportCategory};
use crate::text;
use crate::web::i18n::Lang;

/// One row that passed validation, with what the file said about where it belongs.
pub struct Row {
    pub row: u32,
    pub form: HouseholdForm,
    pub draft: Draft,
    /// The "Thôn" cell, when the file has one (needed for a whole-commune import).
    pub village: String,
    /// Support categories written in other words, as (written, canonical).
    pub mapped: Vec<(String, &'static str)>,
}

/// Which of the household's columns the file provides: a column the file lacks never
/// overwrites what the registry holds.
#[derive(Debug, Clone, Copy, Default)]
pub struct Present {
    pub code: bool,
    pub xom: bool,
    pub ngo: bool,
    pub house_no: bool,
    pub phone: bool,
    pub size: bool,
    pub support: bool,
    pub coordinates: bool,
}

pub fn present(p: &Parsed) -> Present {
    let has = |f| p.header.column(f).is_some();
    Present {
        code: has(Field::Code),
        xom: has(Field::Xom),
        ngo: has(Field::Ngo),
        house_no: has(Field::HouseNo),
        phone: has(Field::Phone),
        size: has(Field::Size),
        support: has(Field::Support),
        coordinates: has(Field::Latitude) && has(Field::Longitude),
    }
}

/// Text of a cell for a form field. A phone typed as a number lost its leading 0
/// ("912345678"); put it back.
pub fn cell_text(cell: Option<&Cell>) -> String {
    match cell {
        Some(c) => text::clean(&c.text()),
        None => String::new(),
    }
}

pub fn phone_text(cell: Option<&Cell>) -> String {
    match cell {
        Some(Cell::Number(f)) if f.fract() == 0.0 && (1e8..1e10).contains(f) => {
            format!("0{}", *f as i64)
        }
        c => cell_text(c),
    }
}

/// Support categories read from a cell: codes, and the words that were understood as
/// another category's name ("Người cao tuổi" → "Người cao tuổi neo đơn"), so the
/// preview can say so rather than store it silently.
#[derive(Debug, Default, PartialEq)]
pub struct Support {
    pub codes: Vec<String>,
    pub mapped: Vec<(String, &'static str)>,
}

/// "Hộ nghèo, Gia đình chính sách" → codes. Unknown words are an error the row shows.
pub fn support_codes(raw: &str) -> Result<Support, String> {
    let mut out = Support::default();
    for part in raw.split([',', ';', '/', '+', '\n']) {
        let key = text::fold(part.trim());
        if key.is_empty() || key == "khong" || key == "-" {
            continue;
        }
        let found = SupportCategory::ALL.iter().find(|c| {
            let vi = text::fold(c.label(Lang::Vi));
            key == c.code() || key == vi || (key.len() >= 5 && vi.contains(&key))
        });
        match found {
            Some(c) => {
                let vi = c.label(Lang::Vi);
                if key != c.code() && key != text::fold(vi) {
                    out.mapped.push((part.trim().to_owned(), vi));
                }
                out.codes.push(c.code().to_owned());
            }
            None => {
                let all: Vec<&str> = SupportCategory::ALL
                    .iter()
                    .map(|c| c.label(Lang::Vi))
                    .collect();
                return Err(format!(
                    "Diện hỗ trợ \"{}\" không có trong danh mục; hãy dùng: {}",
                    part.trim(),
                    all.join(", ")
                ));
            }
        }
    }
    Ok(out)
}

/// A cell that holds a formula Excel never computed: say so, rather than import blank.
pub fn formula_error(p: &Parsed, row: &SheetRow) -> Option<Rejected> {
    p.header.columns.iter().find_map(|c| match row.get(c.index) {
        Cell::Formula(_) => Some(Rejected {
            row: row.number,
            column: c.label.clone(),
            reason: "Ô chứa công thức chưa có kết quả; hãy mở tệp bằng Excel, lưu lại (hoặc dán giá trị thay cho công thức) rồi nhập lại".into(),
        }),
        Cell::Error => Some(Rejected {
            row: row.number,
            column: c.label.clone(),
            reason: "Ô báo lỗi công thức (#N/A, #VALUE!…); hãy sửa ô này trong Excel".into(),
        }),
        _ => None,
    })
}

/// Rows of the footer under the list, which are not households: a row without a name
/// and with at most one filled cell (a note), and everything from the first signature
/// line down ("Người lập biểu", "Xác nhận của trưởng thôn", "Ngày … tháng … năm …", in
/// its first filled cell or in the name column), which takes the signers' names with it.
pub fn footer_rows(p: &Parsed) -> Vec<u32> {
    let mut signed = false;
    p.rows
        .iter()
        .filter(|row| {
            let filled = row.cells.iter().filter(|c| !c.is_blank()).count();
            let first = row.cells.iter().find(|c| !c.is_blank());
            signed = signed
                || [first, p.cell(row, Field::Name)]
                    .into_iter()
                    .flatten()
                    .any(|c| matches!(c, Cell::Text(s) if is_signature_line(s)));
            signed || (cell_text(p.cell(row, Field::Name)).is_empty() && filled <= 1)
        })
        .map(|row| row.number)
        .collect()
}

/// Folded openings of the signature and note lines under communes' lists.
const SIGNATURE_OPENINGS: &[&str] = &[
    "nguoi lap",
    "nguoi ky",
    "nguoi kiem tra",
    "nguoi duyet",
    "xac nhan",
    "thu truong",
    "ke toan",
    "truong thon",
    "truong ban",
    "bi thu",
    "chu tich",
    "ghi chu",
    "ky ten",
    "ky ghi ro",
    "t m",
    "tm ",
];

fn is_signature_line(raw: &str) -> bool {
    let key = super::headers::header_key(raw);
    let dated = key.starts_with("ngay") && key.contains("thang") && key.contains(" nam");
    dated
        || SIGNATURE_OPENINGS
            .iter()
            .any(|o| key == o.trim_end() || key.starts_with(&format!("{} ", o.trim_end())))
}

/// Field errors named by the file's own column headers.
pub fn rejected(p: &Parsed, row: u32, errors: Vec<FieldError>) -> Rejected {
    let field_of = |name: &str| match name {
        "code" => Some(Field::Code),
        "head_name" | "full_name" => Some(Field::Name),
        "xom" => Some(Field::Xom),
        "ngo" => Some(Field::Ngo),
        "house_no" => Some(Field::HouseNo),
        "latitude" => Some(Field::Latitude),
        "longitude" => Some(Field::Longitude),
        "phone" => Some(Field::Phone),
        "size" => Some(Field::Size),
        "support" => Some(Field::Support),
        "citizen_id" => Some(Field::CitizenId),
        "birth_year" => Some(Field::Birth),
        "sex" => Some(Field::Sex),
        "status" => Some(Field::Status),
        "cell_id" => Some(Field::Cell),
        _ => None,
    };
    let column = errors
        .first()
        .and_then(|e| field_of(&e.field))
        .map(|f| p.label(f))
        .unwrap_or_default();
    let reason = errors
        .iter()
        .map(|e| e.message.clone())
        .collect::<Vec<_>>()
        .join("; ");
    Rejected {
        row,
        column,
        reason,
    }
}

/// Maps every data row; rows that fail validation come back as [`Rejected`].
/// The name as the registry stores it: with `title_case`, one typed in capitals or in
/// lowercase gets a capital at each word.
pub fn name_text(cell: Option<&Cell>, title_case: bool) -> String {
    let name = cell_text(cell);
    if title_case && text::needs_title_case(&name) {
        text::title_case(&name)
    } else {
        name
    }
}

/// Rows whose name [`name_text`] would change (footer rows aside).
pub fn names_to_recase(p: &Parsed) -> usize {
    let footer = footer_rows(p);
    p.rows
        .iter()
        .filter(|r| !footer.contains(&r.number))
        .filter(|r| text::needs_title_case(&cell_text(p.cell(r, Field::Name))))
        .count()
}

pub fn rows(
    p: &Parsed,
    secret: &str,
    citizen_id_enabled: bool,
    title_case: bool,
) -> (Vec<Row>, Vec<Rejected>) {
    let mut ok = Vec::with_capacity(p.rows.len());
    let mut bad = Vec::new();
    let footer = footer_rows(p);
    for r in &p.rows {
        if footer.contains(&r.number) {
            continue;
        }
        if let Some(e) = formula_error(p, r) {
            bad.push(e);
            continue;
        }
        let t = |f| cell_text(p.cell(r, f));
        let support = match support_codes(&t(Field::Support)) {
            Ok(s) => s,
            Err(reason) => {
                bad.push(Rejected {
                    row: r.number,
                    column: p.label(Field::Support),
                    reason,
                });
                continue;
            }
        };
        let form = HouseholdForm {
            village_id: String::new(),
            code: t(Field::Code),
            head_name: name_text(p.cell(r, Field::Name), title_case),
            xom: t(Field::Xom),
            ngo: t(Field::Ngo),
            house_no: t(Field::HouseNo),
            latitude: t(Field::Latitude),
            longitude: t(Field::Longitude),
            phone: phone_text(p.cell(r, Field::Phone)),
            size: t(Field::Size),
            support: support.codes,
            // With citizen IDs switched off (the default) the column is not read at all.
            confirm_duplicate: String::new(),
            citizen_id: if citizen_id_enabled {
                t(Field::CitizenId)
            } else {
                String::new()
            },
        };
        match form.validate(secret, citizen_id_enabled) {
            Ok(draft) => ok.push(Row {
                row: r.number,
                village: t(Field::Village),
                form,
                draft,
                mapped: support.mapped,
            }),
            Err(errors) => bad.push(rejected(p, r.number, errors)),
        }
    }
    (ok, bad)
}
