//! Petitions as pure data: the statuses and the one function that moves them, who holds a
//! petition at each status, the stages deadlines run on, the checks of what people type,
//! and the plain-Vietnamese line the household reads for each step. No database here:
//! `store.rs` persists what these functions decide.
//!
//! The path (DESIGN.md, loop 3): received by the cell → answered at the cell, or forwarded
//! to the commune → assigned to an agency of the commune, or transferred beyond it to a
//! named body → answered → delivered to the household by its member → the household
//! confirms (closed) or reopens, which sends it back to whoever answered. "Answered" is
//! never "resolved": only the household's confirmation closes a petition.

use serde::Serialize;
use time::Date;

use crate::error::{AppError, FieldError};

/// Who gave the answer a household is reading: a reopened petition goes back there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    /// The village cell answered it itself.
    Cell,
    /// An agency of the commune.
    Agency,
    /// A body beyond the commune; the commune committee records its answer.
    Outside,
}

impl Level {
    pub fn code(self) -> &'static str {
        match self {
            Level::Cell => "cell",
            Level::Agency => "agency",
            Level::Outside => "outside",
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        [Level::Cell, Level::Agency, Level::Outside]
            .into_iter()
            .find(|l| l.code() == s)
    }
}

/// Where a petition is. Answered, delivered and reopened petitions remember who answered.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Status {
    Received,
    Forwarded,
    Assigned,
    Transferred,
    Answered(Level),
    Delivered(Level),
    Reopened(Level),
    Closed,
}

/// Who must act next.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Holder {
    /// The village cell secretary.
    Cell,
    /// The commune committee.
    Commune,
    /// The handlers of the agency it is assigned to.
    Agency,
    /// The member who looks after the household (or the village's secretary).
    Member,
    Nobody,
}

/// The stages deadlines are set for (working days, per province and category).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The cell forwards (or answers) within 3 working days.
    Cell,
    /// The commune assigns or transfers within 5.
    Commune,
    /// The handler (or the body beyond the commune) answers within 15.
    Answer,
    /// The member carries the answer to the household within 5.
    Delivery,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Cell, Stage::Commune, Stage::Answer, Stage::Delivery];

    pub fn code(self) -> &'static str {
        match self {
            Stage::Cell => "cell",
            Stage::Commune => "commune",
            Stage::Answer => "answer",
            Stage::Delivery => "delivery",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.code() == s)
    }

    /// The default deadline, in working days (issue 9).
    pub fn default_days(self) -> i64 {
        match self {
            Stage::Cell => 3,
            Stage::Commune => 5,
            Stage::Answer => 15,
            Stage::Delivery => 5,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Stage::Cell => "Chi bộ chuyển lên xã",
            Stage::Commune => "Xã giao nơi giải quyết",
            Stage::Answer => "Trả lời kiến nghị",
            Stage::Delivery => "Đảng viên chuyển câu trả lời đến hộ",
        }
    }
}

