//! Input resolution and plan assembly shared by `solve` and `greedy_nearest`:
//! ids become indices, duplicates and unknown ids become notes, pins and
//! locks become forced pairs, and an assignment becomes a `Plan`.

use super::geo;
use super::{HouseholdInput, Load, MemberInput, Pair, Plan, Problem, Reason, Settings, SolveError};
use std::collections::HashMap;

/// Input resolved to indices: unique members/households, sites, previous
/// members and forced pairs. Everything after this works on `usize`.
pub(super) struct Prep<'a> {
    p: &'a Problem,
    pub(super) s: Settings,
    /// Indices into `p.members` / `p.households` of the first record per id.
    pub(super) mem: Vec<usize>,
    pub(super) hh: Vec<usize>,
    msite: Vec<geo::Site>,
    hsite: Vec<geo::Site>,
    prev: Vec<Option<usize>>,
    pub(super) forced: Vec<Option<(usize, Reason)>>,
    notes: Vec<String>,
    pub(super) conflict: Option<SolveError>,
}

impl<'a> Prep<'a> {
    pub(super) fn new(p: &'a Problem) -> Prep<'a> {
        let mut notes = Vec::new();
        let (hh, hidx) = index_unique(p.households.iter().map(|h| h.id.as_str()), "Hộ", &mut notes);
        let (mem, midx) = index_unique(
            p.members.iter().map(|m| m.id.as_str()),
            "Đảng viên",
            &mut notes,
        );
        let hsite: Vec<geo::Site> = hh
            .iter()
            .map(|&i| geo::Site::new(p.households[i].pos.as_ref(), p.households[i].xom.as_deref()))
            .collect();
        let own = |j: usize| {
            let id = p.members[mem[j]].own_household.as_deref()?;
            hidx.get(id).copied()
        };
        // A member without home/xóm most likely lives at their own household.
        let msite: Vec<geo::Site> = (0..mem.len())
            .map(|j| {
                let m = &p.members[mem[j]];
                let mut site = geo::Site::new(m.home.as_ref(), m.xom.as_deref());
                if let Some(o) = own(j).and_then(|h| hsite.get(h)) {
                    site.pt = site.pt.or(o.pt);
                    site.xom = site.xom.or_else(|| o.xom.clone());
                }
                site
            })
            .collect();
        let lookup = |(hid, mid): &(String, String)| {
            Some((*hidx.get(hid.as_str())?, *midx.get(mid.as_str())?))
        };

        let mut prev: Vec<Option<usize>> = vec![None; hh.len()];
        for pair in &p.previous {
            match lookup(pair) {
                Some((h, j)) if prev[h].is_none() || prev[h] == Some(j) => prev[h] = Some(j),
                Some((h, _)) => notes.push(format!(
                    "Phân công trước: hộ {} có nhiều đảng viên, chỉ giữ cặp đầu tiên.",
                    label(&p.households[hh[h]].code, &pair.0)
                )),
                None => notes.push(format!(
                    "Phân công trước: bỏ qua cặp hộ {} – đảng viên {} (mã không còn trong danh sách).",
                    pair.0, pair.1
                )),
            }
        }

        let mut forced: Vec<Option<(usize, Reason)>> = vec![None; hh.len()];
        for j in 0..mem.len() {
            let m = &p.members[mem[j]];
            let Some(oid) = m.own_household.as_deref() else {
                continue;
            };
            match own(j) {
                None => notes.push(format!(
                    "Hộ {oid} của đảng viên {} không có trong danh sách hộ, bỏ qua.",
                    label(&m.name, &m.id)
                )),
                Some(h) => match forced[h] {
                    None => forced[h] = Some((j, Reason::Pinned)),
                    Some((k, _)) => notes.push(format!(
                        "Hộ {} là hộ của nhiều đảng viên; giao cho {} (người đầu tiên).",
                        label(&p.households[hh[h]].code, oid),
                        label(&p.members[mem[k]].name, &p.members[mem[k]].id)
                    )),
                },
            }
        }
        let mut conflict = None;
        let mut lock_of: Vec<Option<usize>> = vec![None; hh.len()];
        for pair in &p.locked {
            let Some((h, j)) = lookup(pair) else {
                notes.push(format!(
                    "Khóa cứng: bỏ qua cặp hộ {} – đảng viên {} (mã không có trong danh sách).",
                    pair.0, pair.1
                ));
                continue;
            };
            let owner = own(j) == Some(h);
            let ok = match (lock_of[h], forced[h]) {
                (Some(k), _) if k != j => false,
                (_, None) => {
                    forced[h] = Some((j, Reason::Locked));
                    true
                }
                (_, Some((k, _))) if k == j => true,
                // A household shared by several members: the lock picks one.
                (None, Some((_, Reason::Pinned))) if owner => {
                    forced[h] = Some((j, Reason::Pinned));
                    true
                }
                _ => false,
            };
            if ok {
                lock_of[h] = Some(j);
            } else {
                notes.push(format!(
                    "Khóa cứng mâu thuẫn cho hộ {}, giữ lựa chọn đầu tiên.",
                    label(&p.households[hh[h]].code, &pair.0)
                ));
                conflict.get_or_insert(SolveError::ConflictingLocks {
                    household_id: pair.0.clone(),
                });
            }
        }
        Prep {
            p,
            s: p.settings.sanitized(),
            mem,
            hh,
            msite,
            hsite,
            prev,
            forced,
            notes,
            conflict,
        }
    }

    pub(super) fn member(&self, j: usize) -> &MemberInput {
        &self.p.members[self.mem[j]]
    }

    pub(super) fn household(&self, h: usize) -> &HouseholdInput {
        &self.p.households[self.hh[h]]
    }

    pub(super) fn forced_load(&self) -> Vec<u32> {
        let mut load = vec![0u32; self.mem.len()];
        for &(j, _) in self.forced.iter().flatten() {
            load[j] = load[j].saturating_add(1);
        }
        load
    }

    pub(super) fn base(&self, h: usize, j: usize) -> (i64, Reason, Option<u32>) {
        geo::base_cost(&self.msite[j], &self.hsite[h], &self.s)
    }

    pub(super) fn moved(&self, h: usize, j: usize) -> bool {
        self.prev[h].is_some_and(|q| q != j)
    }

    /// Pair cost as optimised: base cost plus the change penalty.
    pub(super) fn cost(&self, h: usize, j: usize) -> i64 {
        let pen = if self.moved(h, j) {
            self.s.change_penalty_m
        } else {
            0
        };
        self.base(h, j).0 + pen
    }

    /// Leaving a household uncovered that had a member costs the same as moving it: so
    /// when members are short, re-planning does not shuffle who stays uncovered.
    pub(super) fn uncovered_cost(&self, h: usize) -> i64 {
        if self.prev[h].is_some() {
            self.s.change_penalty_m
        } else {
            0
        }
    }

    pub(super) fn plan(&self, assign: &[Option<usize>], extra_notes: Vec<String>) -> Plan {
        let mut loads = vec![0u32; self.mem.len()];
        let mut plan = Plan::default();
        for (h, a) in assign.iter().enumerate() {
            let hid = &self.household(h).id;
            let Some(j) = *a else {
                plan.uncovered.push(hid.clone());
                plan.moved_from_previous += u32::from(self.prev[h].is_some());
                plan.total_cost = plan.total_cost.saturating_add(self.uncovered_cost(h));
                continue;
            };
            loads[j] += 1;
            let (base, base_reason, distance_m) = self.base(h, j);
            let moved = self.moved(h, j);
            let reason = match self.forced[h] {
                Some((k, r)) if k == j => r,
                _ if self.prev[h] == Some(j) => Reason::Kept,
                _ => base_reason,
            };
            let cost = base + if moved { self.s.change_penalty_m } else { 0 };
            plan.moved_from_previous += u32::from(moved);
            plan.total_cost = plan.total_cost.saturating_add(cost);
            plan.total_distance_m += u64::from(distance_m.unwrap_or(0));
            plan.pairs.push(Pair {
                household_id: hid.clone(),
                member_id: self.member(j).id.clone(),
                reason,
                distance_m,
                cost,
            });
        }
        for (j, &l) in loads.iter().enumerate() {
            let l = i64::from(l);
            let balance = self.s.balance_weight_m.saturating_mul(l * (l + 1) / 2);
            plan.total_cost = plan.total_cost.saturating_add(balance);
            plan.loads.push(Load {
                member_id: self.member(j).id.clone(),
                households: loads[j],
            });
        }
        plan.pairs
            .sort_by(|a, b| a.household_id.cmp(&b.household_id));
        plan.uncovered.sort();
        let cap = u64::from(self.s.capacity.max(1));
        let needed = (self.hh.len() as u64)
            .div_ceil(cap)
            .saturating_sub(self.mem.len() as u64);
        plan.members_needed = u32::try_from(needed).unwrap_or(u32::MAX);
        plan.ignored = self.notes.iter().cloned().chain(extra_notes).collect();
        plan
    }
}

/// What a secretary recognises: the household code / member name, else the id.
fn label<'s>(human: &'s str, id: &'s str) -> &'s str {
    if human.trim().is_empty() {
        id
    } else {
        human
    }
}

/// Positions of the first record for each id, plus id → local index.
/// Later duplicates are skipped with a note.
fn index_unique<'s>(
    ids: impl Iterator<Item = &'s str>,
    what: &str,
    notes: &mut Vec<String>,
) -> (Vec<usize>, HashMap<&'s str, usize>) {
    let mut order = Vec::new();
    let mut index = HashMap::new();
    for (i, id) in ids.enumerate() {
        if index.contains_key(id) {
            notes.push(format!("{what} {id} bị trùng mã, bỏ qua bản ghi lặp lại."));
        } else {
            index.insert(id, order.len());
            order.push(i);
        }
    }
    (order, index)
}
