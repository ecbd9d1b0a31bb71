//! Evaluation as pure data: the levels, the indicators a score is made of, the score and
//! level a rubric proposes, the cap on "Hoàn thành xuất sắc nhiệm vụ", and the evaluation's
//! workflow. No storage, no clock.
//!
//! # What a score is made of, and why it is the member's or the cell's work
//!
//! Every input is something the member or the village cell did, counted by the counters
//! the fieldwork and petition writes keep. None is a citizen's behaviour or opinion
//! (DESIGN.md §3): a household that refuses a visit, complains, or never petitions moves no
//! score by itself.
//!
//! Villages (the model of a village):
//! - [`Indicator::Reach`]: assigned households reached at least once in the period, over the
//!   village's assigned households. Distinct households (the `contact_reach` markers), never
//!   contacts, so ten visits to one house count once.
//! - [`Indicator::Resolved`]: petitions closed by the household's confirmation over the
//!   answers given. An answer is not a resolution; the household's own "yes" is the only way
//!   in, and its wording stays out (the count is of the cell's follow-through).
//! - [`Indicator::OnTime`]: petition stages (cell, commune, answer, delivery back to the
//!   household) ended on time over those ended: the handling's punctuality.
//! - [`Indicator::Commitments`]: households whose yearly commitment the cell recorded as
//!   signed, over the village's active households: the cell's work of explaining and
//!   collecting it.
//! - [`Indicator::Meetings`]: cell meetings held over the months of the period (the Party's
//!   Statute has a cell meet once a month).
//!
//! Members (their "1+10" duty):
//! - [`Indicator::Reach`]: their own assigned households reached in the period.
//! - [`Indicator::FollowUps`]: their households not left with a follow-up the member
//!   promised and let pass.
//! - [`Indicator::Deliveries`]: campaign information delivered to their targeted households,
//!   over the (campaign, household) pairs targeted.
//! - [`Indicator::OwnCommitment`]: their own commitment for the year signed.
//!
//! An indicator without a denominator (no petition answered, no campaign running) is left
//! out and its weight shared among the others, so that nobody gains or loses for what did
//! not happen.

use serde::{Deserialize, Serialize};

/// What is evaluated.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Village,
    Member,
}

impl Subject {
    pub fn code(self) -> &'static str {
        match self {
            Subject::Village => "village",
            Subject::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        match s {
            "village" => Some(Subject::Village),
            "member" => Some(Subject::Member),
            _ => None,
        }
    }
}

/// A level, 0 the highest. Villages: Tốt, Khá, Trung bình, Yếu. Members (QĐ 124-QĐ/TW):
/// Hoàn thành xuất sắc, Hoàn thành tốt, Hoàn thành, Không hoàn thành nhiệm vụ.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Level(u8);

impl Level {
    pub const TOP: Level = Level(0);
    pub const SECOND: Level = Level(1);
    pub const ALL: [Level; 4] = [Level(0), Level(1), Level(2), Level(3)];

    pub fn rank(self) -> u8 {
        self.0
    }

    pub fn code(self, s: Subject) -> &'static str {
        let i = usize::from(self.0.min(3));
        match s {
            Subject::Village => ["tot", "kha", "trung_binh", "yeu"][i],
            Subject::Member => ["xuat_sac", "tot", "hoan_thanh", "khong_hoan_thanh"][i],
        }
    }

    pub fn parse(s: Subject, code: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|l| l.code(s) == code)
    }

    pub fn label_vi(self, s: Subject) -> &'static str {
        let i = usize::from(self.0.min(3));
        match s {
            Subject::Village => ["Tốt", "Khá", "Trung bình", "Yếu"][i],
            Subject::Member => [
                "Hoàn thành xuất sắc nhiệm vụ",
                "Hoàn thành tốt nhiệm vụ",
                "Hoàn thành nhiệm vụ",
                "Không hoàn thành nhiệm vụ",
            ][i],
        }
    }

    pub fn label_en(self, s: Subject) -> &'static str {
        let i = usize::from(self.0.min(3));
        match s {
            Subject::Village => ["Good", "Fair", "Average", "Weak"][i],
            Subject::Member => ["Excellent", "Good", "Fulfilled", "Not fulfilled"][i],
        }
    }

    pub fn label(self, s: Subject, en: bool) -> &'static str {
        if en {
            self.label_en(s)
        } else {
            self.label_vi(s)
        }
    }
}