impl Status {
    /// The stored code; the level goes in a column of its own.
    pub fn code(self) -> &'static str {
        match self {
            Status::Received => "received",
            Status::Forwarded => "forwarded",
            Status::Assigned => "assigned",
            Status::Transferred => "transferred",
            Status::Answered(_) => "answered",
            Status::Delivered(_) => "delivered",
            Status::Reopened(_) => "reopened",
            Status::Closed => "closed",
        }
    }

    pub fn level(self) -> Option<Level> {
        match self {
            Status::Answered(l) | Status::Delivered(l) | Status::Reopened(l) => Some(l),
            _ => None,
        }
    }

    /// The status from its stored code and level; `None` for a code or a missing level
    /// the store never writes.
    pub fn parse(code: &str, level: Option<&str>) -> Option<Status> {
        let level = level.and_then(Level::parse);
        Some(match code {
            "received" => Status::Received,
            "forwarded" => Status::Forwarded,
            "assigned" => Status::Assigned,
            "transferred" => Status::Transferred,
            "answered" => Status::Answered(level?),
            "delivered" => Status::Delivered(level?),
            "reopened" => Status::Reopened(level?),
            "closed" => Status::Closed,
            _ => return None,
        })
    }

    /// What the status says, as staff read it.
    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Received => "Chi bộ đã nhận",
            Status::Forwarded => "Đã chuyển lên xã",
            Status::Assigned => "Đã giao cơ quan giải quyết",
            Status::Transferred => "Đã chuyển ngoài xã",
            Status::Answered(_) => "Đã trả lời, chờ chuyển đến hộ",
            Status::Delivered(_) => "Đã chuyển câu trả lời, chờ hộ xác nhận",
            Status::Reopened(_) => "Hộ chưa đồng ý, đang giải quyết lại",
            Status::Closed => "Hộ đã xác nhận được giải quyết",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Received => "Received by the cell",
            Status::Forwarded => "Forwarded to the commune",
            Status::Assigned => "Assigned to an agency",
            Status::Transferred => "Transferred beyond the commune",
            Status::Answered(_) => "Answered, to be delivered",
            Status::Delivered(_) => "Answer delivered, awaiting the household",
            Status::Reopened(_) => "Reopened by the household",
            Status::Closed => "Resolved, confirmed by the household",
        }
    }

    pub fn holder(self) -> Holder {
        match self {
            Status::Received | Status::Reopened(Level::Cell) => Holder::Cell,
            Status::Forwarded | Status::Transferred | Status::Reopened(Level::Outside) => {
                Holder::Commune
            }
            Status::Assigned | Status::Reopened(Level::Agency) => Holder::Agency,
            Status::Answered(_) | Status::Delivered(_) => Holder::Member,
            Status::Closed => Holder::Nobody,
        }
    }

    /// The stage whose deadline runs while the petition is here. A delivered answer waits
    /// on the household, who has no deadline; a closed petition on nobody.
    pub fn stage(self) -> Option<Stage> {
        match self {
            Status::Received | Status::Reopened(Level::Cell) => Some(Stage::Cell),
            Status::Forwarded => Some(Stage::Commune),
            Status::Assigned
            | Status::Transferred
            | Status::Reopened(Level::Agency | Level::Outside) => Some(Stage::Answer),
            Status::Answered(_) => Some(Stage::Delivery),
            Status::Delivered(_) | Status::Closed => None,
        }
    }

    pub fn is_open(self) -> bool {
        self != Status::Closed
    }

    /// The workflow: what `action` makes of a petition in this status, or why it cannot.
    /// The store persists what this decides; it never decides on its own.
    pub fn apply(self, action: &Action) -> Result<Status, Refusal> {
        use Action as A;
        use Status as S;
        let refuse = |why: Why| Refusal {
            from: self,
            action: action.kind(),
            why,
        };
        // What an action needs, whatever the status: a reason, a named body, an answer.
        match action {
            A::Return { reason } | A::Reopen { reason } if reason.trim().is_empty() => {
                return Err(refuse(Why::NeedsReason))
            }
            A::Decline { competent, .. } | A::Transfer { body: competent }
                if competent.trim().is_empty() =>
            {
                return Err(refuse(Why::NeedsCompetentBody))
            }
            A::Decline { reason, .. } if reason.trim().is_empty() => {
                return Err(refuse(Why::NeedsReason))
            }
            A::Assign { agency } if agency.trim().is_empty() => {
                return Err(refuse(Why::NeedsAgency))
            }
            A::Answer { text } | A::AnswerAtCell { text } if text.trim().is_empty() => {
                return Err(refuse(Why::NeedsAnswer))
            }
            _ => {}
        }
        match (self, action) {
            (S::Received, A::Forward) => Ok(S::Forwarded),
            (S::Received | S::Reopened(Level::Cell), A::AnswerAtCell { .. }) => {
                Ok(S::Answered(Level::Cell))
            }
            (S::Forwarded, A::Return { .. }) => Ok(S::Received),
            (S::Forwarded, A::Assign { .. }) => Ok(S::Assigned),
            (S::Forwarded, A::Transfer { .. }) => Ok(S::Transferred),
            (S::Assigned, A::Decline { .. }) => Ok(S::Forwarded),
            (S::Assigned | S::Reopened(Level::Agency), A::Answer { .. }) => {
                Ok(S::Answered(Level::Agency))
            }
            (S::Transferred | S::Reopened(Level::Outside), A::Answer { .. }) => {
                Ok(S::Answered(Level::Outside))
            }
            (S::Answered(l), A::Deliver) => Ok(S::Delivered(l)),
            (S::Delivered(_), A::Confirm) => Ok(S::Closed),
            (S::Delivered(l), A::Reopen { .. }) => Ok(S::Reopened(l)),
            _ => Err(refuse(Why::WrongStatus)),
        }
    }
}

