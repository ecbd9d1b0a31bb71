//! Campaigns without I/O: what a valid campaign and a valid delivery are, how a delivery
//! moves the counters, and when reminders are due.

use serde::{Deserialize, Serialize};
use time::Date;

use super::topics::{Channel, Topic};
use crate::error::FieldError;
use crate::people::kinds::SupportCategory;

pub const TITLE_MAX: usize = 200;
pub const BODY_MAX: usize = 20_000;
pub const REASON_MAX: usize = 300;
/// The attached PDF: enough for a few pages of a decision or a leaflet.
pub const PDF_MAX: usize = 2 * 1024 * 1024;
pub const REMIND_DEFAULT: i64 = 3;
pub const REMIND_MAX: i64 = 60;

/// What became of passing the information on to one household.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Delivered,
    Unreachable,
}

impl Outcome {
    pub fn code(self) -> &'static str {
        match self {
            Outcome::Delivered => "delivered",
            Outcome::Unreachable => "unreachable",
        }
    }

    pub fn parse(code: &str) -> Option<Outcome> {
        match code {
            "delivered" => Some(Outcome::Delivered),
            "unreachable" => Some(Outcome::Unreachable),
            _ => None,
        }
    }
}

/// A date as typed: dd/mm/yyyy (d/m/yyyy too), or yyyy-mm-dd as the API sends it.
pub fn parse_date(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    let (d, m, y) = if let Some((y, rest)) = raw.split_once('-') {
        let (m, d) = rest.split_once('-')?;
        (d, m, y)
    } else {
        let mut p = raw.split('/');
        let (d, m, y) = (p.next()?, p.next()?, p.next()?);
        if p.next().is_some() {
            return None;
        }
        (d, m, y)
    };
    if y.len() != 4 || d.is_empty() || d.len() > 2 || m.is_empty() || m.len() > 2 {
        return None;
    }
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// The stored form of a date: yyyy-mm-dd.
pub fn iso(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// The typed form of a date: dd/mm/yyyy.
pub fn vn(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// An id made by the client (a phone working offline): a UUID, and a version 7 one so
/// that ids stay in time order. None: the server makes one.
pub fn client_id(raw: Option<&str>) -> Result<String, FieldError> {
    let raw = raw.map(str::trim).unwrap_or("");
    if raw.is_empty() {
        return Ok(crate::clock::new_id());
    }
    match uuid::Uuid::parse_str(raw) {
        Err(_) => Err(FieldError::new(
            "id",
            "Mã (id) phải là một UUID, ví dụ 01890a5d-ac96-774b-bcce-b302099a8057",
        )),
        Ok(u) if u.get_version_num() != 7 => Err(FieldError::new(
            "id",
            "Mã (id) phải là UUID phiên bản 7 (UUIDv7, theo thời gian tạo)",
        )),
        Ok(u) => Ok(u.hyphenated().to_string()),
    }
}

/// A campaign as typed in the form or sent to the API, all text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct CampaignForm {
    pub id: String,
    pub unit_id: String,
    pub title: String,
    pub body: String,
    pub topic: String,
    pub support: Vec<String>,
    pub starts_on: String,
    pub ends_on: String,
    pub remind_days: String,
}

/// A valid campaign, ready to be stored (the unit is checked against the scope by the store).
#[derive(Debug, Clone, PartialEq)]
pub struct CampaignDraft {
    pub id: String,
    pub unit_id: String,
    pub title: String,
    pub body: String,
    pub topic: Topic,
    pub categories: Vec<SupportCategory>,
    pub starts_on: Date,
    pub ends_on: Date,
    pub remind_days: i64,
}

fn nfc(s: &str) -> String {
    crate::text::nfc(s.trim())
}

impl CampaignForm {
    /// The campaign, or every field that is wrong with a message naming it.
    pub fn validate(&self) -> Result<CampaignDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let id = client_id(Some(&self.id)).map_err(|e| errors.push(e)).ok();
        let title = nfc(&self.title);
        if title.is_empty() {
            errors.push(FieldError::new("title", "Tên đợt: chưa nhập"));
        } else if title.chars().count() > TITLE_MAX {
            errors.push(FieldError::new(
                "title",
                format!("Tên đợt: dài quá {TITLE_MAX} ký tự"),
            ));
        }
        let body = nfc(&self.body.replace("\r\n", "\n"));
        if body.is_empty() {
            errors.push(FieldError::new(
                "body",
                "Nội dung cần truyền đạt: chưa nhập",
            ));
        } else if body.chars().count() > BODY_MAX {
            errors.push(FieldError::new(
                "body",
                format!("Nội dung cần truyền đạt: dài quá {BODY_MAX} ký tự"),
            ));
        }
        let topic = Topic::parse(self.topic.trim());
        if topic.is_none() {
            errors.push(FieldError::new(
                "topic",
                "Chủ đề: hãy chọn một chủ đề trong danh sách",
            ));
        }
        let mut categories = Vec::new();
        for code in &self.support {
            match SupportCategory::parse(code.trim()) {
                Some(c) if !categories.contains(&c) => categories.push(c),
                Some(_) => {}
                None => errors.push(FieldError::new(
                    "support",
                    format!("Diện hộ: không có diện \"{}\"", code.trim()),
                )),
            }
        }
        let categories =
            SupportCategory::from_codes(&categories.iter().map(|c| c.code()).collect::<Vec<_>>());
        if self.unit_id.trim().is_empty() {
            errors.push(FieldError::new("unit_id", "Phạm vi: hãy chọn đơn vị"));
        }
        let starts = parse_date(&self.starts_on);
        if starts.is_none() {
            errors.push(FieldError::new(
                "starts_on",
                "Ngày bắt đầu: cần theo dạng ngày/tháng/năm, ví dụ 05/12/2026",
            ));
        }
        let ends = parse_date(&self.ends_on);
        if ends.is_none() {
            errors.push(FieldError::new(
                "ends_on",
                "Ngày kết thúc: cần theo dạng ngày/tháng/năm, ví dụ 31/12/2026",
            ));
        }
        if let (Some(s), Some(e)) = (starts, ends) {
            if e < s {
                errors.push(FieldError::new(
                    "ends_on",
                    "Ngày kết thúc: không được trước ngày bắt đầu",
                ));
            }
        }
        let remind_days = match self.remind_days.trim() {
            "" => Some(REMIND_DEFAULT),
            raw => raw
                .parse::<i64>()
                .ok()
                .filter(|n| (0..=REMIND_MAX).contains(n)),
        };
        if remind_days.is_none() {
            errors.push(FieldError::new(
                "remind_days",
                format!("Nhắc trước khi hết hạn: một số ngày từ 0 đến {REMIND_MAX}"),
            ));
        }
        match (id, topic, starts, ends, remind_days) {
            (Some(id), Some(topic), Some(starts_on), Some(ends_on), Some(remind_days))
                if errors.is_empty() =>
            {
                Ok(CampaignDraft {
                    id,
                    unit_id: self.unit_id.trim().to_owned(),
                    title,
                    body,
                    topic,
                    categories,
                    starts_on,
                    ends_on,
                    remind_days,
                })
            }
            _ => Err(errors),
        }
    }
}

/// Whether `bytes` is a PDF the campaign may carry; the message names the field.
pub fn check_pdf(bytes: &[u8]) -> Result<(), FieldError> {
    if bytes.len() > PDF_MAX {
        return Err(FieldError::new(
            "file",
            format!(
                "Tệp PDF: lớn quá {} MB; hãy nén lại hoặc bỏ bớt trang",
                PDF_MAX / 1024 / 1024
            ),
        ));
    }
    if !bytes.starts_with(b"%PDF-") {
        return Err(FieldError::new(
            "file",
            "Tệp đính kèm: chỉ nhận tệp PDF (tệp này không phải PDF)",
        ));
    }
    Ok(())
}

/// A delivery as typed or sent, all text.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct DeliveryForm {
    pub id: String,
    pub outcome: String,
    pub on_date: String,
    pub channel: String,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct DeliveryDraft {
    pub id: String,
    pub outcome: Outcome,
    pub on_date: Date,
    pub channel: Option<Channel>,
    pub reason: Option<String>,
}

impl DeliveryForm {
    /// The delivery, checked against the campaign's start and today (Vietnam date).
    pub fn validate(&self, starts_on: Date, today: Date) -> Result<DeliveryDraft, Vec<FieldError>> {
        let mut errors = Vec::new();
        let id = client_id(Some(&self.id)).map_err(|e| errors.push(e)).ok();
        let outcome = Outcome::parse(self.outcome.trim());
        if outcome.is_none() {
            errors.push(FieldError::new(
                "outcome",
                "Kết quả: chọn \"Đã tuyên truyền\" hoặc \"Không gặp được\"",
            ));
        }
        let on_date = match self.on_date.trim() {
            "" => Some(today),
            raw => parse_date(raw),
        };
        match on_date {
            None => errors.push(FieldError::new(
                "on_date",
                "Ngày: cần theo dạng ngày/tháng/năm, ví dụ 05/12/2026",
            )),
            Some(d) if d > today => {
                errors.push(FieldError::new("on_date", "Ngày: không được sau hôm nay"))
            }
            Some(d) if d < starts_on => errors.push(FieldError::new(
                "on_date",
                format!(
                    "Ngày: không được trước ngày bắt đầu đợt ({})",
                    vn(starts_on)
                ),
            )),
            Some(_) => {}
        }
        let channel = match self.channel.trim() {
            "" => None,
            raw => {
                let c = Channel::parse(raw);
                if c.is_none() {
                    errors.push(FieldError::new(
                        "channel",
                        format!("Hình thức: không có hình thức \"{raw}\""),
                    ));
                }
                c
            }
        };
        if outcome == Some(Outcome::Delivered)
            && channel.is_none()
            && self.channel.trim().is_empty()
        {
            errors.push(FieldError::new(
                "channel",
                "Hình thức: hãy chọn đến nhà, gọi điện, họp hay tin nhắn",
            ));
        }
        let reason = nfc(&self.reason);
        if reason.chars().count() > REASON_MAX {
            errors.push(FieldError::new(
                "reason",
                format!("Lý do: dài quá {REASON_MAX} ký tự"),
            ));
        }
        match (id, outcome, on_date) {
            (Some(id), Some(outcome), Some(on_date)) if errors.is_empty() => Ok(DeliveryDraft {
                id,
                outcome,
                on_date,
                // A delivered outcome has its channel; "could not reach" has its reason.
                channel: if outcome == Outcome::Delivered {
                    channel
                } else {
                    None
                },
                reason: if outcome == Outcome::Unreachable && !reason.is_empty() {
                    Some(reason)
                } else {
                    None
                },
            }),
            _ => Err(errors),
        }
    }
}

/// How one delivery write moves the counters of its (campaign, village) and the
/// per-(village, day) delivery counts.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Moves {
    pub delivered: i64,
    pub unreachable: i64,
    /// A day that loses one delivery, and one that gains it.
    pub day_minus: Option<String>,
    pub day_plus: Option<String>,
}

