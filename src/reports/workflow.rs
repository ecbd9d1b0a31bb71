//! A report's workflow as a pure type: draft → submitted → returned (with a reason) or
//! accepted → locked. The commune committee (the unit's own office) writes and submits;
//! the board the unit reports to returns or accepts, and locks the period. Each refusal
//! says in Vietnamese why the step cannot be taken.

use serde::Serialize;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Draft,
    Submitted,
    Returned,
    Accepted,
    Locked,
}

/// Who takes a step: the unit's own office, or the board above it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Author,
    Reviewer,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Step {
    /// The figures or the narrative change (a draft, or a returned report).
    Edit,
    Submit,
    Return,
    Accept,
    Lock,
}

impl Status {
    pub const ALL: [Status; 5] = [
        Status::Draft,
        Status::Submitted,
        Status::Returned,
        Status::Accepted,
        Status::Locked,
    ];

    pub fn code(self) -> &'static str {
        match self {
            Status::Draft => "draft",
            Status::Submitted => "submitted",
            Status::Returned => "returned",
            Status::Accepted => "accepted",
            Status::Locked => "locked",
        }
    }

    pub fn parse(code: &str) -> Option<Status> {
        Status::ALL.into_iter().find(|s| s.code() == code)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Status::Draft => "Dự thảo",
            Status::Submitted => "Đã gửi, chờ tiếp nhận",
            Status::Returned => "Bị trả lại để bổ sung",
            Status::Accepted => "Đã được tiếp nhận",
            Status::Locked => "Đã khóa sổ",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            Status::Draft => "Draft",
            Status::Submitted => "Submitted, awaiting review",
            Status::Returned => "Returned for changes",
            Status::Accepted => "Accepted",
            Status::Locked => "Locked",
        }
    }

    pub fn label(self, en: bool) -> &'static str {
        if en {
            self.label_en()
        } else {
            self.label_vi()
        }
    }

    /// Whether the author may change the report: only before it is submitted, or once it
    /// has been returned.
    pub fn is_editable(self) -> bool {
        matches!(self, Status::Draft | Status::Returned)
    }

    /// Whether the report counts for the level above: accepted, and so frozen.
    pub fn is_accepted(self) -> bool {
        matches!(self, Status::Accepted | Status::Locked)
    }

    /// The status after `step` by `side`, or why it cannot be taken. `note` is the reason
    /// a return must give.
    pub fn apply(self, step: Step, side: Side, note: &str) -> Result<Status, &'static str> {
        use Status as S;
        match (step, side) {
            (Step::Edit | Step::Submit, Side::Reviewer) => {
                Err("Chỉ cấp ủy của đơn vị mới được sửa và gửi báo cáo của mình")
            }
            (Step::Return | Step::Accept | Step::Lock, Side::Author) => {
                Err("Báo cáo được cấp trên tiếp nhận, trả lại hoặc khóa sổ; đơn vị không tự làm việc này")
            }
            (Step::Edit, Side::Author) => match self {
                S::Draft | S::Returned => Ok(self),
                S::Submitted => Err("Báo cáo đã gửi, không sửa được; chờ cấp trên tiếp nhận hoặc trả lại"),
                S::Accepted | S::Locked => Err(
                    "Báo cáo đã được tiếp nhận, không sửa được; thay đổi số liệu sẽ được nêu là đính chính ở báo cáo kỳ sau",
                ),
            },
            (Step::Submit, Side::Author) => match self {
                S::Draft | S::Returned => Ok(S::Submitted),
                S::Submitted => Err("Báo cáo đã được gửi"),
                S::Accepted | S::Locked => Err("Báo cáo đã được tiếp nhận"),
            },
            (Step::Return, Side::Reviewer) => match self {
                S::Submitted if note.trim().is_empty() => {
                    Err("Nêu lý do trả lại để đơn vị biết cần bổ sung gì")
                }
                S::Submitted => Ok(S::Returned),
                _ => Err("Chỉ trả lại được báo cáo đã gửi và chưa được tiếp nhận"),
            },
            (Step::Accept, Side::Reviewer) => match self {
                S::Submitted => Ok(S::Accepted),
                _ => Err("Chỉ tiếp nhận được báo cáo đã gửi"),
            },
            (Step::Lock, Side::Reviewer) => match self {
                S::Accepted => Ok(S::Locked),
                S::Locked => Err("Báo cáo đã khóa sổ"),
                _ => Err("Chỉ khóa sổ được báo cáo đã tiếp nhận"),
            },
        }
    }
}