/// What someone does to a petition, with what the step needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Action {
    /// The cell sends it to the commune.
    Forward,
    /// The cell answers it itself.
    AnswerAtCell { text: String },
    /// The commune sends it back to the cell.
    Return { reason: String },
    /// The commune gives it to one of its agencies (the agency's id).
    Assign { agency: String },
    /// The commune sends it beyond itself, naming the competent body.
    Transfer { body: String },
    /// The agency says it is not theirs, naming who is competent; back to the commune.
    Decline { competent: String, reason: String },
    /// The agency (or the commune, for a body beyond it) records the answer.
    Answer { text: String },
    /// The member has carried the answer to the household.
    Deliver,
    /// The household says it is resolved.
    Confirm,
    /// The household does not accept the answer.
    Reopen { reason: String },
}

/// An action without its data, for refusals, steps and counters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Receive,
    Forward,
    AnswerAtCell,
    Return,
    Assign,
    Transfer,
    Decline,
    Answer,
    Deliver,
    Confirm,
    Reopen,
}

impl Kind {
    pub const ALL: [Kind; 11] = [
        Kind::Receive,
        Kind::Forward,
        Kind::AnswerAtCell,
        Kind::Return,
        Kind::Assign,
        Kind::Transfer,
        Kind::Decline,
        Kind::Answer,
        Kind::Deliver,
        Kind::Confirm,
        Kind::Reopen,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Receive => "receive",
            Kind::Forward => "forward",
            Kind::AnswerAtCell => "answer_at_cell",
            Kind::Return => "return",
            Kind::Assign => "assign",
            Kind::Transfer => "transfer",
            Kind::Decline => "decline",
            Kind::Answer => "answer",
            Kind::Deliver => "deliver",
            Kind::Confirm => "confirm",
            Kind::Reopen => "reopen",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.code() == s)
    }

    /// What staff read in the timeline.
    pub fn label_vi(self) -> &'static str {
        match self {
            Kind::Receive => "Ghi nhận kiến nghị",
            Kind::Forward => "Chuyển lên xã",
            Kind::AnswerAtCell => "Chi bộ trả lời",
            Kind::Return => "Xã trả lại chi bộ",
            Kind::Assign => "Giao cơ quan giải quyết",
            Kind::Transfer => "Chuyển cơ quan ngoài xã",
            Kind::Decline => "Không thuộc thẩm quyền",
            Kind::Answer => "Trả lời kiến nghị",
            Kind::Deliver => "Chuyển câu trả lời đến hộ",
            Kind::Confirm => "Hộ xác nhận đã giải quyết",
            Kind::Reopen => "Hộ chưa đồng ý, mở lại",
        }
    }

    /// Steps that send a petition back down: they mark it "returned" in the inbox.
    pub fn sends_back(self) -> bool {
        matches!(self, Kind::Return | Kind::Decline | Kind::Reopen)
    }
}

impl Action {
    pub fn kind(&self) -> Kind {
        match self {
            Action::Forward => Kind::Forward,
            Action::AnswerAtCell { .. } => Kind::AnswerAtCell,
            Action::Return { .. } => Kind::Return,
            Action::Assign { .. } => Kind::Assign,
            Action::Transfer { .. } => Kind::Transfer,
            Action::Decline { .. } => Kind::Decline,
            Action::Answer { .. } => Kind::Answer,
            Action::Deliver => Kind::Deliver,
            Action::Confirm => Kind::Confirm,
            Action::Reopen { .. } => Kind::Reopen,
        }
    }
}

/// Why a transition is refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Why {
    WrongStatus,
    NeedsReason,
    NeedsCompetentBody,
    NeedsAgency,
    NeedsAnswer,
}

