//! Petition dashboards as pure data: the counter keys a reporting period adds up, the
//! tally of counter events of one unit or category, the figures people read from it, and
//! the cells the public page hides so that no household can be recognised. No database
//! here: `store.rs` reads the counters and hands their rows to these functions.

use serde::Serialize;
use time::{Date, Month};

use crate::petitions::model::{self, Stage, DAYS_CAP};

/// Buckets of a stage's duration histogram: 0 to [`DAYS_CAP`] working days.
const BUCKETS: usize = DAYS_CAP as usize + 1;

/// The counter periods (`contacts::model::periods_of`: D, M, Q, H, Y) that cover every day
/// from `first` to `last` exactly once, the largest first: a reporting month that runs
/// from the 15th is a fortnight of days and a fortnight of days; a calendar quarter is one
/// key. Empty when `last` is before `first`.
pub fn counter_keys(first: Date, last: Date) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = first;
    'days: while d <= last {
        let (y, m) = (d.year(), u8::from(d.month()));
        if d.day() == 1 {
            for (months, key) in [
                (12u8, format!("Y{y:04}")),
                (6, format!("H{y:04}-{}", (m - 1) / 6 + 1)),
                (3, format!("Q{y:04}-{}", (m - 1) / 3 + 1)),
                (1, format!("M{y:04}-{m:02}")),
            ] {
                if (m - 1) % months != 0 {
                    continue;
                }
                let Some(after) = month_after(y, m, months) else {
                    continue;
                };
                if after.previous_day().is_some_and(|end| end <= last) {
                    out.push(key);
                    d = after;
                    continue 'days;
                }
            }
        }
        out.push(format!("D{}", crate::contacts::model::day_text(d)));
        match d.next_day() {
            Some(n) => d = n,
            None => break,
        }
    }
    out
}

/// The first day of the month `months` after month `m` of year `y`.
fn month_after(y: i32, m: u8, months: u8) -> Option<Date> {
    let total = i32::from(m) - 1 + i32::from(months);
    let month = Month::try_from(u8::try_from(total % 12 + 1).ok()?).ok()?;
    Date::from_calendar_date(y + total / 12, month, 1).ok()
}

fn stage_index(code: &str) -> Option<usize> {
    Stage::ALL.iter().position(|s| s.code() == code)
}

/// The counter events of one unit, category or both, over a period, added up.
#[derive(Debug, Clone)]
pub struct Tally {
    pub received: i64,
    pub forwarded: i64,
    pub returned: i64,
    pub assigned: i64,
    pub transferred: i64,
    pub declined: i64,
    /// Answers given, by an agency, a body beyond the commune or the cell itself (a
    /// reopened petition answered again counts again).
    pub answered: i64,
    pub delivered: i64,
    /// Closed by the household's own confirmation: the only way a petition is resolved.
    pub resolved: i64,
    pub reopened: i64,
    /// Stages that ended in the period on time and late, per [`Stage::ALL`].
    pub on_time: [i64; 4],
    pub late: [i64; 4],
    /// How many stages ended after so many working days, per stage.
    pub days: [[i64; BUCKETS]; 4],
}

impl Default for Tally {
    fn default() -> Self {
        Tally {
            received: 0,
            forwarded: 0,
            returned: 0,
            assigned: 0,
            transferred: 0,
            declined: 0,
            answered: 0,
            delivered: 0,
            resolved: 0,
            reopened: 0,
            on_time: [0; 4],
            late: [0; 4],
            days: [[0; BUCKETS]; 4],
        }
    }
}

