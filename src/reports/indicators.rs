//! The indicators of a unit for a reporting period, as pure data: what each one counts,
//! how the report shows it (a count, or a share of another indicator), its Vietnamese and
//! English names, and the sum that consolidates units into the unit above. The store reads
//! them from the counters (`figures.rs`); nothing here touches the database.
//!
//! Resisting gaming is in the definitions: reach counts distinct households, never
//! contacts; a petition is resolved only by the household's own confirmation; no figure
//! comes from what a household believes or does, only from what members and cells did.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One indicator. The order is the order of the report's table.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    PartialOrd,
    Ord,
    Serialize,
    Deserialize,
    utoipa::ToSchema,
)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    /// Active households in the unit's registry, at the time the figures were read.
    Households,
    /// Of those, households an approved 1+10 plan gives a member.
    Assigned,
    /// Distinct households contacted at least once in the period.
    Reached,
    /// Contacts logged in the period (visits, calls, meetings, messages).
    Contacts,
    /// Active Party members of the unit.
    Members,
    /// Members with at least one contact in the period.
    MembersActive,
    /// Households targeted by the campaigns running in the period.
    CampaignTargeted,
    /// Of those, households a member has passed the information to.
    CampaignDelivered,
    /// Petitions recorded in the period.
    PetitionsReceived,
    /// Answers given in the period (by the cell, an agency or a body beyond the commune).
    PetitionsAnswered,
    /// Petitions closed in the period by the household's own confirmation.
    PetitionsResolved,
    /// Answers a household did not accept, in the period.
    PetitionsReopened,
    /// Stages of petitions (cell, commune, answer, delivery) ended in time in the period.
    StagesOnTime,
    /// And those ended late.
    StagesLate,
    /// Households' commitments signed, for the period's year.
    CommitmentsHouseholds,
    /// Members' commitments signed, for the period's year.
    CommitmentsMembers,
    /// Conferences, meetings and dialogues held in the period.
    EventsHeld,
    /// Party members attending them, summed.
    EventMembers,
    /// Households attending them, summed.
    EventHouseholds,
    /// Money received in the period, in đồng, every source.
    FundingReceived,
    /// Money spent in the period, in đồng.
    FundingSpent,
}

/// How a line of the report shows its indicator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shown {
    /// A number of things.
    Count,
    /// A number of things and their share of another indicator ("412/450 (91,6%)"):
    /// the target is a share, in per mille.
    ShareOf(Indicator),
    /// Money, in đồng.
    Money,
    /// Stages on time, as a share of the stages ended (on time and late).
    OnTimeShare,
}

impl Indicator {
    pub const ALL: [Indicator; 21] = [
        Indicator::Households,
        Indicator::Assigned,
        Indicator::Reached,
        Indicator::Contacts,
        Indicator::Members,
        Indicator::MembersActive,
        Indicator::CampaignTargeted,
        Indicator::CampaignDelivered,
        Indicator::PetitionsReceived,
        Indicator::PetitionsAnswered,
        Indicator::PetitionsResolved,
        Indicator::PetitionsReopened,
        Indicator::StagesOnTime,
        Indicator::StagesLate,
        Indicator::CommitmentsHouseholds,
        Indicator::CommitmentsMembers,
        Indicator::EventsHeld,
        Indicator::EventMembers,
        Indicator::EventHouseholds,
        Indicator::FundingReceived,
        Indicator::FundingSpent,
    ];

