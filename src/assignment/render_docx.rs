//! "DANH SÁCH PHÂN CÔNG ĐẢNG VIÊN PHỤ TRÁCH HỘ GIA ĐÌNH" as a DOCX in the Party's
//! document format (Hướng dẫn 36-HD/VPTW): A4, Times New Roman 13–14 pt, margins
//! top/bottom 20 mm, left 30 mm, right 15 mm; issuing body top left with a "*" under it;
//! "ĐẢNG CỘNG SẢN VIỆT NAM" underlined top right with the place and date in italics below.

use docx_rs::{
    AlignmentType, LineSpacing, Paragraph, Run, Table, TableLayoutType, TableRow, VAlignType,
};

use super::model::{place_date, place_name, HouseholdBrief, MemberGroup, PlanHead, Status};
use crate::error::{AppError, AppResult};
use crate::party_docx::{cell, run, TEXT_W, TITLE};

/// What the document says, independent of where it came from.
pub struct ListDoc<'a> {
    pub commune_name: &'a str,
    pub village_name: &'a str,
    /// "Thôn", "Tổ dân phố", …
    pub village_type: &'a str,
    pub head: &'a PlanHead,
    pub groups: &'a [MemberGroup],
    /// Active households no member looks after: listed under their own heading, so
    /// that the paper list is complete.
    pub unassigned: &'a [HouseholdBrief],
    /// Who signs for the cell: the village's cell secretary, if the system knows one.
    pub secretary: Option<&'a str>,
}

/// "Người lập: … Xã duyệt ngày dd/mm/yyyy, người duyệt: …".
pub fn provenance(head: &PlanHead) -> String {
    let mut s = format!("Người lập: {}.", head.drafted_by_name);
    if let Some((day, who)) = head.approval() {
        s.push_str(&format!(" Xã duyệt ngày {day}, người duyệt: {who}."));
    }
    s
}

fn para(align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .align(align)
        .line_spacing(LineSpacing::new().before(0).after(0))
}

fn centred(r: Run) -> Paragraph {
    para(AlignmentType::Center).add_run(r)
}

/// The date the document speaks of: approval, else drafting.
fn doc_date(head: &PlanHead) -> &str {
    head.approved_at.as_deref().unwrap_or(&head.drafted_at)
}

