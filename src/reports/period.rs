//! Reporting periods: month, quarter, half-year and year, as the Party's reports count
//! them. A province may run its months from a cut-off day: with cut-off 15 the "month of
//! December 2026" is 15/11/2026–14/12/2026, quarter IV is 15/09–14/12, and the year 2026
//! is 15/12/2025–14/12/2026. Cut-off 1 is the calendar. Pure: no storage, no clock.

use serde::Serialize;
use time::{Date, Duration, Month};

/// The kinds of period a report covers.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Month,
    Quarter,
    Half,
    Year,
}

impl Kind {
    pub const ALL: [Kind; 4] = [Kind::Month, Kind::Quarter, Kind::Half, Kind::Year];

    /// How many months one period of this kind spans.
    pub fn months(self) -> u8 {
        match self {
            Kind::Month => 1,
            Kind::Quarter => 3,
            Kind::Half => 6,
            Kind::Year => 12,
        }
    }

    fn per_year(self) -> u8 {
        12 / self.months()
    }
}

/// The day of the month a province's reporting months start on (1–28; 1 = calendar).
/// 28 at most, so that every month has the day.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct CutOff(u8);

impl CutOff {
    pub const CALENDAR: CutOff = CutOff(1);

    pub fn new(day: u8) -> Result<CutOff, String> {
        if (1..=28).contains(&day) {
            Ok(CutOff(day))
        } else {
            Err("Ngày chốt số liệu phải từ 1 đến 28".into())
        }
    }

    pub fn day(self) -> u8 {
        self.0
    }
}

impl Default for CutOff {
    fn default() -> Self {
        CutOff::CALENDAR
    }
}

/// One reporting period: the `n`th month, quarter or half of `year` (1 for a year), as
/// its label names it, under a province's cut-off.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub struct Period {
    pub kind: Kind,
    pub year: i32,
    pub n: u8,
    pub cutoff: CutOff,
}

/// Years a period may fall in: wide enough for any report, narrow enough that every
/// date arithmetic below stays inside `time`'s range.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2999;

/// The day the reporting month `month` (1–12) of `year` starts on.
fn month_start(year: i32, month: u8, cutoff: CutOff) -> Date {
    let (y, m, d) = if cutoff.0 == 1 {
        (year, month, 1)
    } else if month == 1 {
        (year - 1, 12, cutoff.0)
    } else {
        (year, month - 1, cutoff.0)
    };
    let m = Month::try_from(m).unwrap_or(Month::January);
    Date::from_calendar_date(y, m, d).unwrap_or(Date::MIN)
}

impl Period {
    /// The period of `kind` that `d` falls in.
    pub fn containing(d: Date, kind: Kind, cutoff: CutOff) -> Period {
        let (mut year, mut month) = (d.year(), u8::from(d.month()));
        // From the cut-off day on, a date counts in the next reporting month.
        if cutoff.0 > 1 && d.day() >= cutoff.0 {
            if month == 12 {
                year += 1;
                month = 1;
            } else {
                month += 1;
            }
        }
        Period {
            kind,
            year,
            n: (month - 1) / kind.months() + 1,
            cutoff,
        }
    }

    /// The first and last reporting month (1–12) of the period.
    fn months(&self) -> (u8, u8) {
        let first = (self.n - 1) * self.kind.months() + 1;
        (first, first + self.kind.months() - 1)
    }

    pub fn first_day(&self) -> Date {
        month_start(self.year, self.months().0, self.cutoff)
    }

    /// The day before the next period starts.
    pub fn last_day(&self) -> Date {
        self.next().first_day() - Duration::days(1)
    }

    /// Whether `d` lies in the period.
    pub fn contains(&self, d: Date) -> bool {
        (self.first_day()..=self.last_day()).contains(&d)
    }

    pub fn previous(&self) -> Period {
        if self.n > 1 {
            Period {
                n: self.n - 1,
                ..*self
            }
        } else {
            Period {
                year: self.year - 1,
                n: self.kind.per_year(),
                ..*self
            }
        }
    }

    pub fn next(&self) -> Period {
        if self.n < self.kind.per_year() {
            Period {
                n: self.n + 1,
                ..*self
            }
        } else {
            Period {
                year: self.year + 1,
                n: 1,
                ..*self
            }
        }
    }

    /// The same period a year earlier (for "cùng kỳ năm trước").
    pub fn year_before(&self) -> Period {
        Period {
            year: self.year - 1,
            ..*self
        }
    }

