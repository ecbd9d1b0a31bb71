//! Working days: deadlines of petitions run on the days offices are open, Monday to
//! Friday less the public holidays, plus the Saturdays worked in exchange for a bridge day
//! off (the Ministry's yearly schedule for civil servants). Pure: the table comes from the
//! database (`petition_holidays`), the rules from here.

use std::collections::BTreeSet;

use time::{Date, Duration, Weekday};

/// What a day of the holiday table is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DayKind {
    /// Offices are closed: a public holiday, a compensatory day off, a bridge day.
    Off,
    /// A Saturday or Sunday worked in exchange for a bridge day off.
    Work,
}

impl DayKind {
    pub fn code(self) -> &'static str {
        match self {
            DayKind::Off => "off",
            DayKind::Work => "work",
        }
    }

    pub fn parse(s: &str) -> Option<DayKind> {
        match s {
            "off" => Some(DayKind::Off),
            "work" => Some(DayKind::Work),
            _ => None,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            DayKind::Off => "Nghỉ",
            DayKind::Work => "Đi làm bù",
        }
    }
}

/// The days that differ from the plain week.
#[derive(Debug, Clone, Default)]
pub struct Calendar {
    off: BTreeSet<Date>,
    work: BTreeSet<Date>,
}

/// The longest run a deadline may ask for: beyond it a number is a typing mistake.
pub const MAX_DAYS: i64 = 90;

impl Calendar {
    pub fn new(days: impl IntoIterator<Item = (Date, DayKind)>) -> Calendar {
        let mut c = Calendar::default();
        for (d, k) in days {
            match k {
                DayKind::Off => c.off.insert(d),
                DayKind::Work => c.work.insert(d),
            };
        }
        c
    }

    /// Whether offices are open on `d`.
    pub fn is_working(&self, d: Date) -> bool {
        if self.work.contains(&d) {
            return true;
        }
        !matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday) && !self.off.contains(&d)
    }

    /// The `n`th working day after `start` (`start` itself never counts: a petition
    /// received on Monday with 3 days is due on Thursday). `n = 0` is `start`.
    pub fn add_working_days(&self, start: Date, n: i64) -> Date {
        let mut d = start;
        let mut left = n.clamp(0, MAX_DAYS * 3);
        while left > 0 {
            d += Duration::days(1);
            if self.is_working(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not later):
    /// how long a stage took, in the unit its deadline is given in.
    pub fn working_days_between(&self, from: Date, to: Date) -> i64 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.is_working(d) {
                n += 1;
            }
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// 2025 around 30/4: Fri 2/5 a bridge day off, worked back on Sat 26/4.
    fn may_2025() -> Calendar {
        Calendar::new([
            (date!(2025 - 04 - 30), DayKind::Off),
            (date!(2025 - 05 - 01), DayKind::Off),
            (date!(2025 - 05 - 02), DayKind::Off),
            (date!(2025 - 04 - 26), DayKind::Work),
        ])
    }

    #[test]
    fn weekends_are_skipped() {
        let c = Calendar::default();
        // Thursday + 3 working days: Friday, Monday, Tuesday.
        assert_eq!(
            c.add_working_days(date!(2026 - 03 - 05), 3),
            date!(2026 - 03 - 10)
        );
        // From a Saturday the first working day is Monday.
        assert_eq!(
            c.add_working_days(date!(2026 - 03 - 07), 1),
            date!(2026 - 03 - 09)
        );
        assert_eq!(
            c.add_working_days(date!(2026 - 03 - 07), 0),
            date!(2026 - 03 - 07)
        );
    }

    #[test]
    fn holidays_are_skipped_and_swapped_saturdays_count() {
        let c = may_2025();
        assert!(c.is_working(date!(2025 - 04 - 26)));
        assert!(!c.is_working(date!(2025 - 05 - 02)));
        // Friday 25/4 + 1: the Saturday worked in exchange.
        assert_eq!(
            c.add_working_days(date!(2025 - 04 - 25), 1),
            date!(2025 - 04 - 26)
        );
        // Tuesday 29/4 + 1: nothing open until Monday 5/5.
        assert_eq!(
            c.add_working_days(date!(2025 - 04 - 29), 1),
            date!(2025 - 05 - 05)
        );
        assert_eq!(
            c.working_days_between(date!(2025 - 04 - 29), date!(2025 - 05 - 05)),
            1
        );
    }

    #[test]
    fn counting_back_agrees_with_adding() {
        let c = may_2025();
        let start = date!(2025 - 04 - 20);
        for n in 0..30 {
            let due = c.add_working_days(start, n);
            assert_eq!(c.working_days_between(start, due), n, "{n}");
        }
        assert_eq!(c.working_days_between(start, start - Duration::days(3)), 0);
    }
}
