//! Property test: on thousands of random small villages the solver's total
//! cost equals an independent oracle's — Kuhn–Munkres (`pathfinding`) on a
//! matrix where each member is replicated into its remaining capacity slots
//! (slot k costs k·balance_weight_m), pinned/locked households are removed
//! up front, and zero-cost dummy columns absorb households that cannot all
//! be covered (KM needs rows ≤ columns).

use super::super::*;
use super::{check_plan, pt};
use pathfinding::kuhn_munkres::kuhn_munkres_min;
use pathfinding::matrix::Matrix;
use proptest::prelude::*;
use std::collections::HashMap;

/// Members with the same own-household fallback as the solver.
fn effective_members(p: &Problem) -> Vec<MemberInput> {
    p.members
        .iter()
        .map(|m| {
            let mut e = m.clone();
            let own = p
                .households
                .iter()
                .find(|h| Some(&h.id) == m.own_household.as_ref());
            if let Some(o) = own {
                e.home = e.home.or(o.pos);
                e.xom = e.xom.or_else(|| o.xom.clone());
            }
            e
        })
        .collect()
}

/// Min total cost via Kuhn–Munkres: forced households removed, each member
/// replicated into its remaining slots (slot k costs k·w), and zero-cost
/// dummy columns for households that cannot all be covered.
/// Assumes consistent pins/locks (no error case).
fn oracle_total(p: &Problem) -> i64 {
    let s = p.settings;
    let w = s.balance_weight_m;
    let eff = effective_members(p);
    let mut prev: HashMap<&str, &str> = HashMap::new();
    for (h, m) in &p.previous {
        prev.entry(h.as_str()).or_insert(m.as_str());
    }
    let cost = |h: &HouseholdInput, j: usize| {
        let moved = prev
            .get(h.id.as_str())
            .is_some_and(|&q| q != eff[j].id && eff.iter().any(|m| m.id == q));
        pair_cost(&eff[j], h, &s).0 + if moved { s.change_penalty_m } else { 0 }
    };
    // Leaving a previously covered household uncovered costs the change penalty.
    let uncovered = |h: &HouseholdInput| {
        let had = prev
            .get(h.id.as_str())
            .is_some_and(|&q| eff.iter().any(|m| m.id == q));
        if had {
            s.change_penalty_m
        } else {
            0
        }
    };
    let mut forced: HashMap<&str, usize> = HashMap::new();
    for (j, m) in p.members.iter().enumerate() {
        if let Some(o) = &m.own_household {
            forced.insert(o.as_str(), j);
        }
    }
    for (h, m) in &p.locked {
        if let Some(j) = p.members.iter().position(|x| &x.id == m) {
            forced.entry(h.as_str()).or_insert(j);
        }
    }
    let mut f = vec![0i64; p.members.len()];
    let mut total = 0;
    let mut rows = Vec::new();
    for h in &p.households {
        match forced.get(h.id.as_str()) {
            Some(&j) => {
                f[j] += 1;
                total += cost(h, j);
            }
            None => rows.push(h),
        }
    }
    total += f.iter().map(|&x| w * x * (x + 1) / 2).sum::<i64>();
    let mut cols: Vec<Option<(usize, i64)>> = Vec::new();
    for (j, &fj) in f.iter().enumerate() {
        cols.extend((fj + 1..=i64::from(s.capacity)).map(|k| Some((j, k))));
    }
    while cols.len() < rows.len() {
        cols.push(None);
    }
    if rows.is_empty() {
        return total;
    }
    let data: Vec<i64> = rows
        .iter()
        .flat_map(|h| {
            cols.iter()
                .map(|c| c.map_or(uncovered(h), |(j, k)| cost(h, j) + k * w))
        })
        .collect();
    let matrix = Matrix::from_vec(rows.len(), cols.len(), data).unwrap();
    total + kuhn_munkres_min(&matrix).0
}

/// Total cost recomputed from the plan's pairs alone.
fn recomputed_total(p: &Problem, plan: &Plan) -> i64 {
    let eff = effective_members(p);
    let pair_sum: i64 = plan
        .pairs
        .iter()
        .map(|x| {
            let j = p.members.iter().position(|m| m.id == x.member_id).unwrap();
            let h = p
                .households
                .iter()
                .find(|h| h.id == x.household_id)
                .unwrap();
            let kept = p
                .previous
                .iter()
                .find(|(ph, _)| *ph == h.id)
                .map(|(_, m)| m);
            let moved = kept.is_some_and(|q| *q != x.member_id);
            pair_cost(&eff[j], h, &p.settings).0
                + if moved {
                    p.settings.change_penalty_m
                } else {
                    0
                }
        })
        .sum();
    let w = p.settings.balance_weight_m;
    let balance: i64 = plan
        .loads
        .iter()
        .map(|l| w * i64::from(l.households) * (i64::from(l.households) + 1) / 2)
        .sum();
    let uncovered: i64 = plan
        .uncovered
        .iter()
        .filter(|hid| {
            p.previous
                .iter()
                .find(|(ph, _)| ph == *hid)
                .is_some_and(|(_, q)| p.members.iter().any(|m| m.id == *q))
        })
        .map(|_| p.settings.change_penalty_m)
        .sum();
    pair_sum + balance + uncovered
}

