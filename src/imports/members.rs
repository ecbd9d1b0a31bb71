//! A row of a Party members file → the registry's own [`MemberForm`], validated by the
//! same code as the web form.

use super::dates;
use super::headers::Field;
use super::households::{cell_text, footer_rows, formula_error, name_text, phone_text, rejected};
use super::{Parsed, Rejected};
use crate::people::members::{Draft, MemberForm};
use crate::text;

pub struct Row {
    pub row: u32,
    pub form: MemberForm,
    pub draft: Draft,
    pub village: String,
    /// The "Chi bộ" cell as written; the store resolves it to a cell of the commune.
    pub cell: String,
}

#[derive(Debug, Clone, Copy, Default)]
pub struct Present {
    pub sex: bool,
    pub birth_year: bool,
    pub phone: bool,
    pub status: bool,
    pub cell: bool,
}

pub fn present(p: &Parsed) -> Present {
    let has = |f| p.header.column(f).is_some();
    Present {
        sex: has(Field::Sex),
        birth_year: has(Field::Birth),
        phone: has(Field::Phone),
        status: has(Field::Status),
        cell: has(Field::Cell),
    }
}

/// "Nam", "nữ", "M", "F", "x" under a "Nam" header is not handled (a column per sex is rare).
fn sex_code(raw: &str) -> Result<String, String> {
    match text::fold(raw.trim()).as_str() {
        "" => Ok(String::new()),
        "nam" | "m" | "male" => Ok("M".into()),
        "nu" | "f" | "female" => Ok("F".into()),
        _ => Err(format!("Giới tính \"{raw}\" không rõ; hãy ghi Nam hoặc Nữ")),
    }
}

fn status_code(raw: &str) -> Result<String, String> {
    let key = text::fold(raw.trim());
    let code = match key.as_str() {
        "" => "",
        k if k.contains("mien") => "exempt",
        k if k.contains("chuyen") => "moved",
        k if k.contains("tu tran") || k.contains("da mat") || k.contains("tu the") => "deceased",
        k if k.contains("dang sinh hoat") || k == "sinh hoat" || k == "active" => "active",
        k @ ("exempt" | "moved" | "deceased") => return Ok(k.to_owned()),
        _ => {
            return Err(format!(
                "Trạng thái \"{raw}\" không rõ; hãy ghi: Đang sinh hoạt, Miễn sinh hoạt, Đã chuyển đi hoặc Đã từ trần"
            ))
        }
    };
    Ok(code.to_owned())
}

pub fn rows(
    p: &Parsed,
    secret: &str,
    citizen_id_enabled: bool,
    this_year: i32,
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
        let reject = |field, reason: String| Rejected {
            row: r.number,
            column: p.label(field),
            reason,
        };
        let sex = match sex_code(&t(Field::Sex)) {
            Ok(s) => s,
            Err(e) => {
                bad.push(reject(Field::Sex, e));
                continue;
            }
        };
        let status = match status_code(&t(Field::Status)) {
            Ok(s) => s,
            Err(e) => {
                bad.push(reject(Field::Status, e));
                continue;
            }
        };
        let birth_year = match p.cell(r, Field::Birth).map(|c| dates::parse(c, this_year)) {
            None | Some(Ok(None)) => String::new(),
            Some(Ok(Some(d))) => d.year.to_string(),
            Some(Err(e)) => {
                bad.push(reject(Field::Birth, e));
                continue;
            }
        };
        let form = MemberForm {
            village_id: String::new(),
            cell_id: String::new(),
            full_name: name_text(p.cell(r, Field::Name), title_case),
            sex,
            birth_year,
            phone: phone_text(p.cell(r, Field::Phone)),
            status,
            household_id: String::new(),
            citizen_id: if citizen_id_enabled {
                t(Field::CitizenId)
            } else {
                String::new()
            },
            ..MemberForm::default()
        };
        match form.validate(secret, citizen_id_enabled) {
            Ok(draft) => ok.push(Row {
                row: r.number,
                village: t(Field::Village),
                cell: t(Field::Cell),
                form,
                draft,
            }),
            Err(errors) => bad.push(rejected(p, r.number, errors)),
        }
    }
    (ok, bad)
}