/// A transition the workflow does not allow.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refusal {
    pub from: Status,
    pub action: Kind,
    pub why: Why,
}

impl Refusal {
    /// The form field the refusal belongs next to.
    pub fn field(&self) -> &'static str {
        match self.why {
            Why::WrongStatus => "action",
            Why::NeedsReason => "reason",
            Why::NeedsCompetentBody => "competent",
            Why::NeedsAgency => "agency",
            Why::NeedsAnswer => "answer",
        }
    }

    /// What the person reads, in Vietnamese.
    pub fn message(&self) -> String {
        let now = self.from.label_vi();
        match self.why {
            Why::NeedsReason => match self.action {
                Kind::Reopen => "Cần ghi lý do hộ chưa đồng ý với câu trả lời".into(),
                Kind::Decline => "Cần ghi lý do việc này không thuộc thẩm quyền".into(),
                _ => "Cần ghi lý do trả lại để chi bộ biết phải làm rõ gì".into(),
            },
            Why::NeedsCompetentBody => {
                "Cần ghi rõ cơ quan có thẩm quyền giải quyết (ví dụ: Sở Tài nguyên và Môi trường tỉnh)"
                    .into()
            }
            Why::NeedsAgency => "Cần chọn cơ quan được giao giải quyết".into(),
            Why::NeedsAnswer => "Cần ghi nội dung trả lời".into(),
            Why::WrongStatus => match self.action {
                Kind::Forward => format!("Chỉ chuyển lên xã được kiến nghị chi bộ đang giữ (kiến nghị này: \"{now}\")"),
                Kind::AnswerAtCell => format!("Chi bộ chỉ trả lời được kiến nghị đang ở chi bộ (kiến nghị này: \"{now}\")"),
                Kind::Return | Kind::Assign | Kind::Transfer => format!(
                    "Chỉ giao, chuyển hoặc trả lại được kiến nghị đang chờ xã xử lý (kiến nghị này: \"{now}\")"
                ),
                Kind::Decline => format!("Chỉ báo không thuộc thẩm quyền được kiến nghị đang giao cho cơ quan (kiến nghị này: \"{now}\")"),
                Kind::Answer => format!("Kiến nghị này không chờ câu trả lời của nơi này (đang: \"{now}\")"),
                Kind::Deliver => format!("Chỉ chuyển đến hộ được kiến nghị đã có câu trả lời (kiến nghị này: \"{now}\")"),
                Kind::Confirm | Kind::Reopen => format!(
                    "Hộ chỉ xác nhận hoặc mở lại được sau khi đã nhận câu trả lời (kiến nghị này: \"{now}\")"
                ),
                Kind::Receive => format!("Kiến nghị đã được ghi nhận (đang: \"{now}\")"),
            },
        }
    }

    pub fn into_error(self) -> AppError {
        AppError::Validation(vec![FieldError::new(self.field(), self.message())])
    }
}

/// One step as the household reads it: plain words, the day, who and what, no codes.
/// `who` is the agency or body for the steps that name one.
pub fn household_line(kind: Kind, on: Date, who: &str, reason: &str) -> String {
    let day = crate::contacts::model::day_vn(on);
    let who = who.trim();
    let reason = reason.trim();
    let text = match kind {
        Kind::Receive => "Kiến nghị của gia đình đã được ghi nhận và chi bộ thôn đang xem xét.".to_owned(),
        Kind::Forward => "Chi bộ thôn đã chuyển kiến nghị lên xã.".to_owned(),
        Kind::AnswerAtCell => "Chi bộ thôn đã trả lời kiến nghị; đảng viên phụ trách sẽ chuyển câu trả lời đến gia đình.".to_owned(),
        Kind::Return => "Xã đề nghị chi bộ thôn làm rõ thêm trước khi giải quyết.".to_owned(),
        Kind::Assign => format!("Xã đã giao {who} giải quyết."),
        Kind::Transfer => format!("Việc này thuộc thẩm quyền của {who}; xã đã chuyển kiến nghị đến đó và sẽ theo dõi."),
        Kind::Decline => format!("Việc này thuộc thẩm quyền của {who}; xã sẽ chuyển kiến nghị đến đúng nơi."),
        Kind::Answer => format!("{} đã trả lời kiến nghị; đảng viên phụ trách sẽ chuyển câu trả lời đến gia đình.", capitalise(who)),
        Kind::Deliver => "Đảng viên phụ trách đã chuyển câu trả lời đến gia đình.".to_owned(),
        Kind::Confirm => "Gia đình xác nhận việc đã được giải quyết; kiến nghị khép lại.".to_owned(),
        Kind::Reopen if reason.is_empty() => "Gia đình chưa đồng ý với câu trả lời; kiến nghị được gửi lại nơi đã trả lời.".to_owned(),
        Kind::Reopen => format!("Gia đình chưa đồng ý với câu trả lời ({reason}); kiến nghị được gửi lại nơi đã trả lời."),
    };
    format!("Ngày {day}: {text}")
}