impl Tally {
    /// Adds `n` of one counter event (`receive`, `on_time:cell`, `days:answer:07`…);
    /// events it does not know are left out.
    pub fn add(&mut self, event: &str, n: i64) {
        let mut parts = event.split(':');
        match (parts.next(), parts.next(), parts.next()) {
            (Some("on_time"), Some(stage), None) => {
                if let Some(i) = stage_index(stage) {
                    self.on_time[i] += n;
                }
            }
            (Some("late"), Some(stage), None) => {
                if let Some(i) = stage_index(stage) {
                    self.late[i] += n;
                }
            }
            (Some("days"), Some(stage), Some(days)) => {
                if let (Some(i), Ok(d)) = (stage_index(stage), days.parse::<i64>()) {
                    self.days[i][d.clamp(0, DAYS_CAP) as usize] += n;
                }
            }
            (Some(action), None, None) => match model::Kind::parse(action) {
                Some(model::Kind::Receive) => self.received += n,
                Some(model::Kind::Forward) => self.forwarded += n,
                Some(model::Kind::Return) => self.returned += n,
                Some(model::Kind::Assign) => self.assigned += n,
                Some(model::Kind::Transfer) => self.transferred += n,
                Some(model::Kind::Decline) => self.declined += n,
                Some(model::Kind::Answer | model::Kind::AnswerAtCell) => self.answered += n,
                Some(model::Kind::Deliver) => self.delivered += n,
                Some(model::Kind::Confirm) => self.resolved += n,
                Some(model::Kind::Reopen) => self.reopened += n,
                None => {}
            },
            _ => {}
        }
    }

    pub fn merge(&mut self, o: &Tally) {
        self.received += o.received;
        self.forwarded += o.forwarded;
        self.returned += o.returned;
        self.assigned += o.assigned;
        self.transferred += o.transferred;
        self.declined += o.declined;
        self.answered += o.answered;
        self.delivered += o.delivered;
        self.resolved += o.resolved;
        self.reopened += o.reopened;
        for i in 0..4 {
            self.on_time[i] += o.on_time[i];
            self.late[i] += o.late[i];
            for d in 0..BUCKETS {
                self.days[i][d] += o.days[i][d];
            }
        }
    }

    /// The figures people read, with what is open and overdue today (`petition_open`).
    pub fn figures(&self, open: Open) -> Figures {
        let on_time: i64 = self.on_time.iter().sum();
        let late: i64 = self.late.iter().sum();
        Figures {
            received: self.received,
            forwarded: self.forwarded,
            transferred: self.transferred,
            answered: self.answered,
            resolved: self.resolved,
            reopened: self.reopened,
            open: open.open,
            overdue: open.overdue,
            on_time,
            late,
            on_time_permille: share(on_time, on_time + late),
        }
    }

    /// How each stage went: the stages ended in the period, on time or late, and the
    /// median working days, next to the deadline (`deadlines` per [`Stage::ALL`]).
    pub fn stages(&self, deadlines: [i64; 4]) -> Vec<StageLine> {
        Stage::ALL
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let hist: Vec<(i64, i64)> = self.days[i]
                    .iter()
                    .enumerate()
                    .map(|(d, n)| (d as i64, *n))
                    .collect();
                StageLine {
                    stage: *s,
                    ended: self.on_time[i] + self.late[i],
                    on_time: self.on_time[i],
                    late: self.late[i],
                    on_time_permille: share(self.on_time[i], self.on_time[i] + self.late[i]),
                    median_tenths: model::median(&hist).map(|m| (m * 10.0).round() as i64),
                    deadline_days: deadlines[i],
                }
            })
            .collect()
    }
}

/// `part` of `whole` in per mille, rounded; `None` when there is no whole.
pub fn share(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part.clamp(0, whole) * 1000 + whole / 2) / whole)
}

/// Open petitions and those past their deadline, today.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Open {
    pub open: i64,
    pub overdue: i64,
}

impl Open {
    pub fn merge(&mut self, o: Open) {
        self.open += o.open;
        self.overdue += o.overdue;
    }
}

/// The figures of one unit or category for a period.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Figures {
    /// Petitions recorded in the period.
    pub received: i64,
    /// Forwarded by the cell to the commune.
    pub forwarded: i64,
    /// Sent by the commune beyond itself, to a named body.
    pub transferred: i64,
    /// Answers given (by the cell, an agency, or a body beyond the commune).
    pub answered: i64,
    /// Closed by the household's confirmation.
    pub resolved: i64,
    /// Answers the household did not accept.
    pub reopened: i64,
    /// Open today (waiting on the cell, the commune, an agency or the member).
    pub open: i64,
    /// Open today and past the deadline of the stage they are at.
    pub overdue: i64,
    /// Stages (cell, commune, answer, delivery) that ended in the period on time or late.
    pub on_time: i64,
    pub late: i64,
    /// `on_time` of the stages ended, in per mille; absent when none ended.
    pub on_time_permille: Option<i64>,
}

