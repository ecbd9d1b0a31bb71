//! "BẢN CAM KẾT" forms as one DOCX per village, one household (or member) per page, in
//! the Party's document format the assignment list uses (Hướng dẫn 36-HD/VPTW): issuing
//! body top left with a "*" under it, "ĐẢNG CỘNG SẢN VIỆT NAM" underlined top right, the
//! place and date line in italics, the title and its summary line, the lines of the form,
//! and the signatures. Pre-filled with what the registry knows; blanks stay dotted.

use docx_rs::{AlignmentType, LineSpacing, Paragraph, Run, Table, TableLayoutType, TableRow};

use super::model::Subject;
use super::store::Entry;
use crate::error::{AppError, AppResult};
use crate::party_docx::{cell, run, BODY, TEXT_W, TITLE};

/// What every page of the document shares.
pub struct FormsDoc<'a> {
    pub commune_name: &'a str,
    pub village_name: &'a str,
    /// "Thôn", "Tổ dân phố", …
    pub village_type: &'a str,
    pub year: i32,
    pub subject: Subject,
    pub items: &'a [String],
    pub entries: &'a [Entry],
    /// Who signs for the cell on the members' form, if the system knows them.
    pub secretary: Option<&'a str>,
}

const DOTS: &str = "……………………………………";

fn para(align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .align(align)
        .line_spacing(LineSpacing::new().before(0).after(20))
}

fn centred(r: Run) -> Paragraph {
    para(AlignmentType::Center).add_run(r)
}

fn left(r: Run) -> Paragraph {
    para(AlignmentType::Both).add_run(r)
}

/// "Lương Bằng": the commune's name without its type word.
fn place(commune_name: &str) -> String {
    crate::assignment::model::place_name(commune_name)
}

fn or_dots(s: &str) -> String {
    if s.trim().is_empty() {
        DOTS.to_owned()
    } else {
        s.to_owned()
    }
}

/// A "label: value" line with the value in bold.
fn field(label: &str, value: &str) -> Paragraph {
    left(run(format!("{label}: "))).add_run(run(or_dots(value)).bold())
}

fn header(d: &FormsDoc<'_>) -> Table {
    let commune_upper = d.commune_name.to_uppercase();
    let cell_upper = format!("CHI BỘ {} {}", d.village_type, d.village_name).to_uppercase();
    let dateline = format!("{}, ngày … tháng … năm {}", place(d.commune_name), d.year);
    let l = cell(TEXT_W * 45 / 100)
        .add_paragraph(centred(run(format!("ĐẢNG BỘ {commune_upper}"))))
        .add_paragraph(centred(run(cell_upper).bold()))
        .add_paragraph(centred(run("*")));
    let r = cell(TEXT_W * 55 / 100)
        .add_paragraph(centred(
            Run::new()
                .add_text("ĐẢNG CỘNG SẢN VIỆT NAM")
                .size(TITLE)
                .bold()
                .underline("single"),
        ))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(run(dateline).italic()));
    Table::without_borders(vec![TableRow::new(vec![l, r])])
        .set_grid(vec![TEXT_W * 45 / 100, TEXT_W * 55 / 100])
        .layout(TableLayoutType::Fixed)
}

/// Two signature blocks side by side, `gap` empty lines above the names.
fn signatures(
    left_title: &[&str],
    left_name: &str,
    right_title: &[&str],
    right_name: &str,
    gap: usize,
) -> Table {
    let half = TEXT_W / 2;
    let side = |titles: &[&str], name: &str, w: usize| {
        let mut c = cell(w);
        for t in titles {
            c = c.add_paragraph(centred(Run::new().add_text(*t).size(BODY).bold()));
        }
        c = c.add_paragraph(centred(run("(Ký, ghi rõ họ tên)").italic()));
        for _ in 0..gap {
            c = c.add_paragraph(centred(run("")));
        }
        c.add_paragraph(centred(Run::new().add_text(name).size(BODY).bold()))
    };
    Table::without_borders(vec![TableRow::new(vec![
        side(left_title, left_name, half),
        side(right_title, right_name, TEXT_W - half),
    ])])
    .set_grid(vec![half, TEXT_W - half])
    .layout(TableLayoutType::Fixed)
}

