//! Time and identifiers. Times are stored in UTC as sortable text; shown in Vietnam time.

use time::format_description::well_known::Rfc3339;
use time::{Duration, OffsetDateTime, UtcOffset};

/// Vietnam has one time zone and no daylight saving: UTC+7.
pub const VIETNAM: UtcOffset = match UtcOffset::from_hms(7, 0, 0) {
    Ok(o) => o,
    Err(_) => UtcOffset::UTC,
};

/// Now, as stored: `2026-11-30T09:15:02.123Z`.
pub fn now() -> String {
    stamp(OffsetDateTime::now_utc())
}

pub fn stamp(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    format!(
        "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}.{:03}Z",
        t.year(),
        u8::from(t.month()),
        t.day(),
        t.hour(),
        t.minute(),
        t.second(),
        t.millisecond()
    )
}

/// A stored time `d` ago.
pub fn ago(d: Duration) -> String {
    stamp(OffsetDateTime::now_utc() - d)
}

/// The calendar date in Vietnam at `t`: from 00:00 to 07:00 it is a day ahead of UTC's.
pub fn vietnam_date(t: OffsetDateTime) -> time::Date {
    t.to_offset(VIETNAM).date()
}

/// Today in Vietnam: contacts, campaigns and commitments run by Vietnamese calendar days.
pub fn vietnam_today() -> time::Date {
    vietnam_date(OffsetDateTime::now_utc())
}

/// Today for deadlines: [`vietnam_today`], unless the settings name a clock file
/// (`DANVAN_CLOCK_FILE`, tests only) holding `yyyy-mm-dd`, which is read at every call so a
/// test can move the date while the server runs. A missing or unreadable file is ignored.
pub fn today(config: &crate::config::Config) -> time::Date {
    config
        .clock_file
        .as_deref()
        .and_then(|p| std::fs::read_to_string(p).ok())
        .and_then(|s| {
            let f = time::macros::format_description!("[year]-[month]-[day]");
            time::Date::parse(s.trim(), &f).ok()
        })
        .unwrap_or_else(vietnam_today)
}

/// The Vietnam date of a stored time; a bare `yyyy-mm-dd` is already a date.
pub fn stored_vietnam_date(s: &str) -> Option<time::Date> {
    if let Some(t) = parse(s) {
        return Some(vietnam_date(t));
    }
    let f = time::macros::format_description!("[year]-[month]-[day]");
    time::Date::parse(s.get(..10)?, &f).ok()
}

pub fn parse(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &Rfc3339).ok()
}

/// A new record identifier: UUIDv7, time-ordered, made by whoever creates the record.
pub fn new_id() -> String {
    uuid::Uuid::now_v7().to_string()
}

#[cfg(test)]
mod tests {
    #[test]
    fn vietnam_dates_run_seven_hours_ahead() {
        let d = super::stored_vietnam_date("2026-03-01T17:30:00.000Z").unwrap();
        assert_eq!((d.year(), u8::from(d.month()), d.day()), (2026, 3, 2));
        let d = super::stored_vietnam_date("2026-03-01T16:59:59.000Z").unwrap();
        assert_eq!(d.day(), 1);
        assert_eq!(super::stored_vietnam_date("2026-03-01").unwrap().day(), 1);
    }

    #[test]
    fn stamps_parse_back() {
        let s = super::now();
        assert!(super::parse(&s).is_some(), "{s}");
        assert_eq!(s.len(), 24);
    }
}
