//! Synthetic contacts for `danvan generate`: a year of visits, calls, meetings and
//! messages for each assigned household of a commune, with every counter they move
//! computed here, in memory, by the same rules `contacts::store::record` applies one
//! contact at a time (`model::state_after`, `model::periods_of`). Pure: the generator
//! writes what this returns in multi-row inserts, one unit of work per commune, since
//! ten million contacts a year cannot go through `record` one by one.

use std::collections::{BTreeMap, BTreeSet};

use time::{Date, Duration};

use super::synth::Rng;
use crate::contacts::model::{self, Channel, ContactDraft, ContactState, PlanTopic};
use crate::reports::period::CutOff;

/// A household and the member who looks after it in the approved plan.
#[derive(Debug, Clone)]
pub struct Pair {
    pub household_id: String,
    pub village_id: String,
    pub member_id: String,
}

/// One generated contact and whom it was with.
#[derive(Debug, Clone)]
pub struct Contact {
    pub pair: usize,
    pub draft: ContactDraft,
}

/// A commune's contacts and the counter rows they make, as `record` would leave them.
#[derive(Debug, Default)]
pub struct CommuneContacts {
    /// In the order they are taken to have been logged: by day, so ids rise with days.
    pub contacts: Vec<Contact>,
    /// Per pair index with at least one contact.
    pub households: BTreeMap<usize, ContactState>,
    /// Per member: (their village, latest contact, contacts).
    pub members: BTreeMap<String, (String, Date, i64)>,
    /// Per (village, period): (contacts, distinct households).
    pub counts: BTreeMap<(String, String), (i64, i64)>,
    /// First-contact markers: (pair index, period).
    pub reach: BTreeSet<(usize, String)>,
    /// Members' first contact in each period: (member, period) → the contact's village.
    pub active: BTreeMap<(String, String), String>,
    /// Per (village, period): members active.
    pub active_counts: BTreeMap<(String, String), i64>,
    /// Per (unit, day): households whose latest contact is that day; the unit is the
    /// village and the commune.
    pub recency: BTreeMap<(String, String), i64>,
}

/// How members reach households: mostly at home, often by phone.
const CHANNELS: &[(Channel, u64)] = &[
    (Channel::Visit, 50),
    (Channel::Phone, 25),
    (Channel::Meeting, 15),
    (Channel::Message, 10),
];

const NOTES: &[&str] = &[
    "Hộ đồng tình, sẽ tham gia họp thôn",
    "Gia đình hỏi về thủ tục cấp sổ đỏ",
    "Nhắc đóng góp quỹ khuyến học",
    "Con đi làm xa, chỉ gặp bố mẹ",
    "Hộ phản ánh đường ngõ bị ngập khi mưa",
    "Đã hướng dẫn đăng ký bảo hiểm y tế",
];

/// In one percent: how often a contact asks for a follow-up, and carries a note.
const FOLLOW_UP_PERCENT: u64 = 15;
const NOTE_PERCENT: u64 = 20;
/// The days a year of history spans: the 365 days before `until`, `until` excluded, so
/// that contacts logged on that day (a benchmark, a test) are never ties.
const DAYS: i64 = 365;

/// A year of contacts for `pairs`, about `per_year` per household on average (some get
/// none, some twice as many), on distinct days before `until`. `new_id` names each
/// contact, called in logging order.
pub fn plan(
    commune_id: &str,
    pairs: &[Pair],
    per_year: u32,
    until: Date,
    cutoff: CutOff,
    r: &mut Rng,
    mut new_id: impl FnMut() -> String,
) -> CommuneContacts {
    // Drawn household by household, then put in logging order and named.
    let mut drawn: Vec<Contact> = Vec::new();
    for (i, _) in pairs.iter().enumerate() {
        let n = (r.below(2 * u64::from(per_year) + 1) as i64).min(DAYS);
        let mut days = BTreeSet::new();
        while (days.len() as i64) < n {
            days.insert(1 + r.below(DAYS as u64) as i64);
        }
        for back in days {
            let on = until - Duration::days(back);
            let channel = weighted(r, CHANNELS);
            let topics = topics(r);
            let note = if r.chance(NOTE_PERCENT) {
                (*r.pick(NOTES)).to_owned()
            } else {
                String::new()
            };
            let follow_up_on = r
                .chance(FOLLOW_UP_PERCENT)
                .then(|| on + Duration::days(r.range(3, 30)));
            drawn.push(Contact {
                pair: i,
                draft: ContactDraft {
                    id: String::new(),
                    contacted_on: on,
                    channel,
                    topics,
                    note,
                    follow_up_on,
                },
            });
        }
    }
    drawn.sort_by_key(|c| (c.draft.contacted_on, c.pair));
    let mut out = CommuneContacts::default();
    for Contact { pair: i, mut draft } in drawn {
        draft.id = new_id();
        count(&mut out, &pairs[i], i, &draft, cutoff);
        out.contacts.push(Contact { pair: i, draft });
    }
    for (i, s) in &out.households {
        let day = model::day_text(s.last_contact_on);
        for unit in [&pairs[*i].village_id, &commune_id.to_owned()] {
            *out.recency.entry((unit.clone(), day.clone())).or_default() += 1;
        }
    }
    out
}

/// What recording `c` moves, as `store::move_counters` does (recency is set at the end,
/// from the households' final state: the same rows its moves leave).
fn count(out: &mut CommuneContacts, p: &Pair, i: usize, c: &ContactDraft, cutoff: CutOff) {
    let next = model::state_after(out.households.get(&i), c);
    out.households.insert(i, next);
    let m = out
        .members
        .entry(p.member_id.clone())
        .or_insert_with(|| (p.village_id.clone(), c.contacted_on, 0));
    m.1 = m.1.max(c.contacted_on);
    m.2 += 1;
    let periods = model::periods_of(c.contacted_on)
        .into_iter()
        .chain(model::cutoff_periods_of(c.contacted_on, cutoff));
    for period in periods {
        let first = out.reach.insert((i, period.clone()));
        let n = out
            .counts
            .entry((p.village_id.clone(), period.clone()))
            .or_default();
        n.0 += 1;
        n.1 += i64::from(first);
        let key = (p.member_id.clone(), period.clone());
        if let std::collections::btree_map::Entry::Vacant(e) = out.active.entry(key) {
            e.insert(p.village_id.clone());
            *out.active_counts
                .entry((p.village_id.clone(), period))
                .or_default() += 1;
        }
    }
}

fn weighted<T: Copy>(r: &mut Rng, items: &[(T, u64)]) -> T {
    let total: u64 = items.iter().map(|(_, w)| w).sum();
    let mut x = r.below(total);
    for (item, w) in items {
        if x < *w {
            return *item;
        }
        x -= w;
    }
    items[0].0
}

/// One to three distinct topics of the plan's list; policy and law come up most.
fn topics(r: &mut Rng) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    if r.chance(40) {
        out.push(PlanTopic::ALL[0].code().to_owned());
    }
    let want = 1 + r.below(3) as usize;
    while out.len() < want {
        let code = r.pick(PlanTopic::ALL).code();
        if !out.iter().any(|t| t == code) {
            out.push(code.to_owned());
        }
    }
    out
}

#[cfg(test)]
mod tests;
