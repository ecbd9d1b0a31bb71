//! Contacts as pure data: the channels, the topics, the checks of a logged contact, the
//! periods it counts in, what it changes in a household's state, and the order of a
//! member's list. No database here; `store.rs` applies what these functions decide.

use crate::reports::period::{CutOff, Kind, Period};
use serde::Serialize;
use time::{Date, Duration};

use crate::error::AppError;
use crate::people::kinds::{coded, Coded};
use crate::web::i18n::Lang;

coded! {
    /// How the member and the household were in touch.
    Channel {
        Visit = "visit", "channel_visit";
        Phone = "phone", "channel_phone";
        Meeting = "meeting", "channel_meeting";
        Message = "message", "channel_message";
    }
}

/// The topics of section II.1 of the plan, what members inform households of and hear
/// from them: the campaigns' closed list (`campaigns::topics::Topic`), which a province
/// may replace for contacts (`contact_topics`); codes stay stable.
pub use crate::campaigns::topics::Topic as PlanTopic;

/// One topic as a province uses it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Topic {
    pub code: String,
    pub label: String,
}

/// The plan's topics, in the page's language.
pub fn default_topics(lang: Lang) -> Vec<Topic> {
    PlanTopic::ALL
        .iter()
        .map(|t| Topic {
            code: t.code().into(),
            label: t.label(lang).into(),
        })
        .collect()
}

/// The label of a stored topic code: the province's words, else the plan's, else the code
/// itself (a topic retired since still shows what was recorded).
pub fn topic_label(code: &str, topics: &[Topic]) -> String {
    if let Some(t) = topics.iter().find(|t| t.code == code) {
        return t.label.clone();
    }
    PlanTopic::parse(code)
        .map(|t| t.label_vi().to_owned())
        .unwrap_or_else(|| code.to_owned())
}

/// How far back a contact may be logged: a quarter, so a member can catch up after a
/// busy season, but the counters of closed reporting periods stay still.
pub const MAX_DAYS_BACK: i64 = 92;
/// The longest note: a line or two. Details of a request go to a petition.
pub const MAX_NOTE: usize = 500;
/// How far ahead a follow-up may be set.
pub const MAX_FOLLOW_UP_DAYS: i64 = 366;

/// A contact as a person or a client sent it: text, unchecked.
#[derive(Debug, Clone, Default)]
pub struct ContactInput {
    pub id: Option<String>,
    pub contacted_on: String,
    pub channel: String,
    pub topics: Vec<String>,
    pub note: String,
    pub follow_up: bool,
    pub follow_up_on: String,
}

/// A contact that passed every check.
#[derive(Debug, Clone, PartialEq)]
pub struct ContactDraft {
    pub id: String,
    pub contacted_on: Date,
    pub channel: Channel,
    pub topics: Vec<String>,
    pub note: String,
    pub follow_up_on: Option<Date>,
}

/// Checks a contact against today (Vietnam date) and the province's topic codes. The
/// first problem found is the answer, naming its field in Vietnamese.
pub fn check(
    input: &ContactInput,
    today: Date,
    known_topics: &[&str],
) -> Result<ContactDraft, AppError> {
    let id = match input.id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => client_id(raw)?,
        None => crate::clock::new_id(),
    };
    let contacted_on = match input.contacted_on.trim() {
        "" => today,
        raw => parse_day(raw).ok_or_else(|| {
            AppError::invalid(
                "contacted_on",
                format!("Ngày tiếp xúc \"{raw}\" chưa đúng; ghi theo dạng ngày/tháng/năm, ví dụ 05/03/2026"),
            )
        })?,
    };
    if contacted_on > today {
        return Err(AppError::invalid(
            "contacted_on",
            "Ngày tiếp xúc không được sau hôm nay",
        ));
    }
    if contacted_on < today - Duration::days(MAX_DAYS_BACK) {
        return Err(AppError::invalid(
            "contacted_on",
            format!("Chỉ ghi được lần tiếp xúc trong {MAX_DAYS_BACK} ngày gần đây"),
        ));
    }
    let channel = Channel::parse(input.channel.trim()).ok_or_else(|| {
        AppError::invalid(
            "channel",
            "Cần chọn hình thức tiếp xúc: đến nhà, gọi điện, gặp ở cuộc họp hoặc nhắn tin",
        )
    })?;
    let mut topics: Vec<String> = Vec::new();
    for t in input
        .topics
        .iter()
        .map(|t| t.trim())
        .filter(|t| !t.is_empty())
    {
        if !known_topics.contains(&t) {
            return Err(AppError::invalid(
                "topics",
                format!("Nội dung \"{t}\" không có trong danh sách nội dung của tỉnh"),
            ));
        }
        if !topics.iter().any(|x| x == t) {
            topics.push(t.to_owned());
        }
    }
    if topics.is_empty() {
        return Err(AppError::invalid(
            "topics",
            "Cần chọn ít nhất một nội dung đã trao đổi với hộ",
        ));
    }
    let note = input.note.trim().to_owned();
    if note.chars().count() > MAX_NOTE {
        return Err(AppError::invalid(
            "note",
            format!("Ghi chú dài quá {MAX_NOTE} ký tự; chỉ ghi ngắn gọn"),
        ));
    }
    let wants_follow_up = input.follow_up || !input.follow_up_on.trim().is_empty();
    let follow_up_on = if wants_follow_up {
        let raw = input.follow_up_on.trim();
        if raw.is_empty() {
            return Err(AppError::invalid(
                "follow_up_on",
                "Cần chọn ngày hẹn theo dõi, hoặc bỏ chọn \"Cần theo dõi tiếp\"",
            ));
        }
        let d = parse_day(raw).ok_or_else(|| {
            AppError::invalid(
                "follow_up_on",
                format!("Ngày hẹn theo dõi \"{raw}\" chưa đúng; ghi theo dạng ngày/tháng/năm"),
            )
        })?;
        if d < contacted_on {
            return Err(AppError::invalid(
                "follow_up_on",
                "Ngày hẹn theo dõi không được trước ngày tiếp xúc",
            ));
        }
        if d > today + Duration::days(MAX_FOLLOW_UP_DAYS) {
            return Err(AppError::invalid(
                "follow_up_on",
                "Ngày hẹn theo dõi không được xa quá một năm",
            ));
        }
        Some(d)
    } else {
        None
    };
    Ok(ContactDraft {
        id,
        contacted_on,
        channel,
        topics,
        note,
        follow_up_on,
    })
}