impl Figures {
    /// "87,5%", or "—" when no stage ended.
    pub fn on_time_percent(&self) -> String {
        self.on_time_permille
            .map_or_else(|| "—".to_owned(), crate::web::format::percent)
    }
}

/// How one stage went over the period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct StageLine {
    #[schema(value_type = String)]
    pub stage: Stage,
    /// Stages ended in the period, on time and late.
    pub ended: i64,
    pub on_time: i64,
    pub late: i64,
    pub on_time_permille: Option<i64>,
    /// The median of the working days they took, in tenths of a day (25 = 2,5 days).
    pub median_tenths: Option<i64>,
    /// The province's deadline for the stage, in working days.
    pub deadline_days: i64,
}

impl StageLine {
    pub fn label_vi(&self) -> &'static str {
        self.stage.label_vi()
    }

    pub fn median(&self) -> String {
        self.median_tenths
            .map_or_else(|| "—".to_owned(), crate::web::format::tenths)
    }

    pub fn on_time_percent(&self) -> String {
        self.on_time_permille
            .map_or_else(|| "—".to_owned(), crate::web::format::percent)
    }
}

/// The smallest count the public page shows as it is: fewer petitions than this, in a
/// village or a category, could point at the household that made them.
pub const PUBLIC_MIN: i64 = 5;

/// A count on the public page: shown, or hidden ("*").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Cell {
    Shown(i64),
    Hidden,
}

impl Cell {
    pub fn text(&self) -> String {
        match self {
            Cell::Shown(n) => crate::web::format::number(*n),
            Cell::Hidden => "*".to_owned(),
        }
    }

    pub fn is_hidden(&self) -> bool {
        *self == Cell::Hidden
    }
}

/// One column of a public table and its total, with the small counts hidden: every count
/// from 1 to [`PUBLIC_MIN`] − 1, the total too when it is that small, and when that hides a
/// single count of the column while the total shows, the smallest other count as well, so
/// that no hidden count is the total less the others. Zero is shown: it names nobody. Every
/// hidden cell reads the same, so nobody can tell which one was the small one.
pub fn protect(column: &[i64], total: i64) -> (Vec<Cell>, Cell) {
    let small = |n: i64| (1..PUBLIC_MIN).contains(&n);
    let mut hidden: Vec<bool> = column.iter().map(|n| small(*n)).collect();
    let total_hidden = small(total);
    if !total_hidden && hidden.iter().filter(|h| **h).count() == 1 {
        let next = column
            .iter()
            .enumerate()
            .filter(|(i, n)| !hidden[*i] && **n > 0)
            .min_by_key(|(i, n)| (**n, *i))
            .map(|(i, _)| i);
        if let Some(i) = next {
            hidden[i] = true;
        }
    }
    let cells = column
        .iter()
        .zip(hidden)
        .map(|(n, h)| if h { Cell::Hidden } else { Cell::Shown(*n) })
        .collect();
    let total = if total_hidden {
        Cell::Hidden
    } else {
        Cell::Shown(total)
    };
    (cells, total)
}

/// A row of the public page: received, answered, resolved, and the share of stages on
/// time (only with at least [`PUBLIC_MIN`] stages ended).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicRow {
    pub name: String,
    pub received: Cell,
    pub answered: Cell,
    pub resolved: Cell,
    pub on_time: String,
}

/// A public table: one row per category or village, and the total.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PublicTable {
    pub rows: Vec<PublicRow>,
    pub total: PublicRow,
}

impl PublicTable {
    pub fn any_hidden(&self) -> bool {
        self.rows
            .iter()
            .chain(std::iter::once(&self.total))
            .any(|r| r.received.is_hidden() || r.answered.is_hidden() || r.resolved.is_hidden())
    }
}

fn public_share(f: &Figures) -> String {
    if f.on_time + f.late >= PUBLIC_MIN {
        f.on_time_percent()
    } else {
        "—".to_owned()
    }
}