impl Step {
    pub fn code(self) -> &'static str {
        match self {
            Step::Edit => "edit",
            Step::Submit => "submit",
            Step::Return => "return",
            Step::Accept => "accept",
            Step::Lock => "lock",
        }
    }

    pub fn parse(code: &str) -> Option<Step> {
        [
            Step::Edit,
            Step::Submit,
            Step::Return,
            Step::Accept,
            Step::Lock,
        ]
        .into_iter()
        .find(|s| s.code() == code)
    }

    pub fn side(self) -> Side {
        match self {
            Step::Edit | Step::Submit => Side::Author,
            Step::Return | Step::Accept | Step::Lock => Side::Reviewer,
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Step::Edit => "Sửa dự thảo",
            Step::Submit => "Gửi báo cáo",
            Step::Return => "Trả lại",
            Step::Accept => "Tiếp nhận",
            Step::Lock => "Khóa sổ",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_round_trip_of_a_returned_report() {
        let s = Status::Draft;
        let s = s.apply(Step::Submit, Side::Author, "").unwrap();
        assert_eq!(s, Status::Submitted);
        assert!(s.apply(Step::Edit, Side::Author, "").is_err());
        assert!(s.apply(Step::Return, Side::Reviewer, "  ").is_err());
        let s = s
            .apply(Step::Return, Side::Reviewer, "Bổ sung số liệu")
            .unwrap();
        assert_eq!(s, Status::Returned);
        assert_eq!(s.apply(Step::Edit, Side::Author, ""), Ok(Status::Returned));
        let s = s.apply(Step::Submit, Side::Author, "").unwrap();
        let s = s.apply(Step::Accept, Side::Reviewer, "").unwrap();
        assert!(s.is_accepted() && !s.is_editable());
        let s = s.apply(Step::Lock, Side::Reviewer, "").unwrap();
        assert_eq!(s, Status::Locked);
    }

    #[test]
    fn each_side_takes_only_its_own_steps() {
        for s in Status::ALL {
            assert!(s.apply(Step::Accept, Side::Author, "").is_err());
            assert!(s.apply(Step::Submit, Side::Reviewer, "").is_err());
        }
    }

    fn any_step() -> impl Strategy<Value = (Step, Side, bool)> {
        (
            prop_oneof![
                Just(Step::Edit),
                Just(Step::Submit),
                Just(Step::Return),
                Just(Step::Accept),
                Just(Step::Lock)
            ],
            prop_oneof![Just(Side::Author), Just(Side::Reviewer)],
            any::<bool>(),
        )
    }

    proptest! {
        /// Whatever is tried, in any order: an accepted report never goes back to being
        /// editable, only a reviewer moves it past "submitted", and a return always has
        /// its reason.
        #[test]
        fn acceptance_is_final_and_reviewers_alone_decide(steps in proptest::collection::vec(any_step(), 0..30)) {
            let mut s = Status::Draft;
            for (step, side, with_reason) in steps {
                let note = if with_reason { "lý do" } else { "" };
                match s.apply(step, side, note) {
                    Ok(next) => {
                        if s.is_accepted() {
                            prop_assert!(next.is_accepted());
                        }
                        if next != s && matches!(next, Status::Accepted | Status::Locked | Status::Returned) {
                            prop_assert_eq!(side, Side::Reviewer);
                        }
                        if next == Status::Returned && s != Status::Returned {
                            prop_assert!(with_reason);
                        }
                        s = next;
                    }
                    Err(m) => prop_assert!(!m.is_empty()),
                }
            }
        }
    }
}