/// A record id made by a client: a UUIDv7, so ids stay time-ordered whoever makes them.
pub fn client_id(raw: &str) -> Result<String, AppError> {
    match uuid::Uuid::parse_str(raw) {
        Ok(u) if u.get_version_num() == 7 => Ok(u.to_string()),
        Ok(_) => Err(AppError::invalid(
            "id",
            "Mã bản ghi phải là UUID phiên bản 7 (sắp theo thời gian)",
        )),
        Err(_) => Err(AppError::invalid("id", "Mã bản ghi không phải là UUID")),
    }
}

/// A day as people write it (05/03/2026, 5/3/2026) or as a date input sends it
/// (2026-03-05).
pub fn parse_day(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    let (y, m, d) = if let Some((y, rest)) = raw.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (y, m, d)
    } else {
        let mut it = raw.split('/');
        let (d, m, y) = (it.next()?, it.next()?, it.next()?);
        if it.next().is_some() || y.len() != 4 {
            return None;
        }
        (y, m, d)
    };
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// The stored form of a day: `2026-03-05`.
pub fn day_text(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// A day as forms show it: `05/03/2026`.
pub fn day_vn(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// The periods a contact on `d` counts in: its day, month, quarter, half-year and year.
/// Calendar periods; reports that run on another cut-off add up days.
pub fn periods_of(d: Date) -> [String; 5] {
    let (y, m) = (d.year(), u8::from(d.month()));
    [
        format!("D{}", day_text(d)),
        format!("M{y:04}-{m:02}"),
        format!("Q{y:04}-{}", (m - 1) / 3 + 1),
        format!("H{y:04}-{}", (m - 1) / 6 + 1),
        format!("Y{y:04}"),
    ]
}

/// The periods of a province's own reporting calendar that a contact on `d` counts in, when
/// its months run from a cut-off day (`Q2027-1@15`): distinct reach and active members in
/// such a period cannot be added up from calendar days, so they get markers of their own.
/// None for the calendar (cut-off 1).
pub fn cutoff_periods_of(d: Date, cutoff: CutOff) -> Vec<String> {
    if cutoff == CutOff::CALENDAR {
        return Vec::new();
    }
    Kind::ALL
        .iter()
        .map(|k| Period::containing(d, *k, cutoff).counter_key())
        .collect()
}

/// A household's latest contact and the follow-up it asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContactState {
    pub last_contact_on: Date,
    pub follow_up_on: Option<Date>,
    pub contacts: i64,
}

/// The household's state once `c` is recorded. The latest contact speaks for the
/// household: a new visit answers the last one's follow-up unless it asks for another.
/// A contact logged late (older than the latest) changes only the count.
pub fn state_after(prev: Option<&ContactState>, c: &ContactDraft) -> ContactState {
    match prev {
        Some(p) if c.contacted_on < p.last_contact_on => ContactState {
            contacts: p.contacts + 1,
            ..p.clone()
        },
        _ => ContactState {
            last_contact_on: c.contacted_on,
            follow_up_on: c.follow_up_on,
            contacts: prev.map_or(0, |p| p.contacts) + 1,
        },
    }
}

/// What a member should know about one of their households, for ordering their list.
#[derive(Debug, Clone, Default)]
pub struct Attention {
    pub last_contact_on: Option<Date>,
    pub follow_up_on: Option<Date>,
    pub pending_campaigns: usize,
    pub open_requests: usize,
}

/// Why a household comes where it does in the member's list, most pressing first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Urgency {
    /// A follow-up the member promised is due or past.
    FollowUpDue,
    /// Something to pass on or to answer: a campaign not yet delivered, an open request.
    Waiting,
    NeverContacted,
    /// No contact in the last `STALE_DAYS`.
    Stale,
    Recent,
}

/// After this many days without contact a household moves up the member's list.
pub const STALE_DAYS: i64 = 30;

impl Attention {
    pub fn urgency(&self, today: Date) -> Urgency {
        if self.follow_up_on.is_some_and(|d| d <= today) {
            Urgency::FollowUpDue
        } else if self.pending_campaigns > 0 || self.open_requests > 0 {
            Urgency::Waiting
        } else {
            match self.last_contact_on {
                None => Urgency::NeverContacted,
                Some(d) if d < today - Duration::days(STALE_DAYS) => Urgency::Stale,
                Some(_) => Urgency::Recent,
            }
        }
    }

    /// The sort key of the member's list: urgency, then the longest without contact
    /// (never contacted first), then the caller's tie-break (the name key).
    pub fn order_key(&self, today: Date) -> (Urgency, Option<Date>, Option<Date>) {
        (
            self.urgency(today),
            self.follow_up_on.filter(|d| *d <= today),
            self.last_contact_on,
        )
    }
}

/// Whole days from `from` to `to`.
pub fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

#[cfg(test)]
mod tests;
