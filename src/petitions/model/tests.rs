use super::*;
use proptest::prelude::*;
use time::macros::date;

const ALL: [Status; 14] = [
    Status::Received,
    Status::Forwarded,
    Status::Assigned,
    Status::Transferred,
    Status::Answered(Level::Cell),
    Status::Answered(Level::Agency),
    Status::Answered(Level::Outside),
    Status::Delivered(Level::Cell),
    Status::Delivered(Level::Agency),
    Status::Delivered(Level::Outside),
    Status::Reopened(Level::Cell),
    Status::Reopened(Level::Agency),
    Status::Reopened(Level::Outside),
    Status::Closed,
];

fn actions() -> Vec<Action> {
    vec![
        Action::Forward,
        Action::AnswerAtCell {
            text: "Đã sửa".into(),
        },
        Action::Return {
            reason: "Chưa rõ vị trí".into(),
        },
        Action::Assign {
            agency: "a1".into(),
        },
        Action::Transfer {
            body: "Sở Giao thông vận tải".into(),
        },
        Action::Decline {
            competent: "Công an xã".into(),
            reason: "Việc an ninh".into(),
        },
        Action::Answer {
            text: "Sẽ sửa trong tháng".into(),
        },
        Action::Deliver,
        Action::Confirm,
        Action::Reopen {
            reason: "Chưa sửa".into(),
        },
    ]
}

fn answer() -> Action {
    Action::Answer {
        text: "Đã lên kế hoạch sửa".into(),
    }
}

#[test]
fn the_whole_path_through_an_agency() {
    let s = Status::Received.apply(&Action::Forward).unwrap();
    let s = s
        .apply(&Action::Assign {
            agency: "a1".into(),
        })
        .unwrap();
    assert_eq!(s, Status::Assigned);
    let s = s.apply(&answer()).unwrap();
    assert_eq!(s, Status::Answered(Level::Agency));
    // Answered is not resolved: it is still open, and the member holds it.
    assert!(s.is_open());
    assert_eq!(s.holder(), Holder::Member);
    let s = s.apply(&Action::Deliver).unwrap();
    let reopened = s
        .apply(&Action::Reopen {
            reason: "Đường vẫn hỏng".into(),
        })
        .unwrap();
    // Back to whoever answered: the agency.
    assert_eq!(reopened, Status::Reopened(Level::Agency));
    assert_eq!(reopened.holder(), Holder::Agency);
    let s = reopened
        .apply(&answer())
        .unwrap()
        .apply(&Action::Deliver)
        .unwrap();
    assert_eq!(s.apply(&Action::Confirm), Ok(Status::Closed));
}

#[test]
fn the_cell_may_answer_and_a_reopen_comes_back_to_it() {
    let s = Status::Received
        .apply(&Action::AnswerAtCell {
            text: "Thôn đã phát quang".into(),
        })
        .unwrap();
    assert_eq!(s, Status::Answered(Level::Cell));
    let s = s
        .apply(&Action::Deliver)
        .unwrap()
        .apply(&Action::Reopen {
            reason: "Còn một đoạn".into(),
        })
        .unwrap();
    assert_eq!(s.holder(), Holder::Cell);
    assert_eq!(s.stage(), Some(Stage::Cell));
    // An agency's answer is not the cell's to give, nor the other way round.
    assert!(s.apply(&answer()).is_err());
    assert!(s
        .apply(&Action::AnswerAtCell {
            text: "Xong".into()
        })
        .is_ok());
}

#[test]
fn a_transfer_beyond_the_commune_names_the_body_and_the_commune_records_its_answer() {
    let s = Status::Forwarded;
    let refused = s
        .apply(&Action::Transfer { body: "  ".into() })
        .unwrap_err();
    assert_eq!(refused.why, Why::NeedsCompetentBody);
    assert!(refused.message().contains("cơ quan có thẩm quyền"));
    let s = s
        .apply(&Action::Transfer {
            body: "Sở Tài nguyên và Môi trường".into(),
        })
        .unwrap();
    assert_eq!((s, s.holder()), (Status::Transferred, Holder::Commune));
    assert_eq!(s.apply(&answer()), Ok(Status::Answered(Level::Outside)));
}

