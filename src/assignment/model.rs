//! Plans as the rest of the app sees them: statuses, pairs, loads, warnings, the diff
//! a commune committee reviews. Types and rules only, no I/O.

use std::collections::HashMap;

use serde::Serialize;

use super::solver;

/// Default "about ten" (the pilot plan); a commune may set its own (5–11 in pilots).
pub const DEFAULT_CAPACITY: u32 = 10;
/// Upper bound a person may type: beyond this "1+10" stops meaning anything.
pub const MAX_CAPACITY: u32 = 30;

/// Where a plan is in its life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Approved,
    Returned,
    Superseded,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Approved => "approved",
            Status::Returned => "returned",
            Status::Superseded => "superseded",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        [
            Status::Draft,
            Status::Submitted,
            Status::Approved,
            Status::Returned,
            Status::Superseded,
        ]
        .into_iter()
        .find(|x| x.code() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Draft => "Dự thảo",
            Status::Submitted => "Chờ xã duyệt",
            Status::Approved => "Đã duyệt (đang áp dụng)",
            Status::Returned => "Xã trả lại",
            Status::Superseded => "Đã thay thế",
        }
    }

    /// The secretary may still change pairs: a returned plan goes back to draft on edit.
    pub fn editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// The workflow: what `action` makes of a plan in this status, or why it cannot.
    /// The store persists what this decides; it never decides on its own.
    pub fn apply(self, action: PlanAction) -> Result<Status, Refusal> {
        use PlanAction as A;
        use Status as S;
        match (self, action) {
            (S::Draft | S::Returned, A::Edit) => Ok(self),
            (S::Draft | S::Returned, A::Submit) => Ok(S::Submitted),
            (S::Submitted, A::Approve) => Ok(S::Approved),
            (S::Submitted, A::Return) => Ok(S::Returned),
            (S::Approved | S::Draft | S::Returned, A::Supersede) => Ok(S::Superseded),
            _ => Err(Refusal { from: self, action }),
        }
    }
}

/// What someone does to a plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PlanAction {
    /// Move a household or lock a pair.
    Edit,
    Submit,
    Approve,
    Return,
    /// A newer version takes its place.
    Supersede,
}

/// A transition the workflow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub from: Status,
    pub action: PlanAction,
}

impl Refusal {
    /// What the person reads, in Vietnamese, naming the plan's version.
    pub fn message(&self, version: i64) -> String {
        let status = self.from.label_vi();
        match self.action {
            PlanAction::Approve => format!(
                "Chỉ duyệt được danh sách đang chờ duyệt (phiên bản {version} đang ở trạng thái \"{status}\")."
            ),
            PlanAction::Return => format!(
                "Chỉ trả lại được danh sách đang chờ duyệt (phiên bản {version} đang ở trạng thái \"{status}\")."
            ),
            PlanAction::Edit | PlanAction::Submit | PlanAction::Supersede => format!(
                "Danh sách phiên bản {version} đang ở trạng thái \"{status}\", không sửa được. Hãy lập danh sách mới."
            ),
        }
    }
}

#[cfg(test)]
mod workflow_tests {
    use super::{PlanAction as A, Status as S};

    const ALL: [S; 5] = [
        S::Draft,
        S::Submitted,
        S::Approved,
        S::Returned,
        S::Superseded,
    ];

    #[test]
    fn the_path_of_a_plan() {
        let s = S::Draft.apply(A::Edit).unwrap();
        let s = s.apply(A::Submit).unwrap();
        assert_eq!(s, S::Submitted);
        assert_eq!(s.apply(A::Return), Ok(S::Returned));
        let s = S::Returned
            .apply(A::Submit)
            .unwrap()
            .apply(A::Approve)
            .unwrap();
        assert_eq!(s, S::Approved);
        assert_eq!(s.apply(A::Supersede), Ok(S::Superseded));
    }

    #[test]
    fn only_drafts_and_returned_plans_change_by_hand() {
        for s in ALL {
            assert_eq!(s.apply(A::Edit).is_ok(), s.editable(), "{s:?}");
            assert_eq!(s.apply(A::Submit).is_ok(), s.editable(), "{s:?}");
        }
    }

    #[test]
    fn only_a_submitted_plan_is_decided() {
        for s in ALL {
            for a in [A::Approve, A::Return] {
                assert_eq!(s.apply(a).is_ok(), s == S::Submitted, "{s:?} {a:?}");
            }
        }
        let refusal = S::Approved.apply(A::Approve).unwrap_err();
        assert!(refusal.message(3).contains("phiên bản 3"));
    }

