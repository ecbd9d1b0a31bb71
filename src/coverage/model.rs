//! Coverage as pure data: reporting periods, one line of figures per unit or member, and
//! the totals. Aggregates only: the lines name units, and members only for those who may
//! see members (DESIGN.md §3); no line ever names a household.

use serde::Serialize;
use time::{Date, Month};

/// The length of a reporting period.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PeriodKind {
    Month,
    Quarter,
    Half,
    Year,
}

/// A calendar reporting period; its key is the one the contact counters use
/// (`contacts::model::periods_of`): M2026-12, Q2026-4, H2026-2, Y2026.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub year: i32,
    /// Month 1–12, quarter 1–4, half 1–2; 1 for a year.
    pub n: u8,
}

impl Period {
    pub fn containing(d: Date, kind: PeriodKind) -> Period {
        let m = u8::from(d.month());
        let n = match kind {
            PeriodKind::Month => m,
            PeriodKind::Quarter => (m - 1) / 3 + 1,
            PeriodKind::Half => (m - 1) / 6 + 1,
            PeriodKind::Year => 1,
        };
        Period {
            kind,
            year: d.year(),
            n,
        }
    }

    fn per_year(kind: PeriodKind) -> u8 {
        match kind {
            PeriodKind::Month => 12,
            PeriodKind::Quarter => 4,
            PeriodKind::Half => 2,
            PeriodKind::Year => 1,
        }
    }

    pub fn key(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("M{:04}-{:02}", self.year, self.n),
            PeriodKind::Quarter => format!("Q{:04}-{}", self.year, self.n),
            PeriodKind::Half => format!("H{:04}-{}", self.year, self.n),
            PeriodKind::Year => format!("Y{:04}", self.year),
        }
    }

    pub fn parse(key: &str) -> Option<Period> {
        let kind = match key.get(..1)? {
            "M" => PeriodKind::Month,
            "Q" => PeriodKind::Quarter,
            "H" => PeriodKind::Half,
            "Y" => PeriodKind::Year,
            _ => return None,
        };
        let rest = key.get(1..)?;
        let (year, n) = match kind {
            PeriodKind::Year => (rest.parse().ok()?, 1),
            _ => {
                let (y, n) = rest.split_once('-')?;
                (y.parse().ok()?, n.parse().ok()?)
            }
        };
        let p = Period { kind, year, n };
        ((1..=Self::per_year(kind)).contains(&n) && (2000..=2100).contains(&year) && p.key() == key)
            .then_some(p)
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
                n: Self::per_year(self.kind),
                ..*self
            }
        }
    }

    /// The first and last day of the period.
    pub fn days(&self) -> (Date, Date) {
        let months = 12 / Self::per_year(self.kind);
        let first_month = (self.n - 1) * months + 1;
        let last_month = first_month + months - 1;
        let month = |m: u8| Month::try_from(m).unwrap_or(Month::January);
        let start = Date::from_calendar_date(self.year, month(first_month), 1).unwrap_or(Date::MIN);
        let last_day = time::util::days_in_month(month(last_month), self.year);
        let end =
            Date::from_calendar_date(self.year, month(last_month), last_day).unwrap_or(Date::MAX);
        (start, end)
    }

    /// As the Party's reports write it: "Quý IV/2026", "Tháng 12/2026".
    pub fn label_vi(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("Tháng {}/{}", self.n, self.year),
            PeriodKind::Quarter => format!(
                "Quý {}/{}",
                ["I", "II", "III", "IV"][usize::from(self.n - 1)],
                self.year
            ),
            PeriodKind::Half if self.n == 1 => format!("6 tháng đầu năm {}", self.year),
            PeriodKind::Half => format!("6 tháng cuối năm {}", self.year),
            PeriodKind::Year => format!("Năm {}", self.year),
        }
    }

    pub fn label_en(&self) -> String {
        match self.kind {
            PeriodKind::Month => format!("{:02}/{}", self.n, self.year),
            PeriodKind::Quarter => format!("Q{} {}", self.n, self.year),
            PeriodKind::Half => format!("H{} {}", self.n, self.year),
            PeriodKind::Year => format!("{}", self.year),
        }
    }

    /// The periods a person picks from: this and the last two months, this and the last
    /// quarter, this and the last half-year, this and the last year.
    pub fn choices(today: Date) -> Vec<Period> {
        let mut out = Vec::new();
        for kind in [
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Half,
            PeriodKind::Year,
        ] {
            let now = Period::containing(today, kind);
            out.push(now);
            out.push(now.previous());
            if kind == PeriodKind::Month {
                out.push(now.previous().previous());
            }
        }
        out
    }
}

