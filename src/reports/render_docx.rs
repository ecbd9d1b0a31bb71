//! The periodic report as a DOCX in the Party's format (Hướng dẫn 36-HD/VPTW): the
//! issuing body top left ("ĐẢNG BỘ XÃ LƯƠNG BẰNG" over "ĐẢNG ỦY", a "*" under it) with the
//! number under that; "ĐẢNG CỘNG SẢN VIỆT NAM" underlined top right with the place and
//! date line in italics; the title "BÁO CÁO" and its summary line; the body (the
//! narrative, the table of figures, the chart, corrections); "Nơi nhận" left and the
//! signer block right. A4, Times New Roman 13–14 pt, the guide's margins (`party_docx`).

use docx_rs::{
    AlignmentType, LineSpacing, Paragraph, Pic, Run, Table, TableLayoutType, TableRow, VAlignType,
};

use super::indicators::{target_text, value_text, Indicator};
use super::store::Report;
use crate::error::{AppError, AppResult};
use crate::party_docx::{cell, run, TEXT_W, TITLE};

fn para(align: AlignmentType) -> Paragraph {
    Paragraph::new()
        .align(align)
        .line_spacing(LineSpacing::new().before(0).after(60))
}

fn centred(r: Run) -> Paragraph {
    para(AlignmentType::Center).add_run(r)
}

fn body(text: &str) -> Paragraph {
    para(AlignmentType::Both)
        .indent(Some(567), None, None, None)
        .add_run(run(text))
}

fn heading(text: &str) -> Paragraph {
    para(AlignmentType::Left).add_run(run(text).bold())
}

/// "Lương Bằng, ngày 05 tháng 01 năm 2027"; dotted before the report is issued.
pub fn dateline(r: &Report) -> String {
    match &r.issued_on {
        Some(d) => crate::assignment::model::place_date(&r.profile.place_name, d),
        None => format!("{}, ngày …… tháng …… năm ……", r.profile.place_name),
    }
}

/// "kết quả thực hiện mô hình "Dân vận khéo" 1+10 quý IV/2026".
pub fn summary_line(r: &Report) -> String {
    let label = r.period.label_vi();
    let mut c = label.chars();
    let label: String = match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    };
    format!("kết quả thực hiện mô hình \"Dân vận khéo\" 1+10 {label}")
}

fn header(r: &Report) -> Table {
    let p = &r.profile;
    let left = cell(TEXT_W * 45 / 100)
        .add_paragraph(centred(run(&p.parent_body)))
        .add_paragraph(centred(run(&p.issuing_body).bold()))
        .add_paragraph(centred(run("*")))
        .add_paragraph(centred(run(r.number_text())));
    let right = cell(TEXT_W * 55 / 100)
        .add_paragraph(centred(
            Run::new()
                .add_text("ĐẢNG CỘNG SẢN VIỆT NAM")
                .size(TITLE)
                .bold()
                .underline("single"),
        ))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(run(dateline(r)).italic()));
    Table::without_borders(vec![TableRow::new(vec![left, right])])
        .set_grid(vec![TEXT_W * 45 / 100, TEXT_W * 55 / 100])
        .layout(TableLayoutType::Fixed)
}

fn figures_table(r: &Report) -> Table {
    let widths = [
        TEXT_W * 7 / 100,
        TEXT_W * 39 / 100,
        TEXT_W * 20 / 100,
        TEXT_W * 20 / 100,
        TEXT_W - TEXT_W * 86 / 100,
    ];
    let head = |i: usize, t: &str| {
        cell(widths[i])
            .vertical_align(VAlignType::Center)
            .add_paragraph(centred(run(t).bold().size(24)))
    };
    let small = |t: String| run(t).size(24);
    let mut rows = vec![TableRow::new(vec![
        head(0, "TT"),
        head(1, "Chỉ tiêu"),
        head(2, "Kỳ này"),
        head(3, "Kỳ trước"),
        head(4, "Chỉ tiêu đề ra"),
    ])];
    for (n, i) in Indicator::ALL.iter().enumerate() {
        rows.push(TableRow::new(vec![
            cell(widths[0]).add_paragraph(centred(small((n + 1).to_string()))),
            cell(widths[1])
                .add_paragraph(para(AlignmentType::Left).add_run(small(i.label_vi().into()))),
            cell(widths[2]).add_paragraph(centred(small(value_text(*i, &r.figures)))),
            cell(widths[3]).add_paragraph(centred(small(value_text(*i, &r.previous)))),
            cell(widths[4]).add_paragraph(centred(small(target_text(*i, &r.targets)))),
        ]));
    }
    Table::new(rows)
        .set_grid(widths.to_vec())
        .layout(TableLayoutType::Fixed)
}