pub fn render(d: &ListDoc<'_>) -> AppResult<Vec<u8>> {
    let commune_upper = d.commune_name.to_uppercase();
    let cell_upper = format!("CHI BỘ {} {}", d.village_type, d.village_name).to_uppercase();
    let dateline = place_date(&place_name(d.commune_name), doc_date(d.head));

    // Header: two borderless columns (36-HD/VPTW §II.1–4).
    let left = cell(TEXT_W * 45 / 100)
        .add_paragraph(centred(run(format!("ĐẢNG BỘ {commune_upper}"))))
        .add_paragraph(centred(run(cell_upper).bold()))
        .add_paragraph(centred(run("*")));
    let right = cell(TEXT_W * 55 / 100)
        .add_paragraph(centred(
            Run::new()
                .add_text("ĐẢNG CỘNG SẢN VIỆT NAM")
                .size(TITLE)
                .bold()
                .underline("single"),
        ))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(run(dateline).italic()));
    let header = Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![TEXT_W * 45 / 100, TEXT_W * 55 / 100])
        .layout(TableLayoutType::Fixed);

    let mut doc = crate::party_docx::document()
        .add_table(header)
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(Run::new().add_text("DANH SÁCH").size(TITLE).bold()))
        .add_paragraph(centred(
            Run::new()
                .add_text("PHÂN CÔNG ĐẢNG VIÊN PHỤ TRÁCH HỘ GIA ĐÌNH")
                .size(TITLE)
                .bold(),
        ))
        .add_paragraph(centred(
            run(format!(
                "(Mô hình \"Dân vận khéo 1+10\" — phiên bản {}{})",
                d.head.version,
                if d.head.status == Status::Approved || d.head.status == Status::Superseded {
                    String::new()
                } else {
                    format!(", {}", d.head.status.label_vi().to_lowercase())
                }
            ))
            .italic(),
        ))
        .add_paragraph(centred(run(provenance(d.head)).italic()))
        .add_paragraph(centred(run("")));

    // "STT" in 13 pt bold needs about 25 pt plus the cell margins: at 8 % of the text
    // width Word and LibreOffice broke it as "ST/T".
    let widths = [
        TEXT_W * 10 / 100,
        TEXT_W * 26 / 100,
        TEXT_W * 52 / 100,
        TEXT_W - TEXT_W * 10 / 100 - TEXT_W * 26 / 100 - TEXT_W * 52 / 100,
    ];
    let head_cell = |i: usize, t: &str| {
        cell(widths[i])
            .vertical_align(VAlignType::Center)
            .add_paragraph(centred(run(t).bold()))
    };
    let mut rows = vec![TableRow::new(vec![
        head_cell(0, "STT"),
        head_cell(1, "Họ và tên đảng viên"),
        head_cell(2, "Hộ gia đình phụ trách (chủ hộ, địa chỉ)"),
        head_cell(3, "Số hộ"),
    ])];
    let mut n = 0;
    let mut total = 0;
    for g in d.groups.iter().filter(|g| !g.pairs.is_empty()) {
        n += 1;
        total += g.pairs.len();
        let mut households = cell(widths[2]);
        for (i, p) in g.pairs.iter().enumerate() {
            let text = if p.address.is_empty() {
                format!("{}. {}", i + 1, p.head_name)
            } else {
                format!("{}. {} – {}", i + 1, p.head_name, p.address)
            };
            households = households.add_paragraph(para(AlignmentType::Left).add_run(run(text)));
        }
        rows.push(TableRow::new(vec![
            cell(widths[0]).add_paragraph(centred(run(n.to_string()))),
            cell(widths[1]).add_paragraph(para(AlignmentType::Left).add_run(run(&g.member.name))),
            households,
            cell(widths[3]).add_paragraph(centred(run(g.pairs.len().to_string()))),
        ]));
    }
    rows.push(TableRow::new(vec![
        cell(widths[0]).add_paragraph(centred(run(""))),
        cell(widths[1]).add_paragraph(
            para(AlignmentType::Left).add_run(run(format!("Cộng: {n} đảng viên")).bold()),
        ),
        cell(widths[2]).add_paragraph(para(AlignmentType::Left).add_run(run(""))),
        cell(widths[3]).add_paragraph(centred(run(total.to_string()).bold())),
    ]));
    let table = Table::new(rows)
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed);

    // Recipients left, signature right (36-HD/VPTW §II.9–10).
    let recipients = cell(TEXT_W / 2)
        .add_paragraph(
            para(AlignmentType::Left).add_run(
                Run::new()
                    .add_text("Nơi nhận:")
                    .size(24)
                    .bold()
                    .underline("single"),
            ),
        )
        .add_paragraph(
            para(AlignmentType::Left)
                .add_run(Run::new().add_text("- Đảng ủy xã (để báo cáo),").size(22)),
        )
        .add_paragraph(
            para(AlignmentType::Left)
                .add_run(Run::new().add_text("- Đảng viên trong chi bộ,").size(22)),
        )
        .add_paragraph(
            para(AlignmentType::Left).add_run(Run::new().add_text("- Lưu chi bộ.").size(22)),
        );
    let signature = cell(TEXT_W - TEXT_W / 2)
        .add_paragraph(centred(
            Run::new().add_text("T/M CHI BỘ").size(TITLE).bold(),
        ))
        .add_paragraph(centred(Run::new().add_text("BÍ THƯ").size(TITLE).bold()))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(
            Run::new()
                .add_text(d.secretary.unwrap_or_default())
                .size(TITLE)
                .bold(),
        ));
    let footer = Table::without_borders(vec![TableRow::new(vec![recipients, signature])])
        .set_grid(vec![TEXT_W / 2, TEXT_W - TEXT_W / 2])
        .layout(TableLayoutType::Fixed);

    doc = doc.add_table(table).add_paragraph(centred(run("")));
    doc = doc.add_paragraph(
        para(AlignmentType::Left).add_run(
            run(format!(
                "Hộ chưa có đảng viên phụ trách: {} hộ",
                d.unassigned.len()
            ))
            .bold(),
        ),
    );
    if d.unassigned.is_empty() {
        doc = doc.add_paragraph(para(AlignmentType::Left).add_run(run("Không có.")));
    }
    for (i, h) in d.unassigned.iter().enumerate() {
        let text = if h.address.is_empty() {
            format!("{}. {} ({})", i + 1, h.head_name, h.code)
        } else {
            format!("{}. {} – {} ({})", i + 1, h.head_name, h.address, h.code)
        };
        doc = doc.add_paragraph(para(AlignmentType::Left).add_run(run(text)));
    }
    doc = doc.add_paragraph(centred(run(""))).add_table(footer);
    let mut buf = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut buf)
        .map_err(|e| AppError::internal(format!("docx: {e}")))?;
    Ok(buf.into_inner())
}

/// A member's card as DOCX is not needed: the card is a printable page (A4 print CSS).
#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::model::{MemberBrief, PairView};

    #[test]
    fn document_is_a_zip_with_the_names() {
        let head = PlanHead {
            id: "p".into(),
            commune_id: "c".into(),
            village_id: "v".into(),
            village_name: "Bằng Ngang".into(),
            version: 2,
            status: Status::Approved,
            capacity: 10,
            drafted_by: "u".into(),
            drafted_by_name: "Nguyễn Văn Bí".into(),
            drafted_at: "2026-11-30T03:00:00.000Z".into(),
            submitted_at: None,
            decided_by: None,
            decided_by_name: None,
            decided_at: None,
            approved_at: Some("2026-11-30T03:00:00.000Z".into()),
            superseded_at: None,
            return_reason: None,
            households: 1,
            members: 1,
            uncovered: 0,
            members_needed: 0,
            moved: 0,
            total_distance_m: 0,
            notes: vec![],
        };
        let g = MemberGroup {
            member: MemberBrief {
                id: "m".into(),
                name: "Nguyễn Thị Huệ".into(),
                status: "active".into(),
                latitude: None,
                longitude: None,
            },
            colour: "#000",
            colour_class: "c0".into(),
            pairs: vec![PairView {
                household_id: "h".into(),
                household_code: "BN0001".into(),
                head_name: "Trần Văn Đức".into(),
                address: "Số 5, Xóm Đông".into(),
                latitude: None,
                longitude: None,
                household_active: true,
                member_id: "m".into(),
                member_name: "Nguyễn Thị Huệ".into(),
                member_status: "active".into(),
                reason: "same_xom".into(),
                distance_m: None,
                locked: false,
            }],
            over_capacity: false,
        };
        let bytes = render(&ListDoc {
            commune_name: "Xã Lương Bằng",
            village_name: "Bằng Ngang",
            village_type: "Thôn",
            head: &head,
            groups: &[g],
            unassigned: &[],
            secretary: Some("Lê Văn Bình"),
        })
        .unwrap();
        assert_eq!(&bytes[..2], b"PK");
    }
}