impl Moves {
    /// From the outcome before (if the household had one) to the new one.
    pub fn between(before: Option<(Outcome, &str)>, after: (Outcome, &str)) -> Moves {
        let mut m = Moves::default();
        match before {
            Some((Outcome::Delivered, day)) => {
                m.delivered -= 1;
                m.day_minus = Some(day.to_owned());
            }
            Some((Outcome::Unreachable, _)) => m.unreachable -= 1,
            None => {}
        }
        match after {
            (Outcome::Delivered, day) => {
                m.delivered += 1;
                m.day_plus = Some(day.to_owned());
            }
            (Outcome::Unreachable, _) => m.unreachable += 1,
        }
        if m.day_minus.is_some() && m.day_minus == m.day_plus {
            m.day_minus = None;
            m.day_plus = None;
        }
        m
    }
}

/// The campaign runs today.
pub fn is_open(today: Date, starts_on: Date, ends_on: Date) -> bool {
    starts_on <= today && today <= ends_on
}

/// Reminders run from `remind_days` before the end until the end itself.
pub fn in_reminder_window(today: Date, starts_on: Date, ends_on: Date, remind_days: i64) -> bool {
    let from = ends_on - time::Duration::days(remind_days.max(0));
    is_open(today, starts_on, ends_on) && today >= from
}

