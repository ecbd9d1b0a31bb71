use proptest::prelude::*;

use super::*;
use crate::evaluation::rubric::Rubric;

fn f(i: Indicator, part: i64, whole: i64) -> Figure {
    Figure::new(i, part, whole)
}

#[test]
fn a_village_scores_the_weighted_mean_of_its_shares() {
    let r = Rubric::default();
    // 90% reached (35), 3 of 4 resolved (20), 100% on time (15), half signed (15),
    // 12 meetings of 12 (15): (900·35 + 750·20 + 1000·15 + 500·15 + 1000·15) / 100.
    let figures = [
        f(Indicator::Reach, 90, 100),
        f(Indicator::Resolved, 3, 4),
        f(Indicator::OnTime, 8, 8),
        f(Indicator::Commitments, 50, 100),
        f(Indicator::Meetings, 12, 12),
    ];
    assert_eq!(propose(&r.village, &figures), (840, Level(1)));
}

#[test]
fn an_indicator_without_a_whole_is_left_out_not_counted_as_zero() {
    let r = Rubric::default();
    let figures = [
        f(Indicator::Reach, 9, 10),
        f(Indicator::Resolved, 0, 0),
        f(Indicator::OnTime, 0, 0),
        f(Indicator::Commitments, 9, 10),
        f(Indicator::Meetings, 9, 10),
    ];
    assert_eq!(propose(&r.village, &figures), (900, Level::TOP));
    assert_eq!(r.village.score(&[]), 0);
}

#[test]
fn more_meetings_than_months_count_as_every_month() {
    assert_eq!(f(Indicator::Meetings, 15, 12).permille(), Some(1000));
    assert_eq!(f(Indicator::Meetings, 1, 3).permille(), Some(333));
    assert_eq!(f(Indicator::Reach, 0, 0).text(), "—");
    assert_eq!(f(Indicator::Reach, 12, 15).text(), "12/15 (80,0%)");
}

#[test]
fn levels_follow_the_thresholds_at_their_edges() {
    let w = Rubric::default().member;
    assert_eq!(w.level(1000), Level(0));
    assert_eq!(w.level(900), Level(0));
    assert_eq!(w.level(899), Level(1));
    assert_eq!(w.level(750), Level(1));
    assert_eq!(w.level(500), Level(2));
    assert_eq!(w.level(499), Level(3));
    assert_eq!(w.level(0), Level(3));
}

#[test]
fn codes_and_labels_round_trip() {
    for s in [Subject::Village, Subject::Member] {
        for l in Level::ALL {
            assert_eq!(Level::parse(s, l.code(s)), Some(l));
        }
    }
    assert_eq!(
        Level::TOP.label_vi(Subject::Member),
        "Hoàn thành xuất sắc nhiệm vụ"
    );
    assert_eq!(Level(3).label_vi(Subject::Village), "Yếu");
}

fn ranked(key: &str, score: i64) -> Ranked {
    Ranked {
        key: key.into(),
        score,
        level: Rubric::default().member.level(score),
    }
}

#[test]
fn the_lowest_scoring_excess_drop_to_good_ties_by_key() {
    // 10 members, 20%: two may be excellent; four are proposed.
    let mut lines: Vec<Ranked> = vec![
        ranked("a", 950),
        ranked("b", 920),
        ranked("c", 980),
        ranked("d", 920),
        ranked("e", 800),
    ];
    for k in ["f", "g", "h", "i", "j"] {
        lines.push(ranked(k, 100));
    }
    assert_eq!(cap_excellent(&mut lines, 20), 2);
    let top: Vec<&str> = lines
        .iter()
        .filter(|l| l.level == Level::TOP)
        .map(|l| l.key.as_str())
        .collect();
    assert_eq!(top, ["a", "c"]);
    assert_eq!(lines[1].level, Level::SECOND);
    assert_eq!(lines[3].level, Level::SECOND);
    // Ties: of b and d at 920, with room for one more, b (earlier key) stays.
    let mut lines = vec![ranked("d", 920), ranked("b", 920)];
    lines.extend((0..8).map(|i| ranked(&format!("z{i}"), 0)));
    assert_eq!(cap_excellent(&mut lines, 10), 1);
    assert_eq!(lines[1].level, Level::TOP);
    assert_eq!(lines[0].level, Level::SECOND);
}