    pub fn code(self) -> &'static str {
        self.names().0
    }

    pub fn parse(code: &str) -> Option<Indicator> {
        Indicator::ALL.into_iter().find(|i| i.code() == code)
    }

    pub fn label_vi(self) -> &'static str {
        self.names().1
    }

    pub fn label_en(self) -> &'static str {
        self.names().2
    }

    pub fn label(self, en: bool) -> &'static str {
        if en {
            self.label_en()
        } else {
            self.label_vi()
        }
    }

    fn names(self) -> (&'static str, &'static str, &'static str) {
        use Indicator as I;
        match self {
            I::Households => (
                "households",
                "Hộ gia đình trên địa bàn",
                "Households in the area",
            ),
            I::Assigned => (
                "assigned",
                "Hộ có đảng viên phụ trách",
                "Households with a member assigned",
            ),
            I::Reached => (
                "reached",
                "Hộ được tiếp xúc trong kỳ",
                "Households reached in the period",
            ),
            I::Contacts => ("contacts", "Lượt tiếp xúc, thăm hỏi", "Contacts"),
            I::Members => (
                "members",
                "Đảng viên tham gia mô hình",
                "Party members in the model",
            ),
            I::MembersActive => (
                "members_active",
                "Đảng viên có tiếp xúc trong kỳ",
                "Members active in the period",
            ),
            I::CampaignTargeted => (
                "campaign_targeted",
                "Hộ thuộc đối tượng các đợt tuyên truyền",
                "Households targeted by campaigns",
            ),
            I::CampaignDelivered => (
                "campaign_delivered",
                "Hộ đã được tuyên truyền, vận động",
                "Households the campaigns reached",
            ),
            I::PetitionsReceived => (
                "petitions_received",
                "Ý kiến, kiến nghị tiếp nhận",
                "Petitions received",
            ),
            I::PetitionsAnswered => (
                "petitions_answered",
                "Kiến nghị đã được trả lời",
                "Petitions answered",
            ),
            I::PetitionsResolved => (
                "petitions_resolved",
                "Kiến nghị hộ dân xác nhận đã giải quyết",
                "Petitions the household confirmed resolved",
            ),
            I::PetitionsReopened => (
                "petitions_reopened",
                "Kiến nghị hộ dân chưa đồng ý, mở lại",
                "Petitions reopened by the household",
            ),
            I::StagesOnTime => (
                "stages_on_time",
                "Khâu xử lý kiến nghị đúng hạn",
                "Petition stages on time",
            ),
            I::StagesLate => (
                "stages_late",
                "Khâu xử lý kiến nghị trễ hạn",
                "Petition stages late",
            ),
            I::CommitmentsHouseholds => (
                "commitments_households",
                "Hộ ký cam kết trong năm",
                "Households' commitments signed this year",
            ),
            I::CommitmentsMembers => (
                "commitments_members",
                "Đảng viên ký cam kết trong năm",
                "Members' commitments signed this year",
            ),
            I::EventsHeld => (
                "events_held",
                "Hội nghị, cuộc họp, đối thoại",
                "Conferences, meetings, dialogues",
            ),
            I::EventMembers => (
                "event_members",
                "Lượt đảng viên tham dự",
                "Member attendances",
            ),
            I::EventHouseholds => (
                "event_households",
                "Lượt hộ tham dự",
                "Household attendances",
            ),
            I::FundingReceived => (
                "funding_received",
                "Kinh phí nhận trong kỳ (đồng)",
                "Funding received (đồng)",
            ),
            I::FundingSpent => (
                "funding_spent",
                "Kinh phí đã chi trong kỳ (đồng)",
                "Funding spent (đồng)",
            ),
        }
    }

    /// Whether the figure belongs to its period (contacts made in it), as opposed to the
    /// state of the registry or of a campaign on the day it was read: only the first kind
    /// can be "corrected" afterwards.
    pub fn is_period_bound(self) -> bool {
        use Indicator as I;
        !matches!(
            self,
            I::Households | I::Assigned | I::Members | I::CampaignTargeted | I::CampaignDelivered
        )
    }

    /// Whether the figure is read as a share (its target is a percentage).
    pub fn is_share(self) -> bool {
        matches!(self.shown(), Shown::ShareOf(_) | Shown::OnTimeShare)
    }

    pub fn shown(self) -> Shown {
        use Indicator as I;
        match self {
            I::Assigned => Shown::ShareOf(I::Households),
            I::Reached => Shown::ShareOf(I::Assigned),
            I::MembersActive => Shown::ShareOf(I::Members),
            I::CampaignDelivered => Shown::ShareOf(I::CampaignTargeted),
            I::PetitionsResolved => Shown::ShareOf(I::PetitionsAnswered),
            I::StagesOnTime => Shown::OnTimeShare,
            I::CommitmentsHouseholds => Shown::ShareOf(I::Households),
            I::CommitmentsMembers => Shown::ShareOf(I::Members),
            I::FundingReceived | I::FundingSpent => Shown::Money,
            _ => Shown::Count,
        }
    }
}