type Site = (Option<(u16, u16)>, Option<u8>);

fn arb_site() -> impl Strategy<Value = Site> {
    // A 40×40 grid of 50 m cells: small enough to produce ties and duplicates.
    (
        proptest::option::weighted(0.8, (0u16..40, 0u16..40)),
        proptest::option::weighted(0.7, 0u8..3),
    )
}

fn to_point(site: &Site) -> Option<GeoPoint> {
    site.0
        .map(|(x, y)| pt(f64::from(x) * 50.0, f64::from(y) * 50.0))
}

fn to_xom(site: &Site) -> Option<String> {
    site.1
        .map(|x| ["Xóm 1", "xom 1 ", "Xóm Hạ"][usize::from(x)].to_string())
}

fn arb_problem(max_h: usize, max_m: usize, max_cap: u32) -> impl Strategy<Value = Problem> {
    (0..=max_h, 1..=max_m, 1..=max_cap).prop_flat_map(|(n_h, n_m, cap)| {
        let members = proptest::collection::vec(
            (arb_site(), proptest::option::weighted(0.4, 0..n_h.max(1))),
            n_m,
        );
        let per_h = (
            arb_site(),
            proptest::option::weighted(0.5, 0..n_m),
            proptest::option::weighted(0.1, 0..n_m),
        );
        let settings = (
            0i64..=100,
            0i64..=1000,
            0i64..=500,
            0i64..=3000,
            0i64..=3000,
        );
        (proptest::collection::vec(per_h, n_h), members, settings).prop_map(move |(hs, ms, st)| {
            let households: Vec<_> = hs
                .iter()
                .enumerate()
                .map(|(i, (site, _, _))| HouseholdInput {
                    id: format!("h{i}"),
                    pos: to_point(site),
                    xom: to_xom(site),
                    ..HouseholdInput::default()
                })
                .collect();
            let mut owned = vec![false; n_h.max(1)];
            let members = ms
                .iter()
                .enumerate()
                .map(|(j, (site, own))| MemberInput {
                    id: format!("m{j}"),
                    name: format!("M{j}"),
                    home: to_point(site),
                    xom: to_xom(site),
                    // Distinct own households; "h0" may not exist when n_h = 0.
                    own_household: own
                        .filter(|&k| !std::mem::replace(&mut owned[k], true))
                        .map(|k| format!("h{k}")),
                })
                .collect();
            let mut previous: Vec<_> = hs
                .iter()
                .enumerate()
                .filter_map(|(i, x)| Some((format!("h{i}"), format!("m{}", x.1?))))
                .collect();
            previous.push(("ghost".into(), "m0".into()));
            let locked = hs
                .iter()
                .enumerate()
                .filter(|(i, _)| !owned[*i])
                .filter_map(|(i, x)| Some((format!("h{i}"), format!("m{}", x.2?))))
                .collect();
            let settings = Settings {
                capacity: cap,
                balance_weight_m: st.0,
                change_penalty_m: st.1,
                same_xom_cost_m: st.2,
                other_xom_cost_m: st.3,
                unknown_cost_m: st.4,
            };
            Problem {
                members,
                households,
                previous,
                locked,
                settings,
            }
        })
    })
}

/// The first member whose pins + locks exceed capacity, if any.
fn expected_overload(p: &Problem) -> Option<SolveError> {
    p.members.iter().find_map(|m| {
        let own = p
            .households
            .iter()
            .filter(|h| Some(&h.id) == m.own_household.as_ref())
            .count();
        let forced = own + p.locked.iter().filter(|(_, x)| *x == m.id).count();
        (forced as u32 > p.settings.capacity).then(|| SolveError::OverCapacity {
            member_id: m.id.clone(),
            forced: forced as u32,
            capacity: p.settings.capacity,
        })
    })
}

/// Everything the oracle property asserts about one problem.
fn check_against_oracle(p: &Problem) -> Result<(), TestCaseError> {
    let got = solve(p);
    if let Some(e) = expected_overload(p) {
        prop_assert_eq!(got, Err(e));
        return Ok(());
    }
    let plan = got.map_err(|e| TestCaseError::fail(e.to_string()))?;
    check_plan(p, &plan);
    prop_assert_eq!(plan.total_cost, oracle_total(p));
    prop_assert_eq!(plan.total_cost, recomputed_total(p, &plan));
    prop_assert!(plan.ignored.iter().any(|n| n.contains("ghost")));
    // Forced pairs are present with their reasons.
    let pair_of = |h: &str| plan.pairs.iter().find(|x| x.household_id == h);
    for m in &p.members {
        if let Some(pair) = m.own_household.as_deref().and_then(pair_of) {
            prop_assert_eq!((&pair.member_id, pair.reason), (&m.id, Reason::Pinned));
        }
    }
    for (h, m) in &p.locked {
        let pair = pair_of(h);
        prop_assert_eq!(
            pair.map(|x| (&x.member_id, x.reason)),
            Some((m, Reason::Locked))
        );
    }
    let g = greedy_nearest(p);
    check_plan(p, &g);
    prop_assert!(g.total_cost >= plan.total_cost);
    prop_assert_eq!(solve(p), Ok(plan));
    Ok(())
}

