//! The narrative skeleton of a report: generated Vietnamese sentences from the figures,
//! which the committee edits before submitting. Each part says what the figures say and
//! no more; where a figure misses its target the shortcomings and the tasks name it.

use super::indicators::{meets, permille, Figures, Indicator as I, Targets};
use crate::web::format::{number, percent};

/// The five parts of a report's body (Hướng dẫn 36-HD/VPTW lays out a report's content in
/// this order).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Narrative {
    pub situation: String,
    pub results: String,
    pub shortcomings: String,
    pub tasks: String,
    pub proposals: String,
}

/// "tăng 12 so với kỳ trước", "giảm 3 …", "bằng kỳ trước".
fn change(now: i64, before: i64) -> String {
    match now.cmp(&before) {
        std::cmp::Ordering::Greater => format!("tăng {} so với kỳ trước", number(now - before)),
        std::cmp::Ordering::Less => format!("giảm {} so với kỳ trước", number(before - now)),
        std::cmp::Ordering::Equal => "bằng kỳ trước".into(),
    }
}

/// "Quý IV/2026" → "quý IV/2026": the label inside a sentence.
fn lower_first(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_lowercase().chain(c).collect(),
        None => String::new(),
    }
}

fn share_text(part: i64, whole: i64) -> String {
    permille(part, whole).map_or_else(|| "—".into(), percent)
}