/// The figures of one unit for one period: a value per indicator, absent ones zero.
/// Every indicator is a count, so the figures of a unit are the sum of its parts' (shares
/// are recomputed from the sums, never averaged): that is what consolidation does.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Figures(BTreeMap<Indicator, i64>);

impl Figures {
    /// Whether the indicator was counted (reach and active members are not counted for
    /// periods on a cut-off day: see `figures::read`).
    pub fn has(&self, i: Indicator) -> bool {
        self.0.contains_key(&i)
    }

    pub fn get(&self, i: Indicator) -> i64 {
        self.0.get(&i).copied().unwrap_or(0)
    }

    pub fn set(&mut self, i: Indicator, n: i64) {
        self.0.insert(i, n);
    }

    pub fn add(&mut self, other: &Figures) {
        for (i, n) in &other.0 {
            *self.0.entry(*i).or_default() += n;
        }
    }

    pub fn sum<'a>(parts: impl IntoIterator<Item = &'a Figures>) -> Figures {
        let mut out = Figures::default();
        for p in parts {
            out.add(p);
        }
        out
    }

    /// The share a line shows, in per mille; `None` without a whole.
    pub fn share(&self, i: Indicator) -> Option<i64> {
        let part = self.get(i);
        let whole = match i.shown() {
            Shown::ShareOf(w) => self.get(w),
            Shown::OnTimeShare => part + self.get(Indicator::StagesLate),
            Shown::Count | Shown::Money => return None,
        };
        permille(part, whole)
    }

    /// The indicators whose value differs from `newer`'s, with both values: what a
    /// correction lists.
    pub fn changed(&self, newer: &Figures) -> Vec<(Indicator, i64, i64)> {
        Indicator::ALL
            .into_iter()
            .filter(|i| self.get(*i) != newer.get(*i))
            .map(|i| (i, self.get(i), newer.get(i)))
            .collect()
    }
}

/// `part` of `whole` in per mille, rounded half up; `None` when there is no whole.
pub fn permille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part.clamp(0, whole) * 1000 + whole / 2) / whole)
}

/// What a unit aims at: per indicator, a count for the period or, for a share, per mille.
pub type Targets = BTreeMap<Indicator, i64>;

/// A target as the report writes it: "95%" for a share, "1.200" for a count.
pub fn target_text(i: Indicator, targets: &Targets) -> String {
    match targets.get(&i) {
        None => "—".into(),
        Some(t) => match i.shown() {
            Shown::ShareOf(_) | Shown::OnTimeShare => crate::web::format::percent(*t),
            Shown::Count | Shown::Money => crate::web::format::number(*t),
        },
    }
}

/// A figure as the report writes it: "412", "412/450 (91,6%)", "1.302.000".
pub fn value_text(i: Indicator, f: &Figures) -> String {
    if !f.has(i) {
        return "—".into();
    }
    let n = crate::web::format::number(f.get(i));
    match i.shown() {
        Shown::Count | Shown::Money => n,
        Shown::ShareOf(w) => match f.share(i) {
            Some(s) => format!(
                "{n}/{} ({})",
                crate::web::format::number(f.get(w)),
                crate::web::format::percent(s)
            ),
            None => n,
        },
        Shown::OnTimeShare => match f.share(i) {
            Some(s) => format!("{n} ({})", crate::web::format::percent(s)),
            None => n,
        },
    }
}