    #[test]
    fn nothing_leaves_superseded() {
        for a in [A::Edit, A::Submit, A::Approve, A::Return, A::Supersede] {
            assert!(S::Superseded.apply(a).is_err(), "{a:?}");
        }
    }
}

/// Reason code stored with a pair when the secretary moved it by hand.
pub const REASON_MANUAL: &str = "manual";

/// Vietnamese label of a stored reason code (solver codes plus `manual`).
pub fn reason_label(code: &str) -> &'static str {
    use solver::Reason as R;
    let all = [
        R::Pinned,
        R::Locked,
        R::Kept,
        R::Distance,
        R::SameXom,
        R::OtherXom,
        R::Unknown,
    ];
    match all.into_iter().find(|r| r.code() == code) {
        Some(r) => r.label_vi(),
        None if code == REASON_MANUAL => "Bí thư chuyển tay",
        None => "Khác",
    }
}

/// One plan's header row.
#[derive(Debug, Clone, Serialize)]
pub struct PlanHead {
    pub id: String,
    pub commune_id: String,
    pub village_id: String,
    pub village_name: String,
    pub version: i64,
    pub status: Status,
    pub capacity: i64,
    pub drafted_by: String,
    /// Who drafted it, as a person reads it (see [`actor_label`]).
    pub drafted_by_name: String,
    pub drafted_at: String,
    pub submitted_at: Option<String>,
    pub decided_by: Option<String>,
    /// Who approved or returned it, as a person reads it.
    pub decided_by_name: Option<String>,
    pub decided_at: Option<String>,
    pub approved_at: Option<String>,
    pub superseded_at: Option<String>,
    pub return_reason: Option<String>,
    pub households: i64,
    pub members: i64,
    pub uncovered: i64,
    pub members_needed: i64,
    pub moved: i64,
    pub total_distance_m: i64,
    pub notes: Vec<String>,
}

impl PlanHead {
    pub fn status_label(&self) -> &'static str {
        self.status.label_vi()
    }

    /// The approval date (dd/mm/yyyy, Vietnam) and the approver, when approved.
    pub fn approval(&self) -> Option<(String, String)> {
        let at = self.approved_at.as_deref()?;
        Some((
            crate::web::format::date(at),
            self.decided_by_name.clone().unwrap_or_default(),
        ))
    }
}

/// A plan's actor as people read it: the user's display name, or what the
/// non-user actors are (the demo seed and the command line write plans too).
pub fn actor_label(actor: &str, display_name: Option<String>) -> String {
    match (display_name, actor) {
        (Some(name), _) => name,
        (None, "system" | "system:demo") => "Hệ thống (dữ liệu mẫu)".to_owned(),
        (None, "cli") => "Quản trị viên (dòng lệnh)".to_owned(),
        (None, _) => "Hệ thống".to_owned(),
    }
}

/// A pair with what a person needs to read it.
#[derive(Debug, Clone, Serialize)]
pub struct PairView {
    pub household_id: String,
    pub household_code: String,
    pub head_name: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub household_active: bool,
    pub member_id: String,
    pub member_name: String,
    pub member_status: String,
    pub reason: String,
    pub distance_m: Option<i64>,
    pub locked: bool,
}

impl PairView {
    pub fn reason_label(&self) -> &'static str {
        reason_label(&self.reason)
    }
}