fn capitalise(s: &str) -> String {
    let mut c = s.chars();
    match c.next() {
        Some(f) => f.to_uppercase().chain(c).collect(),
        None => "Nơi giải quyết".to_owned(),
    }
}

/// The categories a province starts with (issue 9); codes stay stable when a province
/// renames them.
pub const DEFAULT_CATEGORIES: &[(&str, &str)] = &[
    ("land", "Đất đai"),
    ("environment", "Môi trường"),
    ("infrastructure", "Hạ tầng – giao thông"),
    ("social_security", "An sinh xã hội"),
    ("health", "Y tế"),
    ("education", "Giáo dục"),
    ("public_order", "An ninh trật tự"),
    ("other", "Khác"),
];

/// The kinds of agency a commune has (issue 9).
pub const AGENCY_KINDS: &[(&str, &str)] = &[
    ("people_committee", "UBND xã"),
    ("office", "Phòng, ban chuyên môn"),
    ("police", "Công an xã"),
    ("front", "Mặt trận Tổ quốc"),
    ("mass_org", "Đoàn thể"),
];

pub fn agency_kind_label(code: &str) -> &str {
    AGENCY_KINDS
        .iter()
        .find(|(c, _)| *c == code)
        .map_or(code, |(_, l)| l)
}

/// The longest request: a page of the household's own words.
pub const MAX_TEXT: usize = 2000;
/// The longest answer, reason or named body.
pub const MAX_ANSWER: usize = 4000;
pub const MAX_NOTE: usize = 500;

/// A petition as a person or a client sent it: text, unchecked.
#[derive(Debug, Clone, Default)]
pub struct PetitionInput {
    pub id: Option<String>,
    pub category: String,
    pub text: String,
    /// The household agrees that the agency sees its name.
    pub named: bool,
}

/// A petition that passed every check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Draft {
    pub id: String,
    pub category: String,
    pub text: String,
    pub named: bool,
}

/// Checks a petition against the province's category codes; every problem is named next
/// to its field.
pub fn check(input: &PetitionInput, categories: &[&str]) -> Result<Draft, AppError> {
    let mut errors = Vec::new();
    let id = match input.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => match crate::contacts::model::client_id(raw) {
            Ok(id) => id,
            Err(AppError::Validation(mut e)) => {
                errors.append(&mut e);
                String::new()
            }
            Err(e) => return Err(e),
        },
        None => crate::clock::new_id(),
    };
    let category = input.category.trim().to_owned();
    if category.is_empty() {
        errors.push(FieldError::new(
            "category",
            "Cần chọn lĩnh vực của kiến nghị",
        ));
    } else if !categories.contains(&category.as_str()) {
        errors.push(FieldError::new(
            "category",
            format!("Lĩnh vực \"{category}\" không có trong danh sách của tỉnh"),
        ));
    }
    let text = clean_text(&input.text);
    if text.is_empty() {
        errors.push(FieldError::new(
            "text",
            "Cần ghi nội dung kiến nghị, theo lời của hộ",
        ));
    } else if text.chars().count() > MAX_TEXT {
        errors.push(FieldError::new(
            "text",
            format!("Nội dung dài quá {MAX_TEXT} ký tự; hãy ghi gọn lại"),
        ));
    }
    if !errors.is_empty() {
        return Err(AppError::Validation(errors));
    }
    Ok(Draft {
        id,
        category,
        text,
        named: input.named,
    })
}