/// Arbitrary, messy input: duplicate and unknown ids, conflicting locks,
/// NaN/out-of-range coordinates, blank xóm, extreme settings.
fn arb_messy() -> impl Strategy<Value = Problem> {
    let id = |p: &'static str| (0u8..6).prop_map(move |i| format!("{p}{i}"));
    let coord = prop_oneof![
        Just(f64::NAN),
        Just(f64::INFINITY),
        -200.0f64..200.0,
        20.99f64..21.01,
        105.79f64..105.81,
    ];
    let point =
        proptest::option::of((coord.clone(), coord).prop_map(|(lat, lon)| GeoPoint { lat, lon }));
    let xom = proptest::option::of(prop_oneof![
        Just(String::new()),
        Just("  ".to_string()),
        "[a-zA-Zđơ ]{0,6}"
    ]);
    let member = (
        id("m"),
        point.clone(),
        xom.clone(),
        proptest::option::of(id("h")),
    );
    let household = (id("h"), point, xom);
    let pairs = proptest::collection::vec((id("h"), id("m")), 0..6);
    let extreme = prop_oneof![Just(i64::MIN), Just(i64::MAX), -5i64..5000];
    let settings = (
        prop_oneof![Just(0u32), 1u32..4, Just(u32::MAX)],
        [
            extreme.clone(),
            extreme.clone(),
            extreme.clone(),
            extreme.clone(),
            extreme,
        ],
    );
    (
        proptest::collection::vec(member, 0..6),
        proptest::collection::vec(household, 0..12),
        pairs.clone(),
        pairs,
        settings,
    )
        .prop_map(|(ms, hs, previous, locked, (capacity, c))| Problem {
            members: ms
                .into_iter()
                .map(|(id, home, xom, own_household)| MemberInput {
                    name: id.clone(),
                    id,
                    home,
                    xom,
                    own_household,
                })
                .collect(),
            households: hs
                .into_iter()
                .map(|(id, pos, xom)| HouseholdInput {
                    id,
                    pos,
                    xom,
                    ..HouseholdInput::default()
                })
                .collect(),
            previous,
            locked,
            settings: Settings {
                capacity,
                change_penalty_m: c[0],
                balance_weight_m: c[1],
                same_xom_cost_m: c[2],
                other_xom_cost_m: c[3],
                unknown_cost_m: c[4],
            },
        })
}

/// Messy input never panics, and any plan still respects capacity and
/// covers each (distinct) household at most once.
fn check_messy(p: &Problem) -> Result<(), TestCaseError> {
    let mut ids: Vec<&str> = p.households.iter().map(|h| h.id.as_str()).collect();
    ids.sort();
    ids.dedup();
    let cap = p.settings.capacity;
    let plans = match solve(p) {
        Ok(plan) => vec![plan, greedy_nearest(p)],
        Err(SolveError::InvalidCapacity) => {
            prop_assert_eq!(cap, 0);
            vec![greedy_nearest(p)]
        }
        Err(SolveError::OverCapacity {
            forced, capacity, ..
        }) => {
            prop_assert!(forced > capacity);
            vec![greedy_nearest(p)]
        }
        Err(SolveError::ConflictingLocks { .. }) => vec![greedy_nearest(p)],
    };
    for plan in plans {
        let mut seen: Vec<&str> = plan.pairs.iter().map(|x| x.household_id.as_str()).collect();
        seen.extend(plan.uncovered.iter().map(String::as_str));
        seen.sort();
        prop_assert_eq!(&seen, &ids);
        prop_assert!(plan.loads.iter().all(|l| l.households <= cap));
        prop_assert!(plan.total_cost >= 0);
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn matches_kuhn_munkres_oracle(p in arb_problem(25, 6, 6)) {
        check_against_oracle(&p)?;
    }

    #[test]
    fn messy_input_never_panics(p in arb_messy()) {
        check_messy(&p)?;
    }
}

proptest! {
    // Bigger villages: long augmenting paths and a large uncovered pool.
    #![proptest_config(ProptestConfig::with_cases(150))]

    #[test]
    fn matches_oracle_on_larger_villages(p in arb_problem(70, 12, 10)) {
        check_against_oracle(&p)?;
    }
}
