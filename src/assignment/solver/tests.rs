//! Unit tests for edge cases; the property test against an independent
//! Kuhn–Munkres oracle lives in `tests/proptests.rs`.

use super::*;
use std::collections::HashMap;

/// A point `x` metres east and `y` metres north of a fixed village centre.
pub(super) fn pt(x: f64, y: f64) -> GeoPoint {
    let lat0: f64 = 21.0;
    GeoPoint {
        lat: lat0 + y / 111_195.0,
        lon: 105.8 + x / (111_195.0 * lat0.to_radians().cos()),
    }
}

fn hh(id: &str, pos: Option<GeoPoint>, xom: Option<&str>) -> HouseholdInput {
    HouseholdInput {
        id: id.into(),
        code: id.to_uppercase(),
        pos,
        xom: xom.map(Into::into),
        ngo: None,
    }
}

fn mem(id: &str, home: Option<GeoPoint>, xom: Option<&str>, own: Option<&str>) -> MemberInput {
    MemberInput {
        id: id.into(),
        name: format!("Đồng chí {id}"),
        home,
        xom: xom.map(Into::into),
        own_household: own.map(Into::into),
    }
}

fn with_cap(capacity: u32) -> Settings {
    Settings {
        capacity,
        ..Settings::default()
    }
}

fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
    v.iter()
        .map(|(h, m)| (h.to_string(), m.to_string()))
        .collect()
}

fn member_of<'p>(plan: &'p Plan, h: &str) -> Option<&'p str> {
    plan.pairs
        .iter()
        .find(|p| p.household_id == h)
        .map(|p| p.member_id.as_str())
}

fn load_of(plan: &Plan, m: &str) -> u32 {
    plan.loads
        .iter()
        .find(|l| l.member_id == m)
        .map_or(0, |l| l.households)
}

/// Structural invariants every plan must satisfy.
pub(super) fn check_plan(p: &Problem, plan: &Plan) {
    let cap = p.settings.capacity;
    let mut seen = HashMap::new();
    for pair in &plan.pairs {
        assert!(
            seen.insert(pair.household_id.clone(), ()).is_none(),
            "twice: {pair:?}"
        );
    }
    for u in &plan.uncovered {
        assert!(
            seen.insert(u.clone(), ()).is_none(),
            "covered and uncovered: {u}"
        );
    }
    assert_eq!(seen.len(), p.households.len());
    assert!(plan
        .pairs
        .windows(2)
        .all(|w| w[0].household_id < w[1].household_id));
    assert_eq!(plan.loads.len(), p.members.len());
    for l in &plan.loads {
        assert!(l.households <= cap, "overloaded {l:?}");
        let n = plan
            .pairs
            .iter()
            .filter(|x| x.member_id == l.member_id)
            .count();
        assert_eq!(n as u32, l.households);
    }
    let slots = u64::from(cap) * p.members.len() as u64;
    let surplus = (p.households.len() as u64).saturating_sub(slots);
    assert_eq!(plan.uncovered.len() as u64, surplus);
}

/// A village on a grid: households every 60 m, members at some of them.
fn grid_village(n_h: usize, n_m: usize, cap: u32) -> Problem {
    let households: Vec<_> = (0..n_h)
        .map(|i| {
            hh(
                &format!("h{i:03}"),
                Some(pt((i % 8) as f64 * 60.0, (i / 8) as f64 * 60.0)),
                None,
            )
        })
        .collect();
    let members = (0..n_m)
        .map(|j| {
            let k = (j * 7 + 3) % n_h.max(1);
            let own = format!("h{k:03}");
            mem(&format!("m{j}"), None, None, Some(&own))
        })
        .collect();
    Problem {
        members,
        households,
        settings: with_cap(cap),
        ..Problem::default()
    }
}

#[test]
fn empty_problem() {
    let plan = solve(&Problem::default()).unwrap();
    assert_eq!(plan, Plan::default());
    assert_eq!(greedy_nearest(&Problem::default()), Plan::default());
}

#[test]
fn no_members_leaves_all_uncovered() {
    let p = Problem {
        households: (0..23)
            .map(|i| hh(&format!("h{i:02}"), None, None))
            .collect(),
        ..Problem::default()
    };
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    assert_eq!(plan.uncovered.len(), 23);
    assert_eq!(plan.members_needed, 3);
    assert_eq!(plan.total_cost, 0);
}