/// A household without a pair, or a member, as shown next to the plan.
#[derive(Debug, Clone, Serialize)]
pub struct HouseholdBrief {
    pub id: String,
    pub code: String,
    pub head_name: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct MemberBrief {
    pub id: String,
    pub name: String,
    pub status: String,
    /// Their own household's position: the member's home on the map.
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
}

/// One member's block on the plan page.
#[derive(Debug, Clone, Serialize)]
pub struct MemberGroup {
    pub member: MemberBrief,
    pub colour: &'static str,
    /// The colour as a class of the style sheet (`c0`…), for HTML swatches: the
    /// content security policy refuses inline styles.
    pub colour_class: String,
    pub pairs: Vec<PairView>,
    pub over_capacity: bool,
}

impl MemberGroup {
    pub fn load(&self) -> usize {
        self.pairs.len()
    }
}

/// Palette for the map and the list: distinguishable, readable on white, no red/green only.
pub const PALETTE: &[&str] = &[
    "#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#7f7f7f",
    "#bcbd22", "#17becf", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd",
];

/// Groups pairs by member (every listed member, also those with none), in member order.
pub fn group(members: &[MemberBrief], pairs: &[PairView], capacity: i64) -> Vec<MemberGroup> {
    let mut by_member: HashMap<&str, Vec<PairView>> = HashMap::new();
    for p in pairs {
        by_member
            .entry(p.member_id.as_str())
            .or_default()
            .push(p.clone());
    }
    members
        .iter()
        .enumerate()
        .map(|(i, m)| {
            let mut pairs = by_member.remove(m.id.as_str()).unwrap_or_default();
            pairs.sort_by(|a, b| a.household_code.cmp(&b.household_code));
            MemberGroup {
                over_capacity: pairs.len() as i64 > capacity,
                member: m.clone(),
                colour: PALETTE[i % PALETTE.len()],
                colour_class: format!("c{}", i % PALETTE.len()),
                pairs,
            }
        })
        .collect()
}

/// What the secretary and the committee must notice before submitting / approving.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Warnings {
    pub uncovered: Vec<HouseholdBrief>,
    pub members_needed: i64,
    pub over_capacity: Vec<String>,
    pub without_coordinates: usize,
    /// Pairs whose member is no longer active (exempt, moved, deceased).
    pub inactive_members: Vec<String>,
}

impl Warnings {
    pub fn is_empty(&self) -> bool {
        self.uncovered.is_empty()
            && self.members_needed == 0
            && self.over_capacity.is_empty()
            && self.without_coordinates == 0
            && self.inactive_members.is_empty()
    }
}

/// Members needed to cover `households` at `capacity` beyond the `members` there are.
pub fn members_needed(households: usize, members: usize, capacity: i64) -> i64 {
    let cap = capacity.max(1) as usize;
    households.div_ceil(cap).saturating_sub(members) as i64
}

/// One line of the difference between the plan in force and a new one.
#[derive(Debug, Clone, Serialize)]
pub struct DiffRow {
    pub household_code: String,
    pub head_name: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Diff {
    pub added: Vec<DiffRow>,
    pub moved: Vec<DiffRow>,
    pub removed: Vec<DiffRow>,
    pub unchanged: usize,
}

impl Diff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.moved.is_empty() && self.removed.is_empty()
    }
}

/// Pairs added (household had no member), moved (another member), removed (no member now).
pub fn diff(before: &[PairView], after: &[PairView]) -> Diff {
    let old: HashMap<&str, &PairView> = before
        .iter()
        .map(|p| (p.household_id.as_str(), p))
        .collect();
    let new: HashMap<&str, &PairView> =
        after.iter().map(|p| (p.household_id.as_str(), p)).collect();
    let mut d = Diff::default();
    for p in after {
        match old.get(p.household_id.as_str()) {
            None => d.added.push(DiffRow {
                household_code: p.household_code.clone(),
                head_name: p.head_name.clone(),
                before: None,
                after: Some(p.member_name.clone()),
            }),
            Some(o) if o.member_id != p.member_id => d.moved.push(DiffRow {
                household_code: p.household_code.clone(),
                head_name: p.head_name.clone(),
                before: Some(o.member_name.clone()),
                after: Some(p.member_name.clone()),
            }),
            Some(_) => d.unchanged += 1,
        }
    }
    for o in before {
        if !new.contains_key(o.household_id.as_str()) {
            d.removed.push(DiffRow {
                household_code: o.household_code.clone(),
                head_name: o.head_name.clone(),
                before: Some(o.member_name.clone()),
                after: None,
            });
        }
    }
    for v in [&mut d.added, &mut d.moved, &mut d.removed] {
        v.sort_by(|a, b| a.household_code.cmp(&b.household_code));
    }
    d
}

/// Something the approved plan no longer covers, computed from the registry on demand.
#[derive(Debug, Clone, Serialize)]
pub struct Alert {
    pub village_id: String,
    pub village_name: String,
    pub message: String,
    /// Where to act on it: the village page, or the plan itself.
    pub href: String,
}

impl Alert {
    pub fn for_village(village_id: String, village_name: String, message: String) -> Alert {
        Alert {
            href: format!("/assignment/villages/{village_id}"),
            village_id,
            village_name,
            message,
        }
    }
}

/// Alerts in Vietnamese order of their village (Bằng Ngang, Đồng Lý, Lương Hội), each
/// village's alerts in the order they were found.
pub fn sort_alerts(alerts: &mut [Alert]) {
    crate::text::sort_vi(alerts, |a| a.village_name.as_str());
}

