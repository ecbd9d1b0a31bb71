//! Events as pure data: their kinds, and the check of a form before anything is stored.

use serde::Serialize;
use time::Date;

use crate::contacts::model::{client_id, parse_day};
use crate::error::{AppError, Collector};

/// The events the plan names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// "Hội nghị ra mắt mô hình".
    Launch,
    /// "Hội nghị sơ kết".
    ReviewInterim,
    /// "Hội nghị tổng kết".
    ReviewFinal,
    /// "Sinh hoạt chi bộ".
    CellMeeting,
    /// "Đối thoại".
    Dialogue,
}

impl Kind {
    pub const ALL: &'static [Kind] = &[
        Kind::Launch,
        Kind::ReviewInterim,
        Kind::ReviewFinal,
        Kind::CellMeeting,
        Kind::Dialogue,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Kind::Launch => "launch",
            Kind::ReviewInterim => "review_interim",
            Kind::ReviewFinal => "review_final",
            Kind::CellMeeting => "cell_meeting",
            Kind::Dialogue => "dialogue",
        }
    }

    pub fn parse(code: &str) -> Option<Kind> {
        Kind::ALL.iter().copied().find(|k| k.code() == code.trim())
    }

    /// The i18n key of its name.
    pub fn key(self) -> &'static str {
        match self {
            Kind::Launch => "event_launch",
            Kind::ReviewInterim => "event_review_interim",
            Kind::ReviewFinal => "event_review_final",
            Kind::CellMeeting => "event_cell_meeting",
            Kind::Dialogue => "event_dialogue",
        }
    }

    pub fn is(&self, code: &str) -> bool {
        self.code() == code
    }
}

pub const MAX_PLACE: usize = 200;
pub const MAX_CHAIR: usize = 120;
pub const MAX_CONTENT: usize = 2000;
/// A commune's conference seats a few hundred households; more is a typing slip.
pub const MAX_HOUSEHOLDS: i64 = 100_000;
pub const MAX_MEMBERS: usize = 2000;

/// An event as typed: a form or an API body.
#[derive(Debug, Clone, Default)]
pub struct EventInput {
    pub id: Option<String>,
    pub unit_id: String,
    pub kind: String,
    pub held_on: String,
    pub place: String,
    pub chair: String,
    pub content: String,
    pub households: String,
    pub members: Vec<String>,
}

/// An event that passed the checks; the store still checks the unit and the members
/// against the scope and the registry.
#[derive(Debug, Clone, PartialEq)]
pub struct EventDraft {
    pub id: String,
    pub unit_id: String,
    pub kind: Kind,
    pub held_on: Date,
    pub place: String,
    pub chair: String,
    pub content: String,
    pub households: i64,
    /// Member ids, each once, in the order ticked.
    pub members: Vec<String>,
}