#[test]
fn no_households() {
    let p = Problem {
        members: vec![mem("a", None, None, None), mem("b", None, None, None)],
        ..Problem::default()
    };
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    assert!(plan.pairs.is_empty() && plan.uncovered.is_empty());
    assert_eq!(plan.loads.iter().map(|l| l.households).sum::<u32>(), 0);
    assert_eq!(plan.members_needed, 0);
}

#[test]
fn one_member_takes_all_it_can() {
    let mut p = grid_village(7, 1, 10);
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    assert_eq!(load_of(&plan, "m0"), 7);
    p.settings.capacity = 4;
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    assert_eq!(plan.uncovered.len(), 3);
    assert_eq!(plan.members_needed, 1);
}

#[test]
fn surplus_households_report_uncovered_and_members_needed() {
    let p = grid_village(25, 2, 10);
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    assert_eq!(plan.uncovered.len(), 5);
    assert_eq!(plan.members_needed, 1); // ceil(25/10) - 2
    assert_eq!(greedy_nearest(&p).uncovered.len(), 5);
}

#[test]
fn replanning_when_short_keeps_who_is_covered() {
    // One member, two places, three households at the same spot: any two may be covered.
    // Re-planning (households now listed in another order) must keep the two that were
    // covered: leaving a covered household uncovered costs the change penalty.
    let spot = Some(pt(80.0, 0.0));
    let mut p = Problem {
        members: vec![mem("m", Some(pt(0.0, 0.0)), None, None)],
        households: vec![
            hh("h1", spot, None),
            hh("h2", spot, None),
            hh("h3", spot, None),
        ],
        settings: with_cap(2),
        ..Problem::default()
    };
    let first = solve(&p).unwrap();
    assert_eq!(first.uncovered.len(), 1);
    p.previous = first
        .pairs
        .iter()
        .map(|x| (x.household_id.clone(), x.member_id.clone()))
        .collect();
    p.households.reverse();
    let again = solve(&p).unwrap();
    assert_eq!(again.uncovered, first.uncovered);
    assert_eq!(again.moved_from_previous, 0);
}

#[test]
fn uncovered_are_the_costliest_to_serve() {
    let p = Problem {
        members: vec![mem("m", Some(pt(0.0, 0.0)), None, None)],
        households: vec![
            hh("far", Some(pt(900.0, 0.0)), None),
            hh("near", Some(pt(50.0, 0.0)), None),
        ],
        settings: with_cap(1),
        ..Problem::default()
    };
    let plan = solve(&p).unwrap();
    assert_eq!(member_of(&plan, "near"), Some("m"));
    assert_eq!(plan.uncovered, vec!["far".to_string()]);
    assert_eq!(plan.pairs[0].distance_m, Some(50));
}

#[test]
fn every_household_forced() {
    let mut p = grid_village(4, 2, 2);
    p.members[0].own_household = Some("h000".into());
    p.members[1].own_household = Some("h001".into());
    p.locked = pairs(&[("h002", "m0"), ("h003", "m1"), ("h000", "m0")]);
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    let reasons: Vec<_> = plan
        .pairs
        .iter()
        .map(|x| (x.member_id.as_str(), x.reason))
        .collect();
    use Reason::*;
    assert_eq!(
        reasons,
        vec![
            ("m0", Pinned),
            ("m1", Pinned),
            ("m0", Locked),
            ("m1", Locked)
        ]
    );
}

#[test]
fn identical_coordinates_spread_evenly() {
    let here = Some(pt(0.0, 0.0));
    let p = Problem {
        members: (0..3)
            .map(|j| mem(&format!("m{j}"), here, None, None))
            .collect(),
        households: (0..9).map(|i| hh(&format!("h{i}"), here, None)).collect(),
        ..Problem::default()
    };
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    assert!(
        plan.loads.iter().all(|l| l.households == 3),
        "{:?}",
        plan.loads
    );
    assert_eq!(plan.total_distance_m, 0);
    assert_eq!(solve(&p).unwrap(), plan, "deterministic");
}

#[test]
fn balance_beats_small_distance_gaps() {
    // Member a is 20 m closer to everyone; with weight 40 it must not take all.
    let p = Problem {
        members: vec![
            mem("a", Some(pt(0.0, 0.0)), None, None),
            mem("b", Some(pt(20.0, 0.0)), None, None),
        ],
        households: (0..6)
            .map(|i| hh(&format!("h{i}"), Some(pt(-100.0, i as f64)), None))
            .collect(),
        ..Problem::default()
    };
    let plan = solve(&p).unwrap();
    assert_eq!((load_of(&plan, "a"), load_of(&plan, "b")), (3, 3));
}