/// The generated narrative of `unit_name` for the period named `period_label`.
pub fn draft(
    unit_name: &str,
    period_label: &str,
    f: &Figures,
    previous: &Figures,
    targets: &Targets,
) -> Narrative {
    let situation = format!(
        "Thực hiện Kế hoạch triển khai mô hình \"Dân vận khéo\" 1+10, trong {period}, {unit} có {members} đảng viên \
         tham gia mô hình, được phân công phụ trách {assigned}/{households} hộ gia đình ({share}). \
         Các chi bộ duy trì việc phân công, theo dõi đảng viên gắn với hộ gia đình được phân công.",
        period = lower_first(period_label),
        unit = unit_name,
        members = number(f.get(I::Members)),
        assigned = number(f.get(I::Assigned)),
        households = number(f.get(I::Households)),
        share = share_text(f.get(I::Assigned), f.get(I::Households)),
    );

    let mut results = Vec::new();
    if f.has(I::Reached) {
        results.push(format!(
            "Đảng viên đã tiếp xúc, thăm hỏi {reached} hộ ({share} số hộ được phân công), {contacts} lượt tiếp xúc, {chg}; \
             {active} đảng viên có tiếp xúc trong kỳ.",
            reached = number(f.get(I::Reached)),
            share = share_text(f.get(I::Reached), f.get(I::Assigned)),
            contacts = number(f.get(I::Contacts)),
            chg = change(f.get(I::Contacts), previous.get(I::Contacts)),
            active = number(f.get(I::MembersActive)),
        ));
    } else {
        results.push(format!(
            "Đảng viên đã thực hiện {} lượt tiếp xúc, thăm hỏi hộ gia đình, {}.",
            number(f.get(I::Contacts)),
            change(f.get(I::Contacts), previous.get(I::Contacts))
        ));
    }
    if f.get(I::CampaignTargeted) > 0 {
        results.push(format!(
            "Tuyên truyền, vận động đến {}/{} hộ thuộc đối tượng các đợt tuyên truyền ({}).",
            number(f.get(I::CampaignDelivered)),
            number(f.get(I::CampaignTargeted)),
            share_text(f.get(I::CampaignDelivered), f.get(I::CampaignTargeted))
        ));
    }
    let stages = f.get(I::StagesOnTime) + f.get(I::StagesLate);
    results.push(format!(
        "Tiếp nhận {received} ý kiến, kiến nghị của Nhân dân; đã trả lời {answered}, trong đó {resolved} kiến nghị \
         được hộ dân xác nhận đã giải quyết{on_time}.",
        received = number(f.get(I::PetitionsReceived)),
        answered = number(f.get(I::PetitionsAnswered)),
        resolved = number(f.get(I::PetitionsResolved)),
        on_time = if stages > 0 {
            format!("; {} khâu xử lý đúng hạn", share_text(f.get(I::StagesOnTime), stages))
        } else {
            String::new()
        },
    ));
    if f.get(I::EventsHeld) > 0 {
        results.push(format!(
            "Tổ chức {} hội nghị, cuộc họp, đối thoại với {} lượt đảng viên và {} lượt hộ tham dự.",
            number(f.get(I::EventsHeld)),
            number(f.get(I::EventMembers)),
            number(f.get(I::EventHouseholds))
        ));
    }
    results.push(format!(
        "Có {}/{} hộ và {}/{} đảng viên ký bản cam kết trong năm.",
        number(f.get(I::CommitmentsHouseholds)),
        number(f.get(I::Households)),
        number(f.get(I::CommitmentsMembers)),
        number(f.get(I::Members))
    ));

    // What missed its target, or is plainly short of the model's aim.
    let mut short = Vec::new();
    let mut tasks = Vec::new();
    let unassigned = f.get(I::Households) - f.get(I::Assigned);
    if unassigned > 0 {
        short.push(format!(
            "Còn {} hộ chưa có đảng viên phụ trách.",
            number(unassigned)
        ));
        tasks.push("Rà soát, bổ sung phân công đảng viên phụ trách các hộ còn lại.".to_owned());
    }
    for i in I::ALL {
        if meets(i, f, targets) == Some(false) {
            short.push(format!(
                "Chỉ tiêu \"{}\" chưa đạt: {} (chỉ tiêu {}).",
                i.label_vi(),
                super::indicators::value_text(i, f),
                super::indicators::target_text(i, targets)
            ));
        }
    }
    if f.get(I::StagesLate) > 0 {
        short.push(format!(
            "Có {} khâu xử lý kiến nghị trễ hạn.",
            number(f.get(I::StagesLate))
        ));
        tasks.push("Đôn đốc các cơ quan trả lời kiến nghị đúng hạn; đảng viên chuyển kết quả trả lời đến hộ kịp thời.".to_owned());
    }
    if f.get(I::PetitionsReopened) > 0 {
        short.push(format!(
            "{} kiến nghị hộ dân chưa đồng ý với kết quả trả lời, phải xem xét lại.",
            number(f.get(I::PetitionsReopened))
        ));
    }
    if short.is_empty() {
        short.push("(Cấp ủy bổ sung hạn chế, nguyên nhân.)".to_owned());
    }
    tasks.push("Tiếp tục duy trì tiếp xúc định kỳ với các hộ được phân công, nắm bắt tâm tư, nguyện vọng của Nhân dân.".to_owned());
    tasks.push(
        "Tổng hợp ý kiến, kiến nghị qua chi bộ, phản ánh kịp thời với cấp ủy, chính quyền."
            .to_owned(),
    );

    Narrative {
        situation,
        results: results.join("\n"),
        shortcomings: short.join("\n"),
        tasks: tasks.join("\n"),
        proposals: "(Cấp ủy bổ sung đề xuất, kiến nghị với cấp trên, nếu có.)".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_missed_target_is_named_as_a_shortcoming() {
        let mut f = Figures::default();
        f.set(I::Households, 100);
        f.set(I::Assigned, 100);
        f.set(I::Reached, 50);
        let t: Targets = [(I::Reached, 900)].into();
        let n = draft("Xã Lương Bằng", "Quý IV/2026", &f, &Figures::default(), &t);
        assert!(
            n.shortcomings.contains("Hộ được tiếp xúc trong kỳ"),
            "{}",
            n.shortcomings
        );
        assert!(
            n.shortcomings.contains("(chỉ tiêu 90,0%)"),
            "{}",
            n.shortcomings
        );
        assert!(
            n.situation.contains("trong quý IV/2026, Xã Lương Bằng"),
            "{}",
            n.situation
        );
    }

    #[test]
    fn without_a_counted_reach_the_results_give_contacts_only() {
        let mut f = Figures::default();
        f.set(I::Contacts, 12);
        let n = draft(
            "Xã A",
            "Tháng 12/2026",
            &f,
            &Figures::default(),
            &Targets::new(),
        );
        assert!(
            n.results.starts_with("Đảng viên đã thực hiện 12 lượt"),
            "{}",
            n.results
        );
    }
}
