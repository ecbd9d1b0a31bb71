use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

use super::*;

fn cut(d: u8) -> CutOff {
    CutOff::new(d).unwrap()
}

#[test]
fn cut_off_15_runs_from_the_15th_to_the_14th() {
    let c = cut(15);
    let dec = Period::containing(date!(2026 - 12 - 14), Kind::Month, c);
    assert_eq!(dec.label_vi(), "Tháng 12/2026");
    assert_eq!(dec.first_day(), date!(2026 - 11 - 15));
    assert_eq!(dec.last_day(), date!(2026 - 12 - 14));
    assert_eq!(dec.range_vn(), "15/11/2026 – 14/12/2026");
    // From the 15th on, the date counts in the next month, quarter and year.
    let jan = Period::containing(date!(2026 - 12 - 15), Kind::Month, c);
    assert_eq!(jan.label_vi(), "Tháng 1/2027");
    let q = Period::containing(date!(2026 - 12 - 15), Kind::Quarter, c);
    assert_eq!(q.label_vi(), "Quý I/2027");
    assert_eq!(q.first_day(), date!(2026 - 12 - 15));
    assert_eq!(q.last_day(), date!(2027 - 03 - 14));
    let y = Period::containing(date!(2026 - 06 - 01), Kind::Year, c);
    assert_eq!(
        (y.first_day(), y.last_day()),
        (date!(2025 - 12 - 15), date!(2026 - 12 - 14))
    );
    let h = Period::containing(date!(2026 - 06 - 14), Kind::Half, c);
    assert_eq!(h.label_vi(), "6 tháng đầu năm 2026");
    assert_eq!(h.last_day(), date!(2026 - 06 - 14));
    let h2 = Period::containing(date!(2026 - 06 - 15), Kind::Half, c);
    assert_eq!(h2.label_vi(), "6 tháng cuối năm 2026");
}

#[test]
fn calendar_periods_and_labels() {
    let c = CutOff::CALENDAR;
    let q = Period::containing(date!(2026 - 11 - 30), Kind::Quarter, c);
    assert_eq!(q.label_vi(), "Quý IV/2026");
    assert_eq!(q.label_en(), "Q4 2026");
    assert_eq!(
        (q.first_day(), q.last_day()),
        (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
    );
    let m = Period::containing(date!(2024 - 02 - 10), Kind::Month, c);
    assert_eq!(m.last_day(), date!(2024 - 02 - 29));
    assert_eq!(m.label_en(), "February 2024");
    let y = Period::containing(date!(2026 - 01 - 01), Kind::Year, c);
    assert_eq!(
        (y.label_vi(), y.label_en()),
        ("Năm 2026".into(), "Year 2026".into())
    );
    let h = Period::containing(date!(2026 - 03 - 01), Kind::Half, c);
    assert_eq!(h.label_en(), "First half of 2026");
    assert_eq!(h.next().label_en(), "Second half of 2026");
    assert_eq!(h.previous().label_vi(), "6 tháng cuối năm 2025");
}

#[test]
fn keys_read_back_and_nonsense_is_refused() {
    let c = cut(15);
    for (key, label) in [
        ("2025-Q3", "Quý III/2025"),
        ("2026-M12", "Tháng 12/2026"),
        ("2026-m3", "Tháng 3/2026"),
        ("2026-H2", "6 tháng cuối năm 2026"),
        ("2026", "Năm 2026"),
    ] {
        assert_eq!(Period::parse(key, c).unwrap().label_vi(), label, "{key}");
    }
    for bad in [
        "", "2026-Q5", "2026-Q0", "2026-M13", "26-Q1", "2026-X1", "2026-Q", "2026-Q+1", "abcd",
    ] {
        assert!(Period::parse(bad, c).is_none(), "{bad}");
    }
    assert!(CutOff::new(0).is_err() && CutOff::new(29).is_err());
}

fn any_date() -> impl Strategy<Value = Date> {
    (2000i32..2100, 1u16..=365).prop_map(|(y, d)| Date::from_ordinal_date(y, d).unwrap())
}

fn any_kind() -> impl Strategy<Value = Kind> {
    prop::sample::select(Kind::ALL.to_vec())
}

proptest! {
    #[test]
    fn a_date_lies_in_the_period_containing_it(d in any_date(), k in any_kind(), c in 1u8..=28) {
        let p = Period::containing(d, k, cut(c));
        prop_assert!(p.first_day() <= d && d <= p.last_day());
        prop_assert!(p.contains(d));
        prop_assert_eq!(Period::containing(p.first_day(), k, cut(c)), p);
        prop_assert_eq!(Period::containing(p.last_day(), k, cut(c)), p);
    }

    #[test]
    fn periods_tile_the_calendar(d in any_date(), k in any_kind(), c in 1u8..=28) {
        // No gap and no overlap: each period starts the day after the one before ends.
        let p = Period::containing(d, k, cut(c));
        prop_assert_eq!(p.next().first_day(), p.last_day() + Duration::days(1));
        prop_assert_eq!(p.previous().last_day(), p.first_day() - Duration::days(1));
        prop_assert!(p.first_day() <= p.last_day());
        // The day before a period is in the previous one.
        prop_assert_eq!(Period::containing(p.first_day() - Duration::days(1), k, cut(c)), p.previous());
    }

    #[test]
    fn next_and_previous_undo_each_other(d in any_date(), k in any_kind(), c in 1u8..=28) {
        let p = Period::containing(d, k, cut(c));
        prop_assert_eq!(p.next().previous(), p);
        prop_assert_eq!(p.previous().next(), p);
        prop_assert_eq!(Period::parse(&p.key(), cut(c)), Some(p));
    }

    #[test]
    fn longer_periods_are_made_of_months(d in any_date(), k in any_kind(), c in 1u8..=28) {
        let p = Period::containing(d, k, cut(c));
        let first = Period::containing(p.first_day(), Kind::Month, cut(c));
        let mut last = first;
        for _ in 1..k.months() {
            last = last.next();
        }
        prop_assert_eq!(p.first_day(), first.first_day());
        prop_assert_eq!(p.last_day(), last.last_day());
        let days = (p.last_day() - p.first_day()).whole_days() + 1;
        let (lo, hi) = match k {
            Kind::Month => (28, 31),
            Kind::Quarter => (89, 92),
            Kind::Half => (181, 184),
            Kind::Year => (365, 366),
        };
        prop_assert!((lo..=hi).contains(&days), "{} days", days);
    }
}
