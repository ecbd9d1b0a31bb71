use proptest::prelude::*;
use time::macros::date;
use time::{Date, Duration};

use super::*;

#[test]
fn amounts_are_typed_with_or_without_dots() {
    assert_eq!(parse_amount("1.302.000"), Ok(1_302_000));
    assert_eq!(parse_amount("1302000"), Ok(1_302_000));
    assert_eq!(parse_amount("1 302 000"), Ok(1_302_000));
    assert_eq!(parse_amount(" 1.302.000 đ "), Ok(1_302_000));
    assert_eq!(parse_amount("500.000đ"), Ok(500_000));
    assert_eq!(parse_amount("999"), Ok(999));
    for bad in [
        "",
        "0",
        "-5",
        "1,5",
        "1.30.000",
        "1.3020.000",
        "abc",
        "1..000",
        ".000",
        "1.000.000.000.000.001",
    ] {
        assert!(parse_amount(bad).is_err(), "{bad}");
    }
    assert_eq!(money(1_302_000), "1.302.000 đ");
}

fn input() -> EntryInput {
    EntryInput {
        direction: "expense".into(),
        entry_on: "05/03/2026".into(),
        source: "commune".into(),
        use_code: "launch".into(),
        amount: "1.302.000".into(),
        description: "Chi hội nghị ra mắt, CT 01".into(),
        ..Default::default()
    }
}

#[test]
fn an_expense_needs_a_use_and_a_receipt_has_none() {
    let d = check(&input(), date!(2026 - 03 - 05)).unwrap();
    assert_eq!(
        (d.use_code, d.amount, d.effect()),
        (Some(Use::Launch), 1_302_000, -1_302_000)
    );
    let Err(AppError::Validation(e)) = check(
        &EntryInput {
            use_code: String::new(),
            ..input()
        },
        date!(2026 - 03 - 05),
    ) else {
        panic!()
    };
    assert_eq!(e[0].field, "use_code");
    let r = check(
        &EntryInput {
            direction: "receipt".into(),
            event_id: "x".into(),
            ..input()
        },
        date!(2026 - 03 - 05),
    )
    .unwrap();
    assert_eq!(r.effect(), 1_302_000);
    assert_eq!((r.use_code, r.event_id), (None, None));
}

#[test]
fn every_bad_field_is_named() {
    let bad = EntryInput {
        direction: "gift".into(),
        entry_on: "06/03/2026".into(),
        source: "bank".into(),
        amount: "1,5".into(),
        description: " ".into(),
        ..input()
    };
    let Err(AppError::Validation(e)) = check(&bad, date!(2026 - 03 - 05)) else {
        panic!()
    };
    let fields: Vec<&str> = e.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        ["direction", "entry_on", "source", "amount", "description"]
    );
}

fn posted(id: &str, on: Date, direction: Direction, amount: i64) -> Posted {
    Posted {
        id: id.into(),
        entry_on: on,
        direction,
        source: Source::Commune,
        use_code: None,
        event_id: None,
        amount,
        description: "x".into(),
        reverses: None,
        reason: None,
    }
}

#[test]
fn a_reversal_undoes_its_original_once() {
    let p = posted("a", date!(2026 - 03 - 01), Direction::Receipt, 500_000);
    let r = reversal(&p, None, None, "ghi nhầm số tiền", date!(2026 - 03 - 05)).unwrap();
    assert_eq!(r.effect(), -500_000);
    assert_eq!(r.direction, Direction::Receipt);
    assert!(r.description.starts_with("Đảo bút toán ngày 01/03/2026"));
    assert!(reversal(&p, None, None, "sai", date!(2026 - 03 - 05)).is_err());
    assert!(reversal(
        &p,
        Some("b"),
        None,
        "ghi nhầm số tiền",
        date!(2026 - 03 - 05)
    )
    .is_err());
    let mut rp = posted("b", date!(2026 - 03 - 05), Direction::Receipt, 500_000);
    rp.reverses = Some("a".into());
    assert!(reversal(&rp, None, None, "ghi nhầm số tiền", date!(2026 - 03 - 05)).is_err());
}

#[test]
fn a_back_dated_expense_cannot_spend_later_money() {
    let d = |n| date!(2026 - 03 - 01) + Duration::days(n);
    let ledger = [(d(0), 1_000_000), (d(5), 2_000_000)];
    assert_eq!(shortfall(&ledger, d(1), -1_000_000), None);
    assert_eq!(shortfall(&ledger, d(1), -1_300_000), Some(300_000));
    assert_eq!(shortfall(&ledger, d(6), -3_000_000), None);
    // An expense before a later one that already spent the money.
    let ledger = [(d(0), 1_000_000), (d(5), -800_000)];
    assert_eq!(shortfall(&ledger, d(1), -300_000), Some(100_000));
    assert_eq!(shortfall(&ledger, d(1), 10), None);
    let msg = overdraft_message(Source::Commune, -1_300_000, 300_000);
    assert!(
        msg.contains("Ngân sách xã")
            && msg.contains("1.000.000 đ")
            && msg.contains("thiếu 300.000 đ"),
        "{msg}"
    );
}

#[test]
fn the_ledger_carries_each_source_separately() {
    let d = |n| date!(2026 - 03 - 01) + Duration::days(n);
    let mut p = posted("p", d(0), Direction::Receipt, 5_000_000);
    p.source = Source::Province;
    let all = vec![
        posted("a", d(0), Direction::Receipt, 1_000_000),
        p,
        posted("b", d(10), Direction::Expense, 400_000),
        posted("c", d(40), Direction::Expense, 100_000),
    ];
    let (lines, totals) = ledger(all, d(5), d(30));
    assert_eq!(lines.len(), 1);
    assert_eq!(lines[0].balance, 600_000);
    let commune = totals.iter().find(|t| t.source == Source::Commune).unwrap();
    assert_eq!(
        (
            commune.opening,
            commune.received,
            commune.spent,
            commune.closing
        ),
        (1_000_000, 0, 400_000, 600_000)
    );
    let province = totals
        .iter()
        .find(|t| t.source == Source::Province)
        .unwrap();
    assert_eq!((province.opening, province.closing), (5_000_000, 5_000_000));
    assert_eq!(totals.len(), 4);
}

proptest! {
    /// Whatever a committee types, a ledger built only of entries the check lets through
    /// never shows a negative running balance, and totals add up.
    #[test]
    fn admitted_entries_never_overdraw(entries in prop::collection::vec((0i64..60, -2_000_000i64..3_000_000), 0..40)) {
        let start = date!(2026 - 01 - 01);
        let mut ledger: Vec<(Date, i64)> = Vec::new();
        for (day, effect) in entries {
            if effect == 0 { continue; }
            let on = start + Duration::days(day);
            if shortfall(&ledger, on, effect).is_none() {
                let at = ledger.iter().position(|(d, _)| *d > on).unwrap_or(ledger.len());
                ledger.insert(at, (on, effect));
            } else {
                prop_assert!(effect < 0);
            }
        }
        let mut balance = 0;
        for (_, e) in &ledger {
            balance += e;
            prop_assert!(balance >= 0);
        }
    }
}