fn paragraphs(text: &str) -> Vec<Paragraph> {
    let mut out: Vec<Paragraph> = text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(body)
        .collect();
    if out.is_empty() {
        out.push(body(""));
    }
    out
}

fn footer(r: &Report) -> Table {
    let p = &r.profile;
    let mut recipients = cell(TEXT_W / 2).add_paragraph(
        para(AlignmentType::Left)
            .add_run(Run::new().add_text("Nơi nhận:").size(24).bold().italic()),
    );
    for line in p.recipients_lines() {
        recipients = recipients
            .add_paragraph(para(AlignmentType::Left).add_run(Run::new().add_text(line).size(22)));
    }
    let signer = format!("{} {}", p.signer_mode.written(), p.signer_body);
    let signature = cell(TEXT_W - TEXT_W / 2)
        .add_paragraph(centred(Run::new().add_text(signer).size(TITLE).bold()))
        .add_paragraph(centred(
            Run::new().add_text(&p.signer_title).size(TITLE).bold(),
        ))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(
            Run::new().add_text(&p.signer_name).size(TITLE).bold(),
        ));
    Table::without_borders(vec![TableRow::new(vec![recipients, signature])])
        .set_grid(vec![TEXT_W / 2, TEXT_W - TEXT_W / 2])
        .layout(TableLayoutType::Fixed)
}

pub fn render(r: &Report) -> AppResult<Vec<u8>> {
    let n = &r.narrative;
    let mut doc = crate::party_docx::document()
        .add_table(header(r))
        .add_paragraph(centred(run("")))
        .add_paragraph(centred(Run::new().add_text("BÁO CÁO").size(TITLE).bold()))
        .add_paragraph(centred(
            Run::new().add_text(summary_line(r)).size(TITLE).bold(),
        ))
        .add_paragraph(centred(run("-----")))
        .add_paragraph(heading("I. TÌNH HÌNH CHUNG"));
    for p in paragraphs(&n.situation) {
        doc = doc.add_paragraph(p);
    }
    doc = doc.add_paragraph(heading("II. KẾT QUẢ THỰC HIỆN"));
    for p in paragraphs(&n.results) {
        doc = doc.add_paragraph(p);
    }
    doc = doc
        .add_paragraph(body("Kết quả cụ thể theo các chỉ tiêu:"))
        .add_table(figures_table(r))
        .add_paragraph(centred(run("")));
    let (png, w, h) = super::chart::png(&r.figures, &r.previous);
    if !png.is_empty() {
        // 600 px drawn 15 cm wide.
        let pic = Pic::new_with_dimensions(png, w, h).size(15 * 360_000, 15 * 360_000 * h / w);
        doc = doc
            .add_paragraph(para(AlignmentType::Center).add_run(Run::new().add_image(pic)))
            .add_paragraph(
                para(AlignmentType::Both).add_run(
                    run(super::chart::caption(&r.figures, &r.previous))
                        .italic()
                        .size(22),
                ),
            );
    }
    if !r.corrections.is_empty() {
        doc = doc.add_paragraph(heading("Đính chính số liệu kỳ trước"));
        for c in &r.corrections {
            doc = doc.add_paragraph(body(&format!(
                "- {}: báo cáo kỳ {} ghi {}, số liệu hiện nay là {}.",
                c.indicator.label_vi(),
                c.period,
                crate::web::format::number(c.reported),
                crate::web::format::number(c.now)
            )));
        }
    }
    doc = doc.add_paragraph(heading("III. HẠN CHẾ, NGUYÊN NHÂN"));
    for p in paragraphs(&n.shortcomings) {
        doc = doc.add_paragraph(p);
    }
    doc = doc.add_paragraph(heading("IV. NHIỆM VỤ TRỌNG TÂM KỲ TỚI"));
    for p in paragraphs(&n.tasks) {
        doc = doc.add_paragraph(p);
    }
    doc = doc.add_paragraph(heading("V. ĐỀ XUẤT, KIẾN NGHỊ"));
    for p in paragraphs(&n.proposals) {
        doc = doc.add_paragraph(p);
    }
    doc = doc.add_paragraph(centred(run(""))).add_table(footer(r));
    let mut out = std::io::Cursor::new(Vec::new());
    doc.build()
        .pack(&mut out)
        .map_err(|e| AppError::Internal(format!("report docx: {e}")))?;
    Ok(out.into_inner())
}
