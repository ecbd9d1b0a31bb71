//! The audit page's filters, as typed in the address bar or the GET form, checked before
//! anything is read. Pure: no database, no request.

use serde::{Deserialize, Serialize};
use time::{Date, Month, PrimitiveDateTime, Time};

use super::model::Action;

/// Entries per page.
pub const PAGE_SIZE: i64 = 50;
/// Beyond this an offset scan costs more than it could be worth; narrow the dates instead.
const LAST_PAGE: i64 = 10_000;

/// The filters as sent: every field is text so that a wrong value gets a clear message
/// instead of a parse error.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[serde(default)]
pub struct AuditQuery {
    /// Entries about this record only.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub entity_id: String,
    /// The username of who acted.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub user: String,
    /// A commune's id (its chain), or `global`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub unit: String,
    /// An action code (`approve`, `read`, …).
    #[serde(skip_serializing_if = "String::is_empty")]
    pub action: String,
    /// From this day (Vietnam time), `dd/mm/yyyy` or `yyyy-mm-dd`.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub from: String,
    /// Up to and including this day.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub to: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub page: String,
}

/// What was wrong with a filter, and the value as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BadFilter {
    Date(String),
    Range,
    Page(String),
    Action(String),
}

/// The filters, checked.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Filter {
    pub entity_id: Option<String>,
    pub user: Option<String>,
    pub unit: Option<String>,
    pub action: Option<Action>,
    pub from: Option<Date>,
    pub to: Option<Date>,
    pub page: i64,
}

fn non_empty(s: &str) -> Option<String> {
    let t = s.trim();
    (!t.is_empty()).then(|| t.to_owned())
}

/// `30/11/2026`, `1/2/2026` (as people write) or `2026-11-30` (what a date input sends).
pub fn parse_date(s: &str) -> Option<Date> {
    let t = s.trim();
    let (y, m, d) = if let Some((d, rest)) = t.split_once('/') {
        let (m, y) = rest.split_once('/')?;
        (y, m, d)
    } else {
        let mut p = t.splitn(3, '-');
        (p.next()?, p.next()?, p.next()?)
    };
    let all_digits =
        |x: &str| !x.is_empty() && x.len() <= 4 && x.bytes().all(|b| b.is_ascii_digit());
    if !(all_digits(y) && y.len() == 4 && all_digits(d) && all_digits(m)) {
        return None;
    }
    let month = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

impl AuditQuery {
    pub fn check(&self) -> Result<Filter, BadFilter> {
        let date = |s: &str| match non_empty(s) {
            None => Ok(None),
            Some(t) => parse_date(&t).map(Some).ok_or(BadFilter::Date(t)),
        };
        let from = date(&self.from)?;
        let to = date(&self.to)?;
        if let (Some(f), Some(t)) = (from, to) {
            if f > t {
                return Err(BadFilter::Range);
            }
        }
        let action = match non_empty(&self.action) {
            None => None,
            Some(a) => Some(Action::parse(&a).ok_or(BadFilter::Action(a))?),
        };
        let page = match non_empty(&self.page) {
            None => 1,
            Some(p) => match p.parse::<i64>() {
                Ok(n) if (1..=LAST_PAGE).contains(&n) => n,
                _ => return Err(BadFilter::Page(p)),
            },
        };
        Ok(Filter {
            entity_id: non_empty(&self.entity_id),
            user: non_empty(&self.user),
            unit: non_empty(&self.unit),
            action,
            from,
            to,
            page,
        })
    }

    /// The same filters on another page, for the pager's links.
    pub fn with_page(&self, page: i64) -> String {
        let mut q = self.clone();
        q.page = page.to_string();
        serde_urlencoded::to_string(&q).unwrap_or_default()
    }
}

/// A day's first instant in Vietnam, as stored (UTC text): the filters compare `at` to it.
pub fn day_start(d: Date) -> String {
    crate::clock::stamp(
        PrimitiveDateTime::new(d, Time::MIDNIGHT).assume_offset(crate::clock::VIETNAM),
    )
}

impl Filter {
    /// `at >= since` …
    pub fn since(&self) -> Option<String> {
        self.from.map(day_start)
    }

    /// … and `at < until`: the day after `to` begins.
    pub fn until(&self) -> Option<String> {
        self.to.and_then(|d| d.next_day()).map(day_start)
    }

    pub fn offset(&self) -> i64 {
        (self.page - 1) * PAGE_SIZE
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn q(from: &str, to: &str) -> AuditQuery {
        AuditQuery {
            from: from.into(),
            to: to.into(),
            ..Default::default()
        }
    }

    #[test]
    fn dates_are_day_first_or_iso_and_days_are_vietnam_days() {
        let f = q("30/11/2026", "2026-12-01").check().unwrap();
        // 00:00 in Vietnam is 17:00 UTC the day before.
        assert_eq!(f.since().unwrap(), "2026-11-29T17:00:00.000Z");
        assert_eq!(f.until().unwrap(), "2026-12-01T17:00:00.000Z");
        assert_eq!(parse_date("1/2/2026"), parse_date("2026-02-01"));
    }

    #[test]
    fn bad_filters_say_what_was_wrong() {
        assert_eq!(
            q("31/02/2026", "").check(),
            Err(BadFilter::Date("31/02/2026".into()))
        );
        assert_eq!(
            q("hôm qua", "").check(),
            Err(BadFilter::Date("hôm qua".into()))
        );
        assert_eq!(q("02/12/2026", "01/12/2026").check(), Err(BadFilter::Range));
        let page = |p: &str| AuditQuery {
            page: p.into(),
            ..Default::default()
        };
        assert_eq!(page("abc").check(), Err(BadFilter::Page("abc".into())));
        assert_eq!(page("0").check(), Err(BadFilter::Page("0".into())));
        assert_eq!(page("").check().unwrap().page, 1);
        let action = AuditQuery {
            action: "drop_table".into(),
            ..Default::default()
        };
        assert_eq!(action.check(), Err(BadFilter::Action("drop_table".into())));
    }

    #[test]
    fn pager_links_keep_the_filters() {
        let mut a = q("30/11/2026", "");
        a.action = "approve".into();
        let link = a.with_page(3);
        assert!(
            link.contains("action=approve") && link.contains("page=3"),
            "{link}"
        );
        assert!(link.contains("from=30%2F11%2F2026"), "{link}");
    }
}