/// A free text typed into an action (answer, reason, named body): trimmed, NFC, bounded.
pub fn clean_field(raw: &str, field: &str, max: usize) -> Result<String, AppError> {
    let s = clean_text(raw);
    if s.chars().count() > max {
        return Err(AppError::invalid(
            field,
            format!("Nội dung dài quá {max} ký tự"),
        ));
    }
    Ok(s)
}

/// Text as people type it in a text box: each line cleaned (NFC, no invisible characters,
/// single spaces), the lines kept, blank runs dropped.
pub fn clean_text(raw: &str) -> String {
    raw.lines()
        .map(crate::text::clean)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

/// The category of the `petition_totals` rows that count every category together.
pub const ALL_CATEGORIES: &str = "*";

/// The periods a step on `d` counts in, as contacts use them (D, M, Q, H, Y).
pub fn periods_of(d: Date) -> [String; 5] {
    crate::contacts::model::periods_of(d)
}

/// How a stage ends, for the counters: on time or late, and how long it took.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StageDone {
    pub stage: Stage,
    /// Working days the stage took.
    pub days: i64,
    pub late: bool,
}

/// Stage durations are kept in a histogram of this many working days; longer ones count
/// in the last bucket, which is enough for a median and a share on time.
pub const DAYS_CAP: i64 = 60;

/// The counter event of a stage's duration: `days:answer:07`.
pub fn days_event(stage: Stage, days: i64) -> String {
    format!("days:{}:{:02}", stage.code(), days.clamp(0, DAYS_CAP))
}

/// The counter event of a stage's outcome: `on_time:cell`, `late:cell`.
pub fn timeliness_event(s: &StageDone) -> String {
    format!(
        "{}:{}",
        if s.late { "late" } else { "on_time" },
        s.stage.code()
    )
}

/// The median of a histogram of (days, count) pairs, in days; `None` when empty.
pub fn median(hist: &[(i64, i64)]) -> Option<f64> {
    let mut h: Vec<(i64, i64)> = hist.iter().copied().filter(|(_, n)| *n > 0).collect();
    h.sort();
    let total: i64 = h.iter().map(|(_, n)| n).sum();
    if total == 0 {
        return None;
    }
    let at = |k: i64| -> i64 {
        let mut seen = 0;
        for (d, n) in &h {
            seen += n;
            if seen > k {
                return *d;
            }
        }
        h.last().map_or(0, |x| x.0)
    };
    Some(if total % 2 == 1 {
        at(total / 2) as f64
    } else {
        (at(total / 2 - 1) + at(total / 2)) as f64 / 2.0
    })
}

/// Inbox buckets: how pressing an open petition is for whoever holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Urgency {
    Overdue,
    DueSoon,
    Returned,
    New,
    Waiting,
}

/// "Due soon": the deadline is within this many working days.
pub const DUE_SOON_DAYS: i64 = 2;

/// The bucket of an open petition: past its deadline, close to it, sent back, new (at
/// this holder since today or yesterday), or simply waiting. `due_soon_until` is today
/// plus [`DUE_SOON_DAYS`] working days.
pub fn urgency(
    due_on: Option<Date>,
    returned: bool,
    since: Date,
    today: Date,
    due_soon_until: Date,
) -> Urgency {
    match due_on {
        Some(d) if d < today => Urgency::Overdue,
        Some(d) if d <= due_soon_until => Urgency::DueSoon,
        _ if returned => Urgency::Returned,
        _ if (today - since).whole_days() <= 1 => Urgency::New,
        _ => Urgency::Waiting,
    }
}

impl Urgency {
    pub fn key(self) -> &'static str {
        match self {
            Urgency::Overdue => "petition_overdue",
            Urgency::DueSoon => "petition_due_soon",
            Urgency::Returned => "petition_returned",
            Urgency::New => "petition_fresh",
            Urgency::Waiting => "petition_waiting",
        }
    }
}

#[cfg(test)]
mod tests;