#[test]
fn an_adjustment_needs_a_reason_and_room_under_the_cap() {
    let levels = [Level(0), Level(1), Level(1), Level(2), Level(3)];
    // 5 members at 20%: one excellent allowed, already taken.
    assert_eq!(
        check_adjustment(Subject::Member, &levels, 1, Level(2), "  ", 20),
        Err(Refusal::NoReason)
    );
    let over = check_adjustment(Subject::Member, &levels, 1, Level(0), "Tiêu biểu", 20);
    assert_eq!(
        over,
        Err(Refusal::OverCap {
            percent: 20,
            allowed: 1,
            members: 5
        })
    );
    let msg = over.unwrap_err().message();
    assert!(msg.contains("20%") && msg.contains("1 trong 5"), "{msg}");
    // Re-deciding the one excellent member keeps the count.
    assert!(check_adjustment(Subject::Member, &levels, 0, Level(0), "Giữ nguyên", 20).is_ok());
    assert!(check_adjustment(Subject::Village, &levels, 1, Level(0), "Tiêu biểu", 20).is_ok());
}

#[test]
fn levels_change_only_while_open_and_commendations_only_after() {
    assert_eq!(Status::Open.apply(Action::Adjust), Ok(Status::Open));
    assert_eq!(
        Status::Open.apply(Action::Commend),
        Err(Refusal::NotApproved)
    );
    assert_eq!(Status::Open.apply(Action::Approve), Ok(Status::Approved));
    assert_eq!(
        Status::Approved.apply(Action::Adjust),
        Err(Refusal::Approved)
    );
    assert_eq!(
        Status::Approved.apply(Action::Approve),
        Err(Refusal::Approved)
    );
    assert_eq!(
        Status::Approved.apply(Action::Commend),
        Ok(Status::Approved)
    );
}

proptest! {
    #[test]
    fn the_cap_is_never_exceeded_and_the_proposal_is_deterministic(
        scores in proptest::collection::vec(0i64..=1000, 0..60),
        percent in 0u8..=100,
        shift in 0usize..60,
    ) {
        let lines: Vec<Ranked> = scores
            .iter()
            .enumerate()
            .map(|(i, s)| ranked(&format!("k{i:03}"), *s))
            .collect();
        let mut a = lines.clone();
        cap_excellent(&mut a, percent);
        let top = a.iter().filter(|l| l.level == Level::TOP).count();
        prop_assert!(top <= excellent_allowed(lines.len(), percent));
        // Nobody moves but down one level, and only from the top.
        for (before, after) in lines.iter().zip(&a) {
            prop_assert!(before.level == after.level || (before.level == Level::TOP && after.level == Level::SECOND));
        }
        // Any kept excellent scores at least as high as any dropped one.
        let kept = a.iter().filter(|l| l.level == Level::TOP).map(|l| l.score).min();
        let dropped = lines.iter().zip(&a).filter(|(b, x)| b.level != x.level).map(|(b, _)| b.score).max();
        if let (Some(k), Some(d)) = (kept, dropped) {
            prop_assert!(k >= d);
        }
        // The same members in another order get the same levels.
        let mut b = lines.clone();
        if !b.is_empty() {
            let n = shift % b.len();
            b.rotate_left(n);
        }
        cap_excellent(&mut b, percent);
        let mut x: Vec<(String, Level)> = a.into_iter().map(|l| (l.key, l.level)).collect();
        let mut y: Vec<(String, Level)> = b.into_iter().map(|l| (l.key, l.level)).collect();
        x.sort();
        y.sort();
        prop_assert_eq!(x, y);
    }

    #[test]
    fn a_score_stays_within_its_shares(
        parts in proptest::collection::vec((0i64..500, 0i64..500), 5),
    ) {
        let r = Rubric::default();
        let figures: Vec<Figure> = Indicator::VILLAGE
            .iter()
            .zip(&parts)
            .map(|(i, (p, w))| f(*i, *p, *w))
            .collect();
        let s = r.village.score(&figures);
        let shares: Vec<i64> = figures.iter().filter_map(Figure::permille).collect();
        prop_assert!((0..=1000).contains(&s));
        if let (Some(lo), Some(hi)) = (shares.iter().min(), shares.iter().max()) {
            prop_assert!(*lo <= s && s <= *hi);
        }
    }
}
