use super::*;
use proptest::prelude::*;
use time::macros::date;

const TOPICS: &[&str] = &["law", "household_concerns"];

fn input() -> ContactInput {
    ContactInput {
        channel: "visit".into(),
        topics: vec!["law".into()],
        ..ContactInput::default()
    }
}

fn field_of(e: AppError) -> String {
    match e.fields() {
        [f] => f.field.clone(),
        _ => panic!("expected one field error, got {e:?}"),
    }
}

#[test]
fn the_common_case_needs_only_a_topic() {
    let today = date!(2026 - 12 - 02);
    let c = check(&input(), today, TOPICS).unwrap();
    assert_eq!(c.contacted_on, today);
    assert_eq!(c.channel, Channel::Visit);
    assert_eq!(c.follow_up_on, None);
    assert!(uuid::Uuid::parse_str(&c.id).unwrap().get_version_num() == 7);
}

#[test]
fn dates_are_read_as_people_write_them() {
    assert_eq!(parse_day("05/03/2026"), Some(date!(2026 - 03 - 05)));
    assert_eq!(parse_day("5/3/2026"), Some(date!(2026 - 03 - 05)));
    assert_eq!(parse_day("2026-03-05"), Some(date!(2026 - 03 - 05)));
    assert_eq!(parse_day("31/02/2026"), None);
    assert_eq!(parse_day("05/03/26"), None);
    assert_eq!(parse_day("hôm qua"), None);
}

#[test]
fn each_bad_field_is_named() {
    let today = date!(2026 - 12 - 02);
    let cases: Vec<(ContactInput, &str)> = vec![
        (
            ContactInput {
                contacted_on: "03/12/2026".into(),
                ..input()
            },
            "contacted_on",
        ),
        (
            ContactInput {
                contacted_on: "01/01/2026".into(),
                ..input()
            },
            "contacted_on",
        ),
        (
            ContactInput {
                contacted_on: "32/01/2026".into(),
                ..input()
            },
            "contacted_on",
        ),
        (
            ContactInput {
                channel: "fax".into(),
                ..input()
            },
            "channel",
        ),
        (
            ContactInput {
                topics: vec![],
                ..input()
            },
            "topics",
        ),
        (
            ContactInput {
                topics: vec!["religion".into()],
                ..input()
            },
            "topics",
        ),
        (
            ContactInput {
                note: "x".repeat(MAX_NOTE + 1),
                ..input()
            },
            "note",
        ),
        (
            ContactInput {
                follow_up: true,
                ..input()
            },
            "follow_up_on",
        ),
        (
            ContactInput {
                follow_up: true,
                follow_up_on: "01/12/2026".into(),
                ..input()
            },
            "follow_up_on",
        ),
        (
            ContactInput {
                id: Some("not-a-uuid".into()),
                ..input()
            },
            "id",
        ),
        (
            ContactInput {
                id: Some("123e4567-e89b-42d3-a456-426614174000".to_string()),
                ..input()
            },
            "id",
        ),
    ];
    for (i, expected) in cases {
        assert_eq!(
            field_of(check(&i, today, TOPICS).unwrap_err()),
            expected,
            "{i:?}"
        );
    }
}

#[test]
fn topics_are_kept_once_in_the_order_chosen() {
    let i = ContactInput {
        topics: vec![
            "household_concerns".into(),
            "law".into(),
            "household_concerns".into(),
        ],
        ..input()
    };
    let c = check(&i, date!(2026 - 12 - 02), TOPICS).unwrap();
    assert_eq!(c.topics, vec!["household_concerns", "law"]);
}

#[test]
fn a_contact_counts_in_its_day_month_quarter_half_and_year() {
    assert_eq!(
        periods_of(date!(2026 - 08 - 09)),
        ["D2026-08-09", "M2026-08", "Q2026-3", "H2026-2", "Y2026"]
    );
    assert_eq!(periods_of(date!(2027 - 01 - 01))[2], "Q2027-1");
}

#[test]
fn a_due_follow_up_comes_before_a_household_never_visited() {
    let today = date!(2026 - 12 - 02);
    let due = Attention {
        last_contact_on: Some(date!(2026 - 11 - 30)),
        follow_up_on: Some(today),
        ..Attention::default()
    };
    let never = Attention::default();
    let waiting = Attention {
        last_contact_on: Some(today),
        pending_campaigns: 1,
        ..Attention::default()
    };
    let stale = Attention {
        last_contact_on: Some(date!(2026 - 10 - 01)),
        ..Attention::default()
    };
    let recent = Attention {
        last_contact_on: Some(date!(2026 - 11 - 20)),
        follow_up_on: Some(date!(2026 - 12 - 20)),
        ..Attention::default()
    };
    let mut all = [&recent, &stale, &never, &waiting, &due];
    all.sort_by_key(|a| a.order_key(today));
    let order: Vec<Urgency> = all.iter().map(|a| a.urgency(today)).collect();
    assert_eq!(
        order,
        [
            Urgency::FollowUpDue,
            Urgency::Waiting,
            Urgency::NeverContacted,
            Urgency::Stale,
            Urgency::Recent
        ]
    );
}

fn draft(on: Date, follow_up: Option<Date>) -> ContactDraft {
    ContactDraft {
        id: crate::clock::new_id(),
        contacted_on: on,
        channel: Channel::Phone,
        topics: vec!["law".into()],
        note: String::new(),
        follow_up_on: follow_up,
    }
}

#[test]
fn a_new_visit_answers_the_last_follow_up_but_a_late_log_does_not() {
    let first = state_after(
        None,
        &draft(date!(2026 - 11 - 01), Some(date!(2026 - 11 - 10))),
    );
    let late = state_after(Some(&first), &draft(date!(2026 - 10 - 20), None));
    assert_eq!(late.follow_up_on, Some(date!(2026 - 11 - 10)));
    assert_eq!(late.last_contact_on, date!(2026 - 11 - 01));
    let next = state_after(Some(&late), &draft(date!(2026 - 11 - 10), None));
    assert_eq!(next.follow_up_on, None);
    assert_eq!(next.contacts, 3);
}

proptest! {
    /// Whatever order contacts are logged in, the household's latest contact is the
    /// latest date and every contact is counted.
    #[test]
    fn state_does_not_depend_on_logging_order(days in proptest::collection::vec(0i64..90, 1..12)) {
        let base = date!(2026 - 09 - 01);
        let mut state: Option<ContactState> = None;
        for d in &days {
            state = Some(state_after(state.as_ref(), &draft(base + Duration::days(*d), None)));
        }
        let s = state.unwrap();
        prop_assert_eq!(s.last_contact_on, base + Duration::days(*days.iter().max().unwrap()));
        prop_assert_eq!(s.contacts, days.len() as i64);
    }
}

#[test]
fn a_contact_counts_in_its_province_s_own_periods_from_the_cut_off_day() {
    use crate::reports::period::CutOff;
    let c = CutOff::new(15).unwrap();
    assert_eq!(
        cutoff_periods_of(date!(2026 - 12 - 15), c),
        ["M2027-01@15", "Q2027-1@15", "H2027-1@15", "Y2027@15"]
    );
    assert_eq!(
        cutoff_periods_of(date!(2026 - 12 - 14), c),
        ["M2026-12@15", "Q2026-4@15", "H2026-2@15", "Y2026@15"]
    );
    assert!(cutoff_periods_of(date!(2026 - 12 - 14), CutOff::CALENDAR).is_empty());
}