/// The indicators a rubric weighs (see the module's comment for what each counts).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Indicator {
    Reach,
    Resolved,
    OnTime,
    Commitments,
    Meetings,
    FollowUps,
    Deliveries,
    OwnCommitment,
}

impl Indicator {
    pub const VILLAGE: [Indicator; 5] = [
        Indicator::Reach,
        Indicator::Resolved,
        Indicator::OnTime,
        Indicator::Commitments,
        Indicator::Meetings,
    ];
    pub const MEMBER: [Indicator; 4] = [
        Indicator::Reach,
        Indicator::FollowUps,
        Indicator::Deliveries,
        Indicator::OwnCommitment,
    ];

    pub fn of(s: Subject) -> &'static [Indicator] {
        match s {
            Subject::Village => &Self::VILLAGE,
            Subject::Member => &Self::MEMBER,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Indicator::Reach => "reach",
            Indicator::Resolved => "resolved",
            Indicator::OnTime => "on_time",
            Indicator::Commitments => "commitments",
            Indicator::Meetings => "meetings",
            Indicator::FollowUps => "follow_ups",
            Indicator::Deliveries => "deliveries",
            Indicator::OwnCommitment => "own_commitment",
        }
    }

    /// The i18n key of its name.
    pub fn key(self) -> &'static str {
        match self {
            Indicator::Reach => "ev_ind_reach",
            Indicator::Resolved => "ev_ind_resolved",
            Indicator::OnTime => "ev_ind_on_time",
            Indicator::Commitments => "ev_ind_commitments",
            Indicator::Meetings => "ev_ind_meetings",
            Indicator::FollowUps => "ev_ind_follow_ups",
            Indicator::Deliveries => "ev_ind_deliveries",
            Indicator::OwnCommitment => "ev_ind_own_commitment",
        }
    }
}

/// One indicator's figure: `part` of `whole` (households reached of households assigned).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Figure {
    #[schema(value_type = String)]
    pub indicator: Indicator,
    pub part: i64,
    pub whole: i64,
}

impl Figure {
    pub fn new(indicator: Indicator, part: i64, whole: i64) -> Figure {
        Figure {
            indicator,
            part,
            whole,
        }
    }

    /// The share in per mille, at most 1000; `None` without a whole (not applicable).
    pub fn permille(&self) -> Option<i64> {
        (self.whole > 0)
            .then(|| (self.part.clamp(0, self.whole) * 1000 + self.whole / 2) / self.whole)
    }

    /// "12/15 (80,0%)", or "—" when not applicable.
    pub fn text(&self) -> String {
        match self.permille() {
            Some(p) => format!(
                "{}/{} ({})",
                crate::web::format::number(self.part),
                crate::web::format::number(self.whole),
                crate::web::format::percent(p)
            ),
            None => "—".into(),
        }
    }
}

/// How one subject is scored: a weight per indicator and the lowest score of the first
/// three levels (per mille); below the third is the fourth level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Weighting {
    pub weights: Vec<(Indicator, u32)>,
    pub thresholds: [i64; 3],
}

impl Weighting {
    pub fn weight(&self, i: Indicator) -> u32 {
        self.weights
            .iter()
            .find(|(k, _)| *k == i)
            .map_or(0, |(_, w)| *w)
    }

    /// The weighted mean of the applicable indicators' shares, in per mille (0 when none
    /// applies). Rounded half up, in integers, so that both engines and every run agree.
    pub fn score(&self, figures: &[Figure]) -> i64 {
        let (mut sum, mut weights) = (0i64, 0i64);
        for f in figures {
            let w = i64::from(self.weight(f.indicator));
            if let (Some(p), true) = (f.permille(), w > 0) {
                sum += p * w;
                weights += w;
            }
        }
        if weights == 0 {
            0
        } else {
            (sum + weights / 2) / weights
        }
    }

    pub fn level(&self, score: i64) -> Level {
        let rank = self.thresholds.iter().take_while(|t| score < **t).count();
        Level(u8::try_from(rank).unwrap_or(3))
    }
}

/// A proposal: the score, and the level the rubric gives it.
pub fn propose(w: &Weighting, figures: &[Figure]) -> (i64, Level) {
    let score = w.score(figures);
    (score, w.level(score))
}

/// How many of `n` members may be "xuất sắc" under a cap of `percent`: rounded down, so
/// the share is never exceeded.
pub fn excellent_allowed(n: usize, percent: u8) -> usize {
    n * usize::from(percent.min(100)) / 100
}