/// A count as people type it: `120`, `1.200`, `1 200`.
pub fn parse_count(raw: &str) -> Option<i64> {
    let digits: String = raw
        .trim()
        .chars()
        .filter(|c| !matches!(c, '.' | ' ' | '\u{a0}'))
        .collect();
    if digits.is_empty() || digits.len() > 12 || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

fn text(c: &mut Collector, field: &str, raw: &str, max: usize, what: &str) -> String {
    let t = crate::text::clean(raw);
    required(c, field, t, max, what)
}

/// Text whose lines matter (the content): each line cleaned, blank runs kept to one.
pub fn lines(raw: &str) -> String {
    let mut out: Vec<String> = Vec::new();
    for l in raw.lines().map(crate::text::clean) {
        if !(l.is_empty() && out.last().is_some_and(|p| p.is_empty())) {
            out.push(l);
        }
    }
    out.join("\n").trim().to_owned()
}

fn required(c: &mut Collector, field: &str, t: String, max: usize, what: &str) -> String {
    if t.is_empty() {
        c.push(field, format!("Cần nhập {what}"));
    } else if t.chars().count() > max {
        c.push(field, format!("{} dài quá {max} ký tự", capitalise(what)));
    }
    t
}

fn capitalise(s: &str) -> String {
    let mut it = s.chars();
    match it.next() {
        Some(f) => f.to_uppercase().chain(it).collect(),
        None => String::new(),
    }
}

/// Checks an event: every refusal names its field, in Vietnamese, and all of them come
/// back at once. The date may not be after `today` (events are recorded once held).
pub fn check(input: &EventInput, today: Date) -> Result<EventDraft, AppError> {
    let mut c = Collector::default();
    let id = match input.id.as_deref().map(str::trim) {
        None | Some("") => crate::clock::new_id(),
        Some(raw) => client_id(raw)?,
    };
    let kind = Kind::parse(&input.kind);
    if kind.is_none() {
        c.push("kind", "Cần chọn loại hội nghị, sinh hoạt");
    }
    let held_on = match parse_day(&input.held_on) {
        None => {
            c.push(
                "held_on",
                "Ngày tổ chức phải có dạng ngày/tháng/năm, vd. 05/03/2026",
            );
            None
        }
        Some(d) if d > today => {
            c.push(
                "held_on",
                "Ngày tổ chức không được sau hôm nay: chỉ ghi hội nghị đã diễn ra",
            );
            None
        }
        Some(d) if d.year() < 2000 => {
            c.push("held_on", "Ngày tổ chức phải từ năm 2000 trở đi");
            None
        }
        Some(d) => Some(d),
    };
    let place = text(&mut c, "place", &input.place, MAX_PLACE, "địa điểm");
    let chair = text(&mut c, "chair", &input.chair, MAX_CHAIR, "người chủ trì");
    let content = required(
        &mut c,
        "content",
        lines(&input.content),
        MAX_CONTENT,
        "nội dung",
    );
    let households = match input.households.trim() {
        "" => Some(0),
        raw => match parse_count(raw) {
            Some(n) if n <= MAX_HOUSEHOLDS => Some(n),
            Some(_) => {
                c.push(
                    "households",
                    format!(
                        "Số hộ tham dự tối đa {}",
                        crate::web::format::number(MAX_HOUSEHOLDS)
                    ),
                );
                None
            }
            None => {
                c.push("households", "Số hộ tham dự phải là một số nguyên, vd. 120");
                None
            }
        },
    };
    let mut members: Vec<String> = Vec::new();
    for m in &input.members {
        let m = m.trim();
        if !m.is_empty() && !members.iter().any(|x| x == m) {
            members.push(m.to_owned());
        }
    }
    if members.len() > MAX_MEMBERS {
        c.push("members", format!("Tối đa {MAX_MEMBERS} đảng viên tham dự"));
    }
    let unit_id = input.unit_id.trim().to_owned();
    if unit_id.is_empty() {
        c.push("unit_id", "Cần chọn đơn vị tổ chức");
    }
    match (kind, held_on, households) {
        (Some(kind), Some(held_on), Some(households)) if c.is_empty() => Ok(EventDraft {
            id,
            unit_id,
            kind,
            held_on,
            place,
            chair,
            content,
            households,
            members,
        }),
        _ => Err(AppError::Validation(c.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ok() -> EventInput {
        EventInput {
            unit_id: "v-1".into(),
            kind: "launch".into(),
            held_on: "05/03/2026".into(),
            place: "Nhà văn hóa thôn".into(),
            chair: "Nguyễn Văn An".into(),
            content: "Ra mắt mô hình".into(),
            households: "1.200".into(),
            members: vec!["a".into(), "b".into(), "a".into(), " ".into()],
            ..Default::default()
        }
    }

    #[test]
    fn a_good_event_passes_with_members_once() {
        let d = check(&ok(), date!(2026 - 03 - 05)).unwrap();
        assert_eq!(d.kind, Kind::Launch);
        assert_eq!(d.households, 1200);
        assert_eq!(d.members, vec!["a", "b"]);
        assert_eq!(d.held_on, date!(2026 - 03 - 05));
    }

    #[test]
    fn every_bad_field_is_named() {
        let bad = EventInput {
            kind: "party".into(),
            held_on: "06/03/2026".into(),
            place: " ".into(),
            chair: "x".repeat(121),
            content: String::new(),
            households: "nhiều".into(),
            ..ok()
        };
        let Err(AppError::Validation(errs)) = check(&bad, date!(2026 - 03 - 05)) else {
            panic!("refused")
        };
        let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
        assert_eq!(
            fields,
            ["kind", "held_on", "place", "chair", "content", "households"]
        );
        assert!(errs[1].message.contains("không được sau hôm nay"));
    }

    #[test]
    fn counts_are_typed_with_or_without_dots() {
        assert_eq!(parse_count("1.302"), Some(1302));
        assert_eq!(parse_count("45"), Some(45));
        assert_eq!(parse_count("1 200"), Some(1200));
        assert_eq!(parse_count("-3"), None);
        assert_eq!(parse_count("1,5"), None);
        assert_eq!(parse_count(""), None);
    }
}