#[test]
fn returns_and_refusals_need_a_reason_and_not_ours_names_who() {
    let r = Status::Forwarded
        .apply(&Action::Return { reason: "".into() })
        .unwrap_err();
    assert_eq!((r.why, r.field()), (Why::NeedsReason, "reason"));
    let r = Status::Assigned
        .apply(&Action::Decline {
            competent: "".into(),
            reason: "Không phải việc của xã".into(),
        })
        .unwrap_err();
    assert_eq!(r.why, Why::NeedsCompetentBody);
    let r = Status::Assigned
        .apply(&Action::Decline {
            competent: "Công an xã".into(),
            reason: " ".into(),
        })
        .unwrap_err();
    assert_eq!(r.why, Why::NeedsReason);
    let r = Status::Delivered(Level::Agency)
        .apply(&Action::Reopen { reason: "".into() })
        .unwrap_err();
    assert!(r.message().contains("lý do"), "{}", r.message());
    // A decline goes back to the commune, to be routed again.
    assert_eq!(
        Status::Assigned.apply(&Action::Decline {
            competent: "Công an xã".into(),
            reason: "An ninh trật tự".into()
        }),
        Ok(Status::Forwarded)
    );
}

#[test]
fn only_the_household_closes_a_petition() {
    for s in ALL {
        for a in actions() {
            if let Ok(next) = s.apply(&a) {
                if next == Status::Closed {
                    assert_eq!(a, Action::Confirm, "{s:?}");
                    assert!(matches!(s, Status::Delivered(_)));
                }
            }
        }
    }
}

#[test]
fn nothing_leaves_closed_and_every_refusal_is_in_vietnamese() {
    for a in actions() {
        let r = Status::Closed.apply(&a).unwrap_err();
        assert_eq!(r.why, Why::WrongStatus);
        assert!(r.message().contains("Hộ đã xác nhận"), "{}", r.message());
    }
    for s in ALL {
        for a in actions() {
            if let Err(r) = s.apply(&a) {
                let m = r.message();
                assert!(!m.is_empty() && !m.contains('?'), "{s:?} {a:?}: {m}");
            }
        }
    }
}

#[test]
fn statuses_round_trip_through_their_codes() {
    for s in ALL {
        assert_eq!(Status::parse(s.code(), s.level().map(Level::code)), Some(s));
    }
    assert_eq!(Status::parse("answered", None), None);
    assert_eq!(Status::parse("resolved", None), None);
    for k in Kind::ALL {
        assert_eq!(Kind::parse(k.code()), Some(k));
    }
}

#[test]
fn every_open_petition_but_one_awaiting_the_household_has_a_deadline() {
    for s in ALL {
        let waits_on_household = matches!(s, Status::Delivered(_));
        assert_eq!(
            s.stage().is_some(),
            s.is_open() && !waits_on_household,
            "{s:?}"
        );
        assert_eq!(s.holder() == Holder::Nobody, !s.is_open(), "{s:?}");
    }
}

#[test]
fn the_household_reads_plain_words() {
    let d = date!(2026 - 03 - 05);
    assert_eq!(
        household_line(Kind::Forward, d, "", ""),
        "Ngày 05/03/2026: Chi bộ thôn đã chuyển kiến nghị lên xã."
    );
    let t = household_line(Kind::Transfer, d, "Sở Giao thông vận tải", "");
    assert!(t.contains("thẩm quyền của Sở Giao thông vận tải"), "{t}");
    let t = household_line(Kind::Answer, d, "công an xã", "");
    assert!(
        t.starts_with("Ngày 05/03/2026: Công an xã đã trả lời"),
        "{t}"
    );
    let t = household_line(Kind::Reopen, d, "", "đường vẫn ngập");
    assert!(t.contains("(đường vẫn ngập)"), "{t}");
    for k in Kind::ALL {
        let t = household_line(k, d, "UBND xã", "lý do");
        assert!(!t.contains('_'), "no codes: {t}");
    }
}