/// Whether a figure meets its target (`None`: no target, or nothing to measure).
pub fn meets(i: Indicator, f: &Figures, targets: &Targets) -> Option<bool> {
    let t = *targets.get(&i)?;
    match i.shown() {
        Shown::ShareOf(_) | Shown::OnTimeShare => f.share(i).map(|s| s >= t),
        Shown::Count | Shown::Money => Some(f.get(i) >= t),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn figures(pairs: &[(Indicator, i64)]) -> Figures {
        let mut f = Figures::default();
        for (i, n) in pairs {
            f.set(*i, *n);
        }
        f
    }

    #[test]
    fn codes_are_unique_and_parse_back() {
        for i in Indicator::ALL {
            assert_eq!(Indicator::parse(i.code()), Some(i));
        }
        let mut codes: Vec<_> = Indicator::ALL.iter().map(|i| i.code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), Indicator::ALL.len());
    }

    #[test]
    fn shares_are_of_their_whole_and_absent_without_one() {
        let f = figures(&[
            (Indicator::Assigned, 450),
            (Indicator::Reached, 412),
            (Indicator::StagesOnTime, 7),
            (Indicator::StagesLate, 1),
        ]);
        assert_eq!(f.share(Indicator::Reached), Some(916));
        assert_eq!(value_text(Indicator::Reached, &f), "412/450 (91,6%)");
        assert_eq!(f.share(Indicator::StagesOnTime), Some(875));
        assert_eq!(f.share(Indicator::MembersActive), None);
        assert_eq!(f.share(Indicator::Contacts), None);
        assert_eq!(
            value_text(
                Indicator::FundingReceived,
                &figures(&[(Indicator::FundingReceived, 1_302_000)])
            ),
            "1.302.000"
        );
    }

    #[test]
    fn a_target_is_met_by_the_share_or_the_count() {
        let f = figures(&[
            (Indicator::Assigned, 100),
            (Indicator::Reached, 90),
            (Indicator::EventsHeld, 2),
        ]);
        let t: Targets = [(Indicator::Reached, 900), (Indicator::EventsHeld, 3)].into();
        assert_eq!(meets(Indicator::Reached, &f, &t), Some(true));
        assert_eq!(meets(Indicator::EventsHeld, &f, &t), Some(false));
        assert_eq!(meets(Indicator::Contacts, &f, &t), None);
        assert_eq!(target_text(Indicator::Reached, &t), "90,0%");
    }

    #[test]
    fn figures_travel_as_json_by_code() {
        let f = figures(&[(Indicator::PetitionsResolved, 3)]);
        let j = serde_json::to_string(&f).unwrap();
        assert_eq!(j, r#"{"petitions_resolved":3}"#);
        assert_eq!(serde_json::from_str::<Figures>(&j).unwrap(), f);
    }

    proptest! {
        /// Consolidation is a sum: in any order, and the share of the sum lies between
        /// the parts' smallest and largest shares.
        #[test]
        fn the_sum_of_units_is_order_free_and_its_share_lies_between_theirs(
            parts in proptest::collection::vec((1i64..500, 0i64..500), 1..8)
        ) {
            let units: Vec<Figures> = parts
                .iter()
                .map(|(a, r)| figures(&[(Indicator::Assigned, *a), (Indicator::Reached, (*r).min(*a))]))
                .collect();
            let forward = Figures::sum(&units);
            let backward = Figures::sum(units.iter().rev());
            prop_assert_eq!(&forward, &backward);
            let shares: Vec<i64> = units.iter().filter_map(|u| u.share(Indicator::Reached)).collect();
            let s = forward.share(Indicator::Reached).unwrap();
            prop_assert!(s >= *shares.iter().min().unwrap() - 1 && s <= *shares.iter().max().unwrap() + 1);
        }
    }
}
