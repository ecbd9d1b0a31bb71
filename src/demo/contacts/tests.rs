use super::*;
use crate::reports::period::CutOff;
use time::macros::date;

fn pairs() -> Vec<Pair> {
    (0..40)
        .map(|i| Pair {
            household_id: format!("h{i}"),
            village_id: format!("v{}", i % 3),
            member_id: format!("m{}", i % 5),
        })
        .collect()
}

fn ids() -> impl FnMut() -> String {
    let mut n = 0;
    move || {
        n += 1;
        format!("c{n:06}")
    }
}

#[test]
fn the_same_seed_makes_the_same_year() {
    let until = date!(2026 - 12 - 02);
    let year = || {
        plan(
            "c",
            &pairs(),
            10,
            until,
            CutOff::CALENDAR,
            &mut Rng::new(7),
            ids(),
        )
    };
    let (a, b) = (year(), year());
    let days = |x: &CommuneContacts| -> Vec<(usize, Date)> {
        x.contacts
            .iter()
            .map(|c| (c.pair, c.draft.contacted_on))
            .collect()
    };
    assert_eq!(days(&a), days(&b));
    assert!(a.contacts.len() > 200 && a.contacts.len() < 600);
    assert!(a.contacts.iter().all(
        |c| c.draft.contacted_on < until && c.draft.contacted_on >= until - Duration::days(365)
    ));
    assert!(a.contacts.iter().any(|c| c.draft.follow_up_on.is_some()));
}

/// The counters equal a recount from the contacts alone, by the rules of
/// `tests/contacts.rs::counters_equal_a_recount`.
#[test]
fn counters_equal_a_recount_of_the_contacts() {
    let p = pairs();
    let out = plan(
        "c",
        &p,
        6,
        date!(2026 - 12 - 02),
        CutOff::CALENDAR,
        &mut Rng::new(3),
        ids(),
    );
    let mut counts: BTreeMap<(String, String), (i64, BTreeSet<usize>)> = BTreeMap::new();
    let mut last: BTreeMap<usize, (Date, i64)> = BTreeMap::new();
    for c in &out.contacts {
        for period in model::periods_of(c.draft.contacted_on) {
            let e = counts
                .entry((p[c.pair].village_id.clone(), period))
                .or_default();
            e.0 += 1;
            e.1.insert(c.pair);
        }
        let e = last.entry(c.pair).or_insert((c.draft.contacted_on, 0));
        e.0 = e.0.max(c.draft.contacted_on);
        e.1 += 1;
    }
    let recounted: BTreeMap<_, _> = counts
        .into_iter()
        .map(|(k, (n, hh))| (k, (n, hh.len() as i64)))
        .collect();
    assert_eq!(out.counts, recounted);
    for (i, (on, n)) in &last {
        let s = &out.households[i];
        assert_eq!((s.last_contact_on, s.contacts), (*on, *n));
    }
    let per_unit: i64 = out
        .recency
        .iter()
        .filter(|((u, _), _)| u == "c")
        .map(|(_, n)| n)
        .sum();
    assert_eq!(per_unit, out.households.len() as i64);
    assert_eq!(
        out.reach.len() as i64,
        out.counts.values().map(|v| v.1).sum::<i64>()
    );
    // Contacts are in logging order: by day, ids rising with it.
    assert!(out.contacts.windows(2).all(
        |w| w[0].draft.contacted_on <= w[1].draft.contacted_on && w[0].draft.id < w[1].draft.id
    ));
}