/// Households reached, as a whole percentage of those targeted (never above 100).
pub fn percent(delivered: i64, targeted: i64) -> i64 {
    if targeted <= 0 {
        return if delivered > 0 { 100 } else { 0 };
    }
    (delivered * 100 / targeted).clamp(0, 100)
}

/// One line of a coverage table: a member, a village, a commune, a province or the total.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Coverage {
    pub id: String,
    pub name: String,
    pub targeted: i64,
    pub delivered: i64,
    pub unreachable: i64,
    pub percent: i64,
}

impl Coverage {
    pub fn new(id: &str, name: &str, targeted: i64, delivered: i64, unreachable: i64) -> Coverage {
        Coverage {
            id: id.to_owned(),
            name: name.to_owned(),
            targeted,
            delivered,
            unreachable,
            percent: percent(delivered, targeted),
        }
    }

    /// Households not yet reached (unreachable ones included: they are still to do).
    pub fn pending(&self) -> i64 {
        (self.targeted - self.delivered).max(0)
    }

    /// Lines summed by group (a commune's villages, a province's communes), in the order
    /// the groups first appear: `(group id, group name, line)`.
    pub fn group(lines: &[(String, String, Coverage)]) -> Vec<Coverage> {
        let mut out: Vec<Coverage> = Vec::new();
        for (id, name, l) in lines {
            match out.iter_mut().find(|g| &g.id == id) {
                Some(g) => {
                    *g = Coverage::new(
                        id,
                        name,
                        g.targeted + l.targeted,
                        g.delivered + l.delivered,
                        g.unreachable + l.unreachable,
                    )
                }
                None => out.push(Coverage::new(
                    id,
                    name,
                    l.targeted,
                    l.delivered,
                    l.unreachable,
                )),
            }
        }
        out
    }