#[test]
fn xom_fallback_without_coordinates() {
    let p = Problem {
        members: vec![
            mem("dong", None, Some("Xóm Đông"), None),
            mem("tay", None, Some("xóm Tây"), None),
        ],
        households: vec![
            // Decomposed "o + combining acute" and no diacritics must still match.
            hh("h1", None, Some("  XO\u{301}M   ĐÔNG ")),
            hh("h2", None, Some("xom tay")),
            hh("h3", Some(pt(0.0, 0.0)), None),
        ],
        ..Problem::default()
    };
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    assert_eq!(member_of(&plan, "h1"), Some("dong"));
    assert_eq!(member_of(&plan, "h2"), Some("tay"));
    assert_eq!(plan.pairs[0].reason, Reason::SameXom);
    assert_eq!(plan.pairs[0].cost, 150);
    assert_eq!(plan.pairs[2].reason, Reason::Unknown);
    assert_eq!(plan.pairs[2].distance_m, None);
    let (c, r, _) = pair_cost(&p.members[0], &p.households[1], &p.settings);
    assert_eq!((c, r), (1500, Reason::OtherXom));
}

#[test]
fn member_home_falls_back_to_own_household() {
    let p = Problem {
        members: vec![
            mem("a", None, None, Some("ha")),
            mem("b", None, None, Some("hb")),
        ],
        households: vec![
            hh("ha", Some(pt(0.0, 0.0)), None),
            hh("hb", Some(pt(1000.0, 0.0)), None),
            hh("x", Some(pt(990.0, 0.0)), None),
        ],
        ..Problem::default()
    };
    let plan = solve(&p).unwrap();
    assert_eq!(member_of(&plan, "x"), Some("b"));
    assert_eq!(plan.pairs[2].distance_m, Some(10));
}

#[test]
fn bad_coordinates_are_treated_as_missing() {
    let nan = Some(GeoPoint {
        lat: f64::NAN,
        lon: 1.0,
    });
    let far = Some(GeoPoint {
        lat: 95.0,
        lon: 1.0,
    });
    let p = Problem {
        members: vec![mem("a", nan, Some("1"), None), mem("b", far, None, None)],
        households: vec![hh("h1", nan, Some("1")), hh("h2", Some(pt(0.0, 0.0)), None)],
        ..Problem::default()
    };
    let plan = solve(&p).unwrap();
    check_plan(&p, &plan);
    assert_eq!(member_of(&plan, "h1"), Some("a"));
    assert_eq!(plan.total_distance_m, 0);
    assert!(haversine_m(&pt(0.0, 0.0), &pt(300.0, 400.0)).round() == 500.0);
}

#[test]
fn locked_over_capacity_is_an_error() {
    let mut p = grid_village(5, 2, 2);
    p.locked = pairs(&[("h001", "m0"), ("h002", "m0"), ("h004", "m0")]);
    assert_eq!(p.members[0].own_household.as_deref(), Some("h003"));
    let err = solve(&p).unwrap_err();
    let want = SolveError::OverCapacity {
        member_id: "m0".into(),
        forced: 4,
        capacity: 2,
    };
    assert_eq!(err, want);
    let msg = err.to_string();
    assert!(
        msg.contains("m0") && msg.contains("4 hộ") && msg.contains("tối đa 2 hộ"),
        "{msg}"
    );
    // The baseline never fails: it keeps what fits.
    let g = greedy_nearest(&p);
    check_plan(&p, &g);
    assert_eq!(load_of(&g, "m0"), 2);
}

#[test]
fn conflicting_locks_are_an_error() {
    let mut p = grid_village(5, 2, 10);
    p.locked = pairs(&[("h004", "m0"), ("h004", "m1")]);
    let err = solve(&p).unwrap_err();
    assert_eq!(
        err,
        SolveError::ConflictingLocks {
            household_id: "h004".into()
        }
    );
    assert!(err.to_string().contains("h004"));
    // Locking a member's own household to someone else conflicts too.
    let own1 = p.members[1].own_household.clone().unwrap();
    p.locked = vec![(own1.clone(), "m0".into())];
    assert_eq!(
        solve(&p).unwrap_err(),
        SolveError::ConflictingLocks { household_id: own1 }
    );
}