/// What a line stands for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Commune,
    Village,
    Member,
}

/// The figures of one commune, village or member for a period. Every figure comes from
/// the counters, except a member's, which are counted within their village.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct Line {
    pub id: String,
    pub name: String,
    /// Active households (for a member: those assigned to them).
    pub households: i64,
    /// Active households with a member in an approved plan.
    pub assigned: i64,
    /// Distinct households contacted in the period, and in the period before.
    pub reached: i64,
    pub reached_before: i64,
    pub contacts: i64,
    /// Households whose latest contact is at most 30, 60, 90 days old.
    pub recent_30: i64,
    pub recent_60: i64,
    pub recent_90: i64,
    /// Active members, and those with no contact in the chosen number of days.
    pub members: i64,
    pub inactive_members: i64,
    /// Whether a line below this one can be opened (drill-down).
    pub drill: bool,
}

impl Line {
    pub fn unassigned(&self) -> i64 {
        (self.households - self.assigned).max(0)
    }

    /// `part` of `whole` in per mille, for bars and percentages without floats.
    pub fn permille(part: i64, whole: i64) -> i64 {
        if whole <= 0 {
            0
        } else {
            (part.clamp(0, whole) * 1000 + whole / 2) / whole
        }
    }

    /// The share of households reached in the period.
    pub fn reach_permille(&self) -> i64 {
        Self::permille(self.reached, self.households)
    }

    /// "72,5%": Vietnamese decimal comma.
    pub fn percent(permille: i64) -> String {
        crate::web::format::percent(permille)
    }

    pub fn reach_percent(&self) -> String {
        Self::percent(self.reach_permille())
    }

    /// The sum of lines: every figure adds up, since a household belongs to one village
    /// and to at most one member.
    pub fn total(lines: &[Line], name: &str) -> Line {
        let mut t = Line {
            name: name.to_owned(),
            ..Line::default()
        };
        for l in lines {
            t.households += l.households;
            t.assigned += l.assigned;
            t.reached += l.reached;
            t.reached_before += l.reached_before;
            t.contacts += l.contacts;
            t.recent_30 += l.recent_30;
            t.recent_60 += l.recent_60;
            t.recent_90 += l.recent_90;
            t.members += l.members;
            t.inactive_members += l.inactive_members;
        }
        t
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_match_the_counters_keys() {
        let d = date!(2026 - 08 - 09);
        let keys: Vec<String> = [
            PeriodKind::Month,
            PeriodKind::Quarter,
            PeriodKind::Half,
            PeriodKind::Year,
        ]
        .iter()
        .map(|k| Period::containing(d, *k).key())
        .collect();
        // The same keys `contacts::model::periods_of` writes, day aside.
        assert_eq!(keys, crate::contacts::model::periods_of(d)[1..].to_vec());
    }

    #[test]
    fn keys_parse_back_and_nothing_else_does() {
        for p in Period::choices(date!(2026 - 01 - 15)) {
            assert_eq!(Period::parse(&p.key()), Some(p));
        }
        for bad in [
            "",
            "Q2026-5",
            "M2026-13",
            "M2026-1",
            "X2026",
            "Y26",
            "Q2026",
            "D2026-01-01",
        ] {
            assert_eq!(Period::parse(bad), None, "{bad}");
        }
    }

    #[test]
    fn the_period_before_crosses_the_year() {
        let q1 = Period::parse("Q2026-1").unwrap();
        assert_eq!(q1.previous().key(), "Q2025-4");
        assert_eq!(Period::parse("Y2026").unwrap().previous().key(), "Y2025");
        assert_eq!(q1.days(), (date!(2026 - 01 - 01), date!(2026 - 03 - 31)));
        assert_eq!(
            Period::parse("H2024-1").unwrap().days().1,
            date!(2024 - 06 - 30)
        );
        assert_eq!(
            Period::parse("M2024-02").unwrap().days().1,
            date!(2024 - 02 - 29)
        );
        assert_eq!(Period::parse("Q2026-4").unwrap().label_vi(), "Quý IV/2026");
    }

    #[test]
    fn shares_round_and_never_pass_the_whole() {
        assert_eq!(Line::permille(1, 3), 333);
        assert_eq!(Line::permille(2, 3), 667);
        assert_eq!(Line::permille(5, 0), 0);
        assert_eq!(Line::permille(7, 5), 1000);
        assert_eq!(Line::percent(725), "72,5%");
    }
}