pub fn render(d: &FormsDoc<'_>) -> AppResult<Vec<u8>> {
    let mut doc = crate::party_docx::document();
    let village_full = format!("{} {}", d.village_type, d.village_name);
    for (n, e) in d.entries.iter().enumerate() {
        if n > 0 {
            // Each form starts a page: "page break before" on a hairline paragraph, not a
            // break after the signatures, which would leave a blank page whenever the
            // signatures end exactly at the foot of a page.
            doc = doc.add_paragraph(
                Paragraph::new()
                    .page_break_before(true)
                    .line_spacing(LineSpacing::new().before(0).after(0).line(20))
                    .add_run(Run::new().add_text("").size(2)),
            );
        }
        doc = doc
            .add_table(header(d))
            .add_paragraph(centred(run("")))
            .add_paragraph(centred(
                Run::new().add_text("BẢN CAM KẾT").size(TITLE).bold(),
            ))
            .add_paragraph(centred(run(d.subject.summary(d.year)).bold()))
            .add_paragraph(centred(run("")));
        let intro = match d.subject {
            Subject::Household => {
                let address = if e.address.is_empty() {
                    format!("{village_full}, {}", d.commune_name)
                } else {
                    format!("{}, {village_full}, {}", e.address, d.commune_name)
                };
                doc = doc
                    .add_paragraph(field("Họ và tên chủ hộ", &e.name))
                    .add_paragraph(field("Địa chỉ", &address))
                    .add_paragraph(field(
                        "Đảng viên phụ trách",
                        e.in_charge.as_deref().unwrap_or_default(),
                    ));
                "Sau khi được quán triệt Kế hoạch xây dựng mô hình “Dân vận khéo 1+10”, hộ gia đình tôi cam kết thực hiện tốt những nội dung sau:"
            }
            Subject::Member => {
                doc = doc
                    .add_paragraph(field("Họ và tên đảng viên", &e.name))
                    .add_paragraph(field(
                        "Sinh hoạt tại",
                        &format!("Chi bộ {village_full}, Đảng bộ {}", d.commune_name),
                    ));
                "Được chi bộ phân công phụ trách hộ gia đình theo mô hình “Dân vận khéo 1+10”, tôi cam kết thực hiện tốt những nội dung sau:"
            }
        };
        doc = doc.add_paragraph(left(run(intro)));
        for (i, t) in d.items.iter().enumerate() {
            doc = doc.add_paragraph(left(run(format!("{}. {t}", i + 1))));
        }
        // The members' list (II.1) is the longer: its signatures follow it directly.
        if d.subject == Subject::Household {
            doc = doc.add_paragraph(centred(run("")));
        }
        doc = match d.subject {
            Subject::Household => doc.add_table(signatures(
                &["ĐẢNG VIÊN PHỤ TRÁCH"],
                e.in_charge.as_deref().unwrap_or_default(),
                &["CHỦ HỘ"],
                &e.name,
                3,
            )),
            Subject::Member => doc.add_table(signatures(
                &["T/M CHI BỘ", "BÍ THƯ"],
                d.secretary.unwrap_or_default(),
                &["ĐẢNG VIÊN CAM KẾT"],
                &e.name,
                // Section II.1 is the longer list: two lines keep the page to one.
                2,
            )),
        };
    }
    if d.entries.is_empty() {
        doc = doc.add_paragraph(left(run("Không có ai trong danh sách.")));
    }
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| AppError::internal(format!("docx: {e}")))?;
    Ok(buf.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_page_per_household_with_the_names() {
        let e = |name: &str| Entry {
            subject_id: name.into(),
            code: String::new(),
            name: name.into(),
            address: "Số 5, Xóm Đông".into(),
            signed: None,
            signed_on: None,
            in_charge: Some("Nguyễn Thị Huệ".into()),
        };
        let items: Vec<String> = Subject::Household
            .defaults()
            .iter()
            .map(|s| s.to_string())
            .collect();
        let bytes = render(&FormsDoc {
            commune_name: "Xã Lương Bằng",
            village_name: "Bằng Ngang",
            village_type: "Thôn",
            year: 2025,
            subject: Subject::Household,
            items: &items,
            entries: &[e("Trần Văn Đức"), e("Lê Thị Hoa")],
            secretary: None,
        })
        .unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