#[test]
fn invalid_capacity() {
    let p = Problem {
        settings: with_cap(0),
        ..grid_village(3, 1, 10)
    };
    assert_eq!(solve(&p).unwrap_err(), SolveError::InvalidCapacity);
    assert!(!SolveError::InvalidCapacity.to_string().is_empty());
    check_plan(&p, &greedy_nearest(&p));
}

#[test]
fn shared_own_household_and_unknown_ids_become_notes() {
    let mut p = grid_village(6, 3, 10);
    p.members[1].own_household = p.members[0].own_household.clone();
    p.members[2].own_household = Some("gone".into());
    p.previous = pairs(&[("ghost", "m0"), ("h001", "nobody")]);
    p.locked = pairs(&[("h002", "nobody")]);
    p.households.push(hh("h000", None, None)); // duplicate id
    let plan = solve(&p).unwrap();
    assert_eq!(plan.ignored.len(), 6, "{:#?}", plan.ignored);
    let own = p.members[0].own_household.clone().unwrap();
    assert_eq!(member_of(&plan, &own), Some("m0"));
    // A lock may choose the other owner of a shared household.
    p.locked = vec![(own.clone(), "m1".into())];
    let plan = solve(&p).unwrap();
    let pair = plan.pairs.iter().find(|x| x.household_id == own).unwrap();
    assert_eq!(
        (pair.member_id.as_str(), pair.reason),
        ("m1", Reason::Pinned)
    );
}

#[test]
fn replan_with_new_household_moves_nothing() {
    let mut p = grid_village(40, 5, 10);
    let first = solve(&p).unwrap();
    p.previous = first
        .pairs
        .iter()
        .map(|x| (x.household_id.clone(), x.member_id.clone()))
        .collect();
    p.households.push(hh("new", Some(pt(200.0, 130.0)), None));
    p.settings.change_penalty_m = 100_000;
    let second = solve(&p).unwrap();
    check_plan(&p, &second);
    assert_eq!(second.moved_from_previous, 0);
    assert!(second
        .pairs
        .iter()
        .filter(|x| x.household_id != "new")
        .all(|x| { matches!(x.reason, Reason::Kept | Reason::Pinned | Reason::Locked) }));
}

#[test]
fn replan_after_member_leaves_moves_only_their_households() {
    let mut p = grid_village(40, 5, 10);
    let first = solve(&p).unwrap();
    p.previous = first
        .pairs
        .iter()
        .map(|x| (x.household_id.clone(), x.member_id.clone()))
        .collect();
    p.members.remove(2);
    p.settings.change_penalty_m = 100_000;
    let second = solve(&p).unwrap();
    check_plan(&p, &second);
    assert_eq!(second.uncovered.len(), 0); // 40 households, 4 × 10 slots
    assert_eq!(second.moved_from_previous, 0);
    for x in &first.pairs {
        if x.member_id != "m2" {
            assert_eq!(
                member_of(&second, &x.household_id),
                Some(x.member_id.as_str())
            );
        }
    }
    let orphans = first.pairs.iter().filter(|x| x.member_id == "m2").count();
    assert_eq!(second.ignored.len(), orphans, "{:?}", second.ignored);
}

#[test]
fn stability_penalty_counts_moves() {
    let mut p = grid_village(12, 2, 10);
    let first = solve(&p).unwrap();
    // Pretend everything was with the other member last time.
    p.previous = first
        .pairs
        .iter()
        .map(|x| {
            (
                x.household_id.clone(),
                if x.member_id == "m0" { "m1" } else { "m0" }.into(),
            )
        })
        .collect();
    p.settings.change_penalty_m = 0;
    let plan = solve(&p).unwrap();
    assert_eq!(plan.total_cost, first.total_cost);
    assert_eq!(
        plan.moved_from_previous as usize,
        plan.pairs
            .iter()
            .filter(|x| x.reason != Reason::Kept)
            .count()
    );
}

#[test]
fn greedy_is_never_better() {
    let p = grid_village(60, 7, 10);
    let (s, g) = (solve(&p).unwrap(), greedy_nearest(&p));
    check_plan(&p, &g);
    assert!(g.total_cost >= s.total_cost);
}

mod proptests;