/// The public table of `rows` (name, figures) and their `total`, each column protected.
pub fn public_table(rows: &[(String, Figures)], total: &Figures, total_name: &str) -> PublicTable {
    let column = |get: fn(&Figures) -> i64| {
        let values: Vec<i64> = rows.iter().map(|(_, f)| get(f)).collect();
        protect(&values, get(total))
    };
    let (received, received_total) = column(|f| f.received);
    let (answered, answered_total) = column(|f| f.answered);
    let (resolved, resolved_total) = column(|f| f.resolved);
    PublicTable {
        rows: rows
            .iter()
            .enumerate()
            .map(|(i, (name, f))| PublicRow {
                name: name.clone(),
                received: received[i],
                answered: answered[i],
                resolved: resolved[i],
                on_time: public_share(f),
            })
            .collect(),
        total: PublicRow {
            name: total_name.to_owned(),
            received: received_total,
            answered: answered_total,
            resolved: resolved_total,
            on_time: public_share(total),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::collections::BTreeSet;
    use time::macros::date;

    /// The days a counter key stands for, from the key alone.
    fn days_of(key: &str) -> Vec<Date> {
        let day = |s: &str| crate::contacts::model::parse_day(s).unwrap();
        let (first, months) = match &key[..1] {
            "D" => return vec![day(&key[1..])],
            "M" => (day(&format!("{}-01", &key[1..])), 1),
            "Q" => {
                let q: u8 = key[6..].parse().unwrap();
                (day(&format!("{}-{:02}-01", &key[1..5], (q - 1) * 3 + 1)), 3)
            }
            "H" => {
                let h: u8 = key[6..].parse().unwrap();
                (day(&format!("{}-{:02}-01", &key[1..5], (h - 1) * 6 + 1)), 6)
            }
            _ => (day(&format!("{}-01-01", &key[1..5])), 12),
        };
        let end = month_after(first.year(), u8::from(first.month()), months).unwrap();
        let mut out = Vec::new();
        let mut d = first;
        while d < end {
            out.push(d);
            d = d.next_day().unwrap();
        }
        out
    }

    #[test]
    fn a_calendar_period_is_one_key() {
        assert_eq!(
            counter_keys(date!(2026 - 01 - 01), date!(2026 - 03 - 31)),
            ["Q2026-1"]
        );
        assert_eq!(
            counter_keys(date!(2026 - 01 - 01), date!(2026 - 12 - 31)),
            ["Y2026"]
        );
        assert_eq!(
            counter_keys(date!(2024 - 02 - 01), date!(2024 - 02 - 29)),
            ["M2024-02"]
        );
    }

    #[test]
    fn a_cut_off_month_adds_up_days() {
        // Cut-off 15: the "month of April 2026" is 15/03–14/04.
        let keys = counter_keys(date!(2026 - 03 - 15), date!(2026 - 04 - 14));
        assert_eq!(keys.len(), 17 + 14);
        assert_eq!(keys[0], "D2026-03-15");
        assert_eq!(keys[30], "D2026-04-14");
        // Its year, 15/12/2025–14/12/2026: days, a half, a quarter, two months, days.
        let keys = counter_keys(date!(2025 - 12 - 15), date!(2026 - 12 - 14));
        assert!(keys.contains(&"H2026-1".to_owned()) && keys.contains(&"Q2026-3".to_owned()));
        assert!(keys.contains(&"M2026-10".to_owned()) && keys.contains(&"M2026-11".to_owned()));
        assert_eq!(keys.len(), 17 + 1 + 1 + 2 + 14);
        assert!(counter_keys(date!(2026 - 03 - 02), date!(2026 - 03 - 01)).is_empty());
    }

    proptest! {
        #[test]
        fn keys_cover_every_day_once(start in 0i64..3000, len in 0i64..800) {
            let first = date!(2024 - 01 - 01) + time::Duration::days(start);
            let last = first + time::Duration::days(len);
            let keys = counter_keys(first, last);
            let mut seen = BTreeSet::new();
            for k in &keys {
                // Each key is one the counters write for its days.
                let d = days_of(k);
                prop_assert!(crate::contacts::model::periods_of(d[0]).contains(k), "{}", k);
                for day in d {
                    prop_assert!(seen.insert(day), "{} twice", day);
                }
            }
            prop_assert_eq!(seen.len() as i64, len + 1);
            prop_assert_eq!(seen.first().copied(), Some(first));
            prop_assert_eq!(seen.last().copied(), Some(last));
        }
    }

    #[test]
    fn a_tally_reads_every_event() {
        let mut t = Tally::default();
        for (e, n) in [
            ("receive", 4),
            ("forward", 3),
            ("answer", 2),
            ("answer_at_cell", 1),
            ("confirm", 2),
            ("reopen", 1),
            ("transfer", 1),
            ("on_time:cell", 3),
            ("late:cell", 1),
            ("late:answer", 1),
            ("days:cell:01", 2),
            ("days:cell:05", 2),
            ("days:answer:99", 1),
            ("something_new", 7),
            ("days:nowhere:03", 7),
        ] {
            t.add(e, n);
        }
        let f = t.figures(Open {
            open: 2,
            overdue: 1,
        });
        assert_eq!(
            (
                f.received,
                f.forwarded,
                f.answered,
                f.resolved,
                f.reopened,
                f.transferred
            ),
            (4, 3, 3, 2, 1, 1)
        );
        assert_eq!((f.on_time, f.late, f.on_time_permille), (3, 2, Some(600)));
        assert_eq!((f.open, f.overdue), (2, 1));
        let stages = t.stages([3, 5, 15, 5]);
        assert_eq!(stages[0].ended, 4);
        // Two stages of 1 day and two of 5: the median is 3.
        assert_eq!(stages[0].median_tenths, Some(30));
        // A duration past the cap counts in the last bucket.
        assert_eq!(stages[2].median_tenths, Some(DAYS_CAP * 10));
        assert_eq!(stages[1].median_tenths, None);
        assert_eq!(stages[1].on_time_percent(), "—");
        let mut twice = t.clone();
        twice.merge(&t);
        assert_eq!(twice.figures(Open::default()).received, 8);
        assert_eq!(twice.stages([3, 5, 15, 5])[0].median_tenths, Some(30));
    }

    #[test]
    fn small_counts_are_hidden_and_cannot_be_worked_out() {
        use Cell::{Hidden as H, Shown as S};
        // Nothing small: everything shows, zero too.
        assert_eq!(protect(&[5, 0, 9], 14), (vec![S(5), S(0), S(9)], S(14)));
        // One small count would be the total less the others: the next smallest hides too.
        assert_eq!(protect(&[2, 7, 9], 18), (vec![H, H, S(9)], S(18)));
        // Two small counts hide each other.
        assert_eq!(protect(&[2, 3, 9], 14), (vec![H, H, S(9)], S(14)));
        // A small total hides with its counts.
        assert_eq!(protect(&[3, 0], 3), (vec![H, S(0)], H));
        assert_eq!(protect(&[0, 0], 0), (vec![S(0), S(0)], S(0)));
    }

    proptest! {
        #[test]
        fn no_shown_figure_gives_a_hidden_small_one_away(column in proptest::collection::vec(0i64..12, 1..8)) {
            let total: i64 = column.iter().sum();
            let (cells, t) = protect(&column, total);
            let hidden: Vec<usize> = (0..column.len()).filter(|i| cells[*i] == Cell::Hidden).collect();
            for (i, n) in column.iter().enumerate() {
                if (1..PUBLIC_MIN).contains(n) {
                    prop_assert_eq!(cells[i], Cell::Hidden);
                }
            }
            // With the total shown, a hidden count is never alone in its column.
            if t != Cell::Hidden {
                prop_assert!(hidden.len() != 1, "{:?} → {:?}", column, cells);
            }
        }
    }

    #[test]
    fn the_public_table_protects_each_column() {
        let f = |received, answered, resolved| Figures {
            received,
            answered,
            resolved,
            on_time: received,
            late: 0,
            on_time_permille: share(received, received),
            ..Figures::default()
        };
        let rows = vec![("A".to_owned(), f(12, 6, 2)), ("B".to_owned(), f(8, 6, 6))];
        let t = public_table(&rows, &f(20, 12, 8), "Tổng");
        assert_eq!(t.rows[0].received, Cell::Shown(12));
        assert_eq!(t.rows[0].resolved, Cell::Hidden);
        assert_eq!(t.rows[1].resolved, Cell::Hidden, "else 8 − 6 gives A away");
        assert_eq!(t.total.resolved, Cell::Shown(8));
        assert_eq!(t.rows[0].on_time, "100,0%");
        assert!(t.any_hidden());
        let few = public_table(&[("A".to_owned(), f(3, 0, 0))], &f(3, 0, 0), "Tổng");
        assert_eq!(few.rows[0].on_time, "—", "three stages say nothing");
    }
}