/// One row of a household's assignment history.
#[derive(Debug, Clone, Serialize)]
pub struct HistoryRow {
    pub plan_id: String,
    pub version: i64,
    pub member_id: String,
    pub member_name: String,
    pub approved_at: String,
    pub superseded_at: Option<String>,
}

/// "Lương Bằng, ngày 30 tháng 11 năm 2026" from a stored UTC time (Vietnam date).
pub fn place_date(place: &str, stored: &str) -> String {
    let d = crate::web::format::date(stored);
    let parts: Vec<&str> = d.split('/').collect();
    match parts.as_slice() {
        [dd, mm, yyyy] => format!("{place}, ngày {dd} tháng {mm} năm {yyyy}"),
        _ => format!("{place}, {d}"),
    }
}

/// The place name in a dateline: the commune's name without its type word.
pub fn place_name(commune_name: &str) -> String {
    for prefix in ["Xã ", "Phường ", "Thị trấn ", "Đặc khu "] {
        if let Some(rest) = commune_name.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    commune_name.to_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pv(h: &str, m: &str) -> PairView {
        PairView {
            household_id: h.into(),
            household_code: h.into(),
            head_name: format!("Chủ hộ {h}"),
            address: String::new(),
            latitude: None,
            longitude: None,
            household_active: true,
            member_id: m.into(),
            member_name: format!("ĐV {m}"),
            member_status: "active".into(),
            reason: "distance".into(),
            distance_m: None,
            locked: false,
        }
    }

    #[test]
    fn diff_finds_added_moved_removed() {
        let before = vec![pv("h1", "a"), pv("h2", "a"), pv("h3", "b")];
        let after = vec![pv("h1", "a"), pv("h2", "b"), pv("h4", "b")];
        let d = diff(&before, &after);
        assert_eq!(d.unchanged, 1);
        assert_eq!(d.moved.len(), 1);
        assert_eq!(d.moved[0].household_code, "h2");
        assert_eq!(d.added.len(), 1);
        assert_eq!(d.added[0].household_code, "h4");
        assert_eq!(d.removed.len(), 1);
        assert_eq!(d.removed[0].household_code, "h3");
    }

    #[test]
    fn statuses_round_trip_and_reasons_have_labels() {
        for s in ["draft", "submitted", "approved", "returned", "superseded"] {
            assert_eq!(Status::parse(s).map(Status::code), Some(s));
        }
        assert_eq!(reason_label("manual"), "Bí thư chuyển tay");
        assert_eq!(reason_label("same_xom"), "Cùng xóm");
    }

    #[test]
    fn dateline_reads_as_the_party_writes_it() {
        assert_eq!(place_name("Xã Lương Bằng"), "Lương Bằng");
        assert_eq!(
            place_date("Lương Bằng", "2026-11-30T03:00:00.000Z"),
            "Lương Bằng, ngày 30 tháng 11 năm 2026"
        );
        assert_eq!(members_needed(25, 2, 10), 1);
        assert_eq!(members_needed(0, 0, 10), 0);
    }

    #[test]
    fn alerts_follow_the_vietnamese_alphabet() {
        let a = |v: &str, m: &str| Alert::for_village(v.into(), v.into(), m.into());
        let mut alerts = vec![
            a("Lương Hội", "1"),
            a("Đồng Lý", "2"),
            a("Bằng Ngang", "3"),
            a("Dương Xá", "4"),
            a("Đồng Lý", "5"),
        ];
        sort_alerts(&mut alerts);
        let order: Vec<&str> = alerts.iter().map(|a| a.message.as_str()).collect();
        // D before Đ before L; one village's alerts keep their order.
        assert_eq!(order, ["3", "4", "2", "5", "1"]);
    }

    #[test]
    fn actors_read_as_people() {
        assert_eq!(
            actor_label("u1", Some("Nguyễn Văn An".into())),
            "Nguyễn Văn An"
        );
        assert_eq!(actor_label("system", None), "Hệ thống (dữ liệu mẫu)");
        assert_eq!(actor_label("system:demo", None), "Hệ thống (dữ liệu mẫu)");
        assert_eq!(actor_label("cli", None), "Quản trị viên (dòng lệnh)");
    }

    #[test]
    fn the_style_sheet_has_every_palette_colour() {
        let css = include_str!("../../static/app.css");
        for (i, c) in PALETTE.iter().enumerate() {
            assert!(
                css.contains(&format!(".swatch.c{i} {{ background:{c}; }}")),
                "c{i} {c} in app.css"
            );
        }
    }
}