/// One member's proposal, for the cap: `key` breaks ties (the name's sort key, then id).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ranked {
    pub key: String,
    pub score: i64,
    pub level: Level,
}

/// Holds the proposals to the cap: when more members are proposed "xuất sắc" than
/// `percent` of them allows, the lowest-scoring excess drop to "tốt"; among equal scores
/// the later in `key` order drops first. Returns how many dropped.
pub fn cap_excellent(lines: &mut [Ranked], percent: u8) -> usize {
    let allowed = excellent_allowed(lines.len(), percent);
    let mut top: Vec<usize> = (0..lines.len())
        .filter(|i| lines[*i].level == Level::TOP)
        .collect();
    if top.len() <= allowed {
        return 0;
    }
    top.sort_by(|a, b| {
        lines[*b]
            .score
            .cmp(&lines[*a].score)
            .then_with(|| lines[*a].key.cmp(&lines[*b].key))
    });
    let dropped = top.len() - allowed;
    for i in top.into_iter().skip(allowed) {
        lines[i].level = Level::SECOND;
    }
    dropped
}

/// Why the committee's change of a level is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Refusal {
    NoReason,
    OverCap {
        percent: u8,
        allowed: usize,
        members: usize,
    },
    Approved,
    NotApproved,
}

impl Refusal {
    pub fn message(&self) -> String {
        match self {
            Refusal::NoReason => {
                "Cần ghi lý do điều chỉnh xếp loại; chưa có gì được thay đổi".into()
            }
            Refusal::OverCap {
                percent,
                allowed,
                members,
            } => format!(
                "Không thể xếp thêm “Hoàn thành xuất sắc nhiệm vụ”: tỷ lệ tối đa là {percent}% số đảng viên được đánh giá, tức {allowed} trong {members} đảng viên, và đã có {allowed} đảng viên ở mức này. Hãy hạ mức của một đảng viên khác trước; chưa có gì được thay đổi"
            ),
            Refusal::Approved => {
                "Kết quả đánh giá đã được phê duyệt nên không sửa được nữa".into()
            }
            Refusal::NotApproved => {
                "Chỉ chọn biểu dương, khen thưởng sau khi kết quả đánh giá đã được phê duyệt".into()
            }
        }
    }
}

/// Checks the committee's decision on one line: a written reason, and for a member moved
/// up to "xuất sắc" room under the cap. `levels`: every member line's current decision,
/// `index` the one changing. Villages have no cap.
pub fn check_adjustment(
    subject: Subject,
    levels: &[Level],
    index: usize,
    to: Level,
    reason: &str,
    percent: u8,
) -> Result<(), Refusal> {
    if reason.trim().chars().count() < 3 {
        return Err(Refusal::NoReason);
    }
    if subject == Subject::Member && to == Level::TOP {
        let others = levels
            .iter()
            .enumerate()
            .filter(|(i, l)| *i != index && **l == Level::TOP)
            .count();
        let allowed = excellent_allowed(levels.len(), percent);
        if others + 1 > allowed {
            return Err(Refusal::OverCap {
                percent,
                allowed,
                members: levels.len(),
            });
        }
    }
    Ok(())
}

/// An evaluation's state: open while the committee adjusts, approved (read-only) after.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Open,
    Approved,
}

/// What the committee does to an evaluation.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    Adjust,
    Approve,
    Commend,
}

impl Status {
    pub fn code(self) -> &'static str {
        match self {
            Status::Open => "open",
            Status::Approved => "approved",
        }
    }

    pub fn parse(s: &str) -> Option<Status> {
        match s {
            "open" => Some(Status::Open),
            "approved" => Some(Status::Approved),
            _ => None,
        }
    }

    /// The state after `a`: levels change only while open; commendations come from an
    /// approved evaluation.
    pub fn apply(self, a: Action) -> Result<Status, Refusal> {
        match (self, a) {
            (Status::Open, Action::Adjust) => Ok(Status::Open),
            (Status::Open, Action::Approve) => Ok(Status::Approved),
            (Status::Open, Action::Commend) => Err(Refusal::NotApproved),
            (Status::Approved, Action::Commend) => Ok(Status::Approved),
            (Status::Approved, _) => Err(Refusal::Approved),
        }
    }
}

#[cfg(test)]
mod tests;