    /// The sum of `rows`, named.
    pub fn total(id: &str, name: &str, rows: &[Coverage]) -> Coverage {
        let (t, d, u) = rows.iter().fold((0, 0, 0), |(t, d, u), r| {
            (t + r.targeted, d + r.delivered, u + r.unreachable)
        });
        Coverage::new(id, name, t, d, u)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form() -> CampaignForm {
        CampaignForm {
            unit_id: "c-12280".into(),
            title: "Tuyên truyền GPMB đường vành đai".into(),
            body: "Nội dung".into(),
            topic: "land_clearance".into(),
            starts_on: "01/12/2026".into(),
            ends_on: "31/12/2026".into(),
            ..Default::default()
        }
    }

    #[test]
    fn dates_in_both_forms() {
        assert_eq!(parse_date("05/12/2026"), Some(date!(2026 - 12 - 05)));
        assert_eq!(parse_date("5/1/2026"), Some(date!(2026 - 01 - 05)));
        assert_eq!(parse_date("2026-12-05"), Some(date!(2026 - 12 - 05)));
        for bad in [
            "31/02/2026",
            "12/2026",
            "05/12/26",
            "",
            "a/b/cccc",
            "1/2/2026/1",
        ] {
            assert_eq!(parse_date(bad), None, "{bad}");
        }
        assert_eq!(vn(date!(2026 - 01 - 05)), "05/01/2026");
        assert_eq!(iso(date!(2026 - 01 - 05)), "2026-01-05");
    }

    #[test]
    fn a_valid_campaign_and_its_defaults() {
        let d = form().validate().unwrap();
        assert_eq!(d.remind_days, 3);
        assert_eq!(d.topic, Topic::LandClearance);
        assert!(d.categories.is_empty());
        assert_eq!(uuid::Uuid::parse_str(&d.id).unwrap().get_version_num(), 7);
    }

    #[test]
    fn end_before_start_is_refused_naming_the_field() {
        let mut f = form();
        f.ends_on = "30/11/2026".into();
        let e = f.validate().unwrap_err();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].field, "ends_on");
        assert!(e[0].message.contains("trước ngày bắt đầu"));
    }

    #[test]
    fn every_wrong_field_is_named() {
        let f = CampaignForm {
            topic: "x".into(),
            support: vec!["ho_ngheo".into(), "zzz".into()],
            remind_days: "99".into(),
            id: "not-a-uuid".into(),
            ..Default::default()
        };
        let fields: Vec<String> = f
            .validate()
            .unwrap_err()
            .into_iter()
            .map(|e| e.field)
            .collect();
        for want in [
            "id",
            "title",
            "body",
            "topic",
            "support",
            "unit_id",
            "starts_on",
            "ends_on",
            "remind_days",
        ] {
            assert!(fields.iter().any(|f| f == want), "{want}: {fields:?}");
        }
    }

    #[test]
    fn categories_are_a_set_in_catalogue_order() {
        let mut f = form();
        f.support = vec!["khuyet_tat".into(), "ho_ngheo".into(), "ho_ngheo".into()];
        let d = f.validate().unwrap();
        assert_eq!(
            d.categories,
            vec![SupportCategory::HoNgheo, SupportCategory::KhuyetTat]
        );
    }

    #[test]
    fn client_ids_must_be_v7() {
        assert!(client_id(None).is_ok());
        assert!(client_id(Some("0190a5d2-ac96-774b-bcce-b302099a8057")).is_ok());
        let v4 = client_id(Some("9b2e7c1e-4f0a-4c4e-9d57-2a8b3c4d5e6f")).unwrap_err();
        assert!(v4.message.contains("phiên bản 7"));
        assert!(client_id(Some("abc")).unwrap_err().message.contains("UUID"));
    }

    #[test]
    fn pdfs_only_and_not_too_big() {
        assert!(check_pdf(b"%PDF-1.4\n...").is_ok());
        assert!(check_pdf(b"PK\x03\x04")
            .unwrap_err()
            .message
            .contains("PDF"));
        let mut big = b"%PDF-1.4".to_vec();
        big.resize(PDF_MAX + 1, b' ');
        assert!(check_pdf(&big).unwrap_err().message.contains("MB"));
    }

    #[test]
    fn deliveries_are_dated_between_the_start_and_today() {
        let start = date!(2026 - 12 - 01);
        let today = date!(2026 - 12 - 10);
        let ok = DeliveryForm {
            outcome: "delivered".into(),
            channel: "visit".into(),
            ..Default::default()
        };
        assert_eq!(ok.validate(start, today).unwrap().on_date, today);
        for (d, want) in [
            ("11/12/2026", "sau hôm nay"),
            ("30/11/2026", "trước ngày bắt đầu"),
        ] {
            let f = DeliveryForm {
                on_date: d.into(),
                ..ok.clone()
            };
            let e = f.validate(start, today).unwrap_err();
            assert!(
                e[0].field == "on_date" && e[0].message.contains(want),
                "{e:?}"
            );
        }
        let unreachable = DeliveryForm {
            outcome: "unreachable".into(),
            reason: "Đi làm xa".into(),
            channel: "visit".into(),
            ..Default::default()
        };
        let u = unreachable.validate(start, today).unwrap();
        assert_eq!((u.channel, u.reason.as_deref()), (None, Some("Đi làm xa")));
        let no_channel = DeliveryForm {
            channel: String::new(),
            ..ok
        };
        assert_eq!(
            no_channel.validate(start, today).unwrap_err()[0].field,
            "channel"
        );
    }

    #[test]
    fn counters_move_with_the_outcome() {
        use Outcome::*;
        let m = Moves::between(None, (Delivered, "2026-12-02"));
        assert_eq!((m.delivered, m.unreachable), (1, 0));
        assert_eq!(m.day_plus.as_deref(), Some("2026-12-02"));
        let m = Moves::between(Some((Unreachable, "2026-12-01")), (Delivered, "2026-12-02"));
        assert_eq!(
            (m.delivered, m.unreachable, m.day_minus.clone()),
            (1, -1, None)
        );
        let m = Moves::between(Some((Delivered, "2026-12-01")), (Unreachable, "2026-12-02"));
        assert_eq!((m.delivered, m.unreachable), (-1, 1));
        assert_eq!(m.day_minus.as_deref(), Some("2026-12-01"));
        // The same outcome on the same day again moves nothing.
        assert_eq!(
            Moves::between(Some((Delivered, "2026-12-02")), (Delivered, "2026-12-02")),
            Moves::default()
        );
        let m = Moves::between(Some((Delivered, "2026-12-01")), (Delivered, "2026-12-02"));
        assert_eq!(
            (m.delivered, m.day_minus.as_deref(), m.day_plus.as_deref()),
            (0, Some("2026-12-01"), Some("2026-12-02"))
        );
    }

    #[test]
    fn reminder_window() {
        let (s, e) = (date!(2026 - 12 - 01), date!(2026 - 12 - 20));
        assert!(!in_reminder_window(date!(2026 - 12 - 16), s, e, 3));
        assert!(in_reminder_window(date!(2026 - 12 - 17), s, e, 3));
        assert!(in_reminder_window(date!(2026 - 12 - 20), s, e, 3));
        assert!(!in_reminder_window(date!(2026 - 12 - 21), s, e, 3));
        assert!(in_reminder_window(date!(2026 - 12 - 20), s, e, 0));
    }

    #[test]
    fn percentages() {
        assert_eq!(percent(1, 3), 33);
        assert_eq!(percent(0, 0), 0);
        assert_eq!(percent(5, 4), 100);
        let rows = [
            Coverage::new("a", "A", 10, 5, 1),
            Coverage::new("b", "B", 10, 10, 0),
        ];
        let t = Coverage::total("t", "Tổng", &rows);
        assert_eq!(
            (
                t.targeted,
                t.delivered,
                t.unreachable,
                t.percent,
                t.pending()
            ),
            (20, 15, 1, 75, 5)
        );
    }
}