    /// The key the contact counters file this period under: the calendar's as
    /// `contacts::model::periods_of` writes them (`M2026-12`, `Q2026-4`, `H2026-2`,
    /// `Y2026`), and with the cut-off day after an `@` for a province's own periods
    /// (`Q2027-1@15`: 15/12/2026–14/03/2027).
    pub fn counter_key(&self) -> String {
        let base = match self.kind {
            Kind::Month => format!("M{:04}-{:02}", self.year, self.n),
            Kind::Quarter => format!("Q{:04}-{}", self.year, self.n),
            Kind::Half => format!("H{:04}-{}", self.year, self.n),
            Kind::Year => format!("Y{:04}", self.year),
        };
        if self.cutoff == CutOff::CALENDAR {
            base
        } else {
            format!("{base}@{:02}", self.cutoff.day())
        }
    }

    /// `2026-M12`, `2026-Q4`, `2026-H1`, `2026`: what URLs and the CLI (`--period
    /// 2025-Q3`) carry.
    pub fn key(&self) -> String {
        match self.kind {
            Kind::Month => format!("{}-M{:02}", self.year, self.n),
            Kind::Quarter => format!("{}-Q{}", self.year, self.n),
            Kind::Half => format!("{}-H{}", self.year, self.n),
            Kind::Year => format!("{}", self.year),
        }
    }

    /// Reads a [`Period::key`] (the month also without its zero: `2026-M3`).
    pub fn parse(key: &str, cutoff: CutOff) -> Option<Period> {
        let key = key.trim();
        let (year, rest) = match key.split_once('-') {
            Some((y, r)) => (y, Some(r)),
            None => (key, None),
        };
        if year.len() != 4 {
            return None;
        }
        let year: i32 = year.parse().ok()?;
        if !YEARS.contains(&year) {
            return None;
        }
        let (kind, n) = match rest {
            None => (Kind::Year, 1),
            Some(r) => {
                let kind = match r.get(..1)?.to_ascii_uppercase().as_str() {
                    "M" => Kind::Month,
                    "Q" => Kind::Quarter,
                    "H" => Kind::Half,
                    _ => return None,
                };
                let n = r.get(1..)?;
                if n.is_empty() || n.len() > 2 || !n.bytes().all(|b| b.is_ascii_digit()) {
                    return None;
                }
                (kind, n.parse().ok()?)
            }
        };
        (1..=kind.per_year()).contains(&n).then_some(Period {
            kind,
            year,
            n,
            cutoff,
        })
    }

    /// "Tháng 12/2026", "Quý IV/2026", "6 tháng đầu năm 2026", "Năm 2026".
    pub fn label_vi(&self) -> String {
        match self.kind {
            Kind::Month => format!("Tháng {}/{}", self.n, self.year),
            Kind::Quarter => format!("Quý {}/{}", roman(self.n), self.year),
            Kind::Half if self.n == 1 => format!("6 tháng đầu năm {}", self.year),
            Kind::Half => format!("6 tháng cuối năm {}", self.year),
            Kind::Year => format!("Năm {}", self.year),
        }
    }

    /// "December 2026", "Q4 2026", "First half of 2026", "Year 2026".
    pub fn label_en(&self) -> String {
        const MONTHS: [&str; 12] = [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ];
        match self.kind {
            Kind::Month => format!("{} {}", MONTHS[usize::from(self.n - 1)], self.year),
            Kind::Quarter => format!("Q{} {}", self.n, self.year),
            Kind::Half if self.n == 1 => format!("First half of {}", self.year),
            Kind::Half => format!("Second half of {}", self.year),
            Kind::Year => format!("Year {}", self.year),
        }
    }

    pub fn label(&self, en: bool) -> String {
        if en {
            self.label_en()
        } else {
            self.label_vi()
        }
    }

    /// "15/11/2026 – 14/12/2026": the days the period covers, as forms show dates.
    pub fn range_vn(&self) -> String {
        format!("{} – {}", dmy(self.first_day()), dmy(self.last_day()))
    }

    /// The periods a page offers: for each kind, the one containing `today` and the one
    /// before it.
    pub fn choices(today: Date, cutoff: CutOff) -> Vec<Period> {
        let mut out = Vec::new();
        for kind in Kind::ALL {
            let now = Period::containing(today, kind, cutoff);
            out.push(now);
            out.push(now.previous());
        }
        out
    }
}

fn roman(n: u8) -> &'static str {
    ["I", "II", "III", "IV"][usize::from(n.clamp(1, 4) - 1)]
}

fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

#[cfg(test)]
mod tests;