#[test]
fn input_is_checked_field_by_field() {
    let cats = ["land", "other"];
    let ok = check(
        &PetitionInput {
            category: "land".into(),
            text: "  Đề nghị  cấp\r\n\r\n sổ đỏ ".into(),
            named: true,
            ..Default::default()
        },
        &cats,
    )
    .unwrap();
    assert_eq!(ok.text, "Đề nghị cấp\nsổ đỏ");
    let Err(AppError::Validation(errors)) = check(
        &PetitionInput {
            id: Some("not-a-uuid".into()),
            category: "religion".into(),
            text: " ".into(),
            named: false,
        },
        &cats,
    ) else {
        panic!("refused")
    };
    let fields: Vec<&str> = errors.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(fields, ["id", "category", "text"]);
}

#[test]
fn medians_come_from_the_histogram() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[(3, 1)]), Some(3.0));
    assert_eq!(median(&[(1, 1), (5, 1)]), Some(3.0));
    assert_eq!(median(&[(2, 3), (9, 1), (0, 0)]), Some(2.0));
    assert_eq!(days_event(Stage::Answer, 7), "days:answer:07");
    assert_eq!(days_event(Stage::Cell, 400), "days:cell:60");
}

#[test]
fn urgency_buckets() {
    let today = date!(2026 - 03 - 10);
    let soon = date!(2026 - 03 - 12);
    let since = date!(2026 - 03 - 01);
    assert_eq!(
        urgency(Some(date!(2026 - 03 - 09)), true, since, today, soon),
        Urgency::Overdue
    );
    assert_eq!(
        urgency(Some(today), false, since, today, soon),
        Urgency::DueSoon
    );
    assert_eq!(
        urgency(Some(date!(2026 - 03 - 20)), true, since, today, soon),
        Urgency::Returned
    );
    assert_eq!(urgency(None, false, today, today, soon), Urgency::New);
    assert_eq!(urgency(None, false, since, today, soon), Urgency::Waiting);
}

fn any_action() -> impl Strategy<Value = Action> {
    let text = prop_oneof![
        Just(String::new()),
        Just("  ".to_owned()),
        "[a-zà-ỹ ]{1,12}"
    ];
    prop_oneof![
        Just(Action::Forward),
        text.clone().prop_map(|text| Action::AnswerAtCell { text }),
        text.clone().prop_map(|reason| Action::Return { reason }),
        text.clone().prop_map(|agency| Action::Assign { agency }),
        text.clone().prop_map(|body| Action::Transfer { body }),
        (text.clone(), text.clone())
            .prop_map(|(competent, reason)| Action::Decline { competent, reason }),
        text.clone().prop_map(|text| Action::Answer { text }),
        Just(Action::Deliver),
        Just(Action::Confirm),
        text.prop_map(|reason| Action::Reopen { reason }),
    ]
}

proptest! {
    /// Whatever people do in whatever order, a petition is never closed without the
    /// household's confirmation of a delivered answer, an accepted step never lacks what
    /// it needs, and a refused step leaves the status as it was.
    #[test]
    fn any_sequence_keeps_the_rules(steps in proptest::collection::vec(any_action(), 0..40)) {
        let mut s = Status::Received;
        for a in &steps {
            match s.apply(a) {
                Ok(next) => {
                    let needs = |t: &str| !t.trim().is_empty();
                    match a {
                        Action::Return { reason } | Action::Reopen { reason } => prop_assert!(needs(reason)),
                        Action::Decline { competent, reason } => prop_assert!(needs(competent) && needs(reason)),
                        Action::Transfer { body } => prop_assert!(needs(body)),
                        Action::Answer { text } | Action::AnswerAtCell { text } => prop_assert!(needs(text)),
                        Action::Assign { agency } => prop_assert!(needs(agency)),
                        _ => {}
                    }
                    if next == Status::Closed {
                        prop_assert!(matches!(s, Status::Delivered(_)) && *a == Action::Confirm);
                    }
                    prop_assert!(s.is_open());
                    s = next;
                }
                Err(r) => {
                    prop_assert_eq!(r.from, s);
                    prop_assert!(!r.message().is_empty());
                }
            }
        }
    }
}
