//! Who looks after which household: the exact assignment solver behind
//! "Dân vận khéo 1+10". Pure: no I/O, std only, no panics on any input.
//!
//! One village is a min-cost max-flow problem:
//! source → household (cap 1) → member (cap 1, pair cost) → sink, where a
//! member's k-th household costs an extra `k · balance_weight_m`. That slot
//! cost is convex, so loads spread evenly when distances are similar.
//! Pinned (a member's own household) and locked pairs are fixed first and use
//! up the member's first slots. When households outnumber the free slots, an
//! "uncovered" column with zero cost takes exactly the surplus, so "min cost
//! among max flows" becomes a plain min-cost assignment (see `flow.rs`).
//!
//! The objective, reported as [`Plan::total_cost`], is
//! Σ pair costs (incl. change penalties) + Σ members `w·L(L+1)/2`
//! with `L` the member's load and `w = balance_weight_m`.
//!
//! Call it once per village: memory is O(H·M + M²) and time at worst about
//! O(H·M²) (≈1 ms for 300 households / 30 members in release builds). No
//! pruning of far members: exactness does not need it and speed does not
//! either. Deterministic: the same input gives the same plan.

use std::fmt;

mod flow;
mod geo;
mod prep;

use prep::Prep;

pub use geo::haversine_m;

#[derive(Debug, Clone, Copy, PartialEq)]
pub struct GeoPoint {
    pub lat: f64,
    pub lon: f64,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct MemberInput {
    pub id: String,
    pub name: String,
    /// When absent, the position of `own_household` is used.
    pub home: Option<GeoPoint>,
    /// When absent, the xóm of `own_household` is used.
    pub xom: Option<String>,
    /// Household id; that household is pinned to this member.
    pub own_household: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct HouseholdInput {
    pub id: String,
    pub code: String,
    pub pos: Option<GeoPoint>,
    pub xom: Option<String>,
    pub ngo: Option<String>,
}

/// Tuning knobs, all in metres-equivalent. Cost values are clamped to
/// `0..=100_000_000` so that no sum can overflow; negative values act as 0.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// Most households one member may look after (must be > 0).
    pub capacity: u32,
    /// Extra cost of giving a household a different member than last plan.
    pub change_penalty_m: i64,
    /// The k-th household of a member costs an extra `k · balance_weight_m`.
    pub balance_weight_m: i64,
    /// Pair cost without coordinates, same xóm.
    pub same_xom_cost_m: i64,
    /// Pair cost without coordinates, different xóm.
    pub other_xom_cost_m: i64,
    /// Pair cost without coordinates and with a xóm missing.
    pub unknown_cost_m: i64,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            capacity: 10,
            change_penalty_m: 300,
            balance_weight_m: 40,
            same_xom_cost_m: 150,
            other_xom_cost_m: 1500,
            unknown_cost_m: 1500,
        }
    }
}

const MAX_COST_PARAM: i64 = 100_000_000;

impl Settings {
    fn sanitized(&self) -> Settings {
        let c = |v: i64| v.clamp(0, MAX_COST_PARAM);
        Settings {
            capacity: self.capacity,
            change_penalty_m: c(self.change_penalty_m),
            balance_weight_m: c(self.balance_weight_m),
            same_xom_cost_m: c(self.same_xom_cost_m),
            other_xom_cost_m: c(self.other_xom_cost_m),
            unknown_cost_m: c(self.unknown_cost_m),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Default)]
pub struct Problem {
    pub members: Vec<MemberInput>,
    pub households: Vec<HouseholdInput>,
    /// (household id, member id) pairs of the plan in force.
    pub previous: Vec<(String, String)>,
    /// (household id, member id) pairs the secretary fixed by hand.
    pub locked: Vec<(String, String)>,
    pub settings: Settings,
}

/// Why a pair was chosen, in precedence order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Reason {
    /// The member's own household.
    Pinned,
    /// Fixed by the secretary.
    Locked,
    /// Same as the previous plan.
    Kept,
    /// Chosen by walking distance.
    Distance,
    /// No coordinates; same xóm.
    SameXom,
    /// No coordinates; different xóm.
    OtherXom,
    /// No coordinates and xóm unknown.
    Unknown,
}

impl Reason {
    /// Stable machine code, e.g. for storage.
    pub fn code(self) -> &'static str {
        match self {
            Reason::Pinned => "pinned",
            Reason::Locked => "locked",
            Reason::Kept => "kept",
            Reason::Distance => "distance",
            Reason::SameXom => "same_xom",
            Reason::OtherXom => "other_xom",
            Reason::Unknown => "unknown",
        }
    }

    /// Short Vietnamese label for the secretary.
    pub fn label_vi(self) -> &'static str {
        match self {
            Reason::Pinned => "Hộ của chính đảng viên",
            Reason::Locked => "Bí thư chi bộ khóa cứng",
            Reason::Kept => "Giữ như phân công trước",
            Reason::Distance => "Gần nhà",
            Reason::SameXom => "Cùng xóm",
            Reason::OtherXom => "Khác xóm",
            Reason::Unknown => "Thiếu vị trí và xóm",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pair {
    pub household_id: String,
    pub member_id: String,
    pub reason: Reason,
    /// Walking distance when both ends have coordinates.
    pub distance_m: Option<u32>,
    /// Pair cost incl. change penalty, excl. balance cost.
    pub cost: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Load {
    pub member_id: String,
    pub households: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Plan {
    /// Sorted by household id.
    pub pairs: Vec<Pair>,
    /// Households left without a member (capacity exhausted), sorted.
    pub uncovered: Vec<String>,
    /// ceil(H / capacity) − M, or 0.
    pub members_needed: u32,
    /// Every member in input order, including those with no household.
    pub loads: Vec<Load>,
    /// Σ pair costs + Σ balance_weight_m·L(L+1)/2.
    pub total_cost: i64,
    pub total_distance_m: u64,
    /// Households whose (still valid) previous member is not their member now.
    pub moved_from_previous: u32,
    /// Notes on input that was skipped (unknown ids, duplicates, …).
    pub ignored: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SolveError {
    OverCapacity {
        member_id: String,
        forced: u32,
        capacity: u32,
    },
    ConflictingLocks {
        household_id: String,
    },
    InvalidCapacity,
}

impl fmt::Display for SolveError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SolveError::OverCapacity {
                member_id,
                forced,
                capacity,
            } => write!(
                f,
                "Đảng viên {member_id} đã bị khóa cứng {forced} hộ (kể cả hộ của chính mình), \
                 vượt mức tối đa {capacity} hộ. Hãy bỏ khóa bớt hoặc tăng mức tối đa."
            ),
            SolveError::ConflictingLocks { household_id } => write!(
                f,
                "Hộ {household_id} đang bị khóa cho hai đảng viên khác nhau \
                 (hoặc bị khóa cho người khác trong khi đó là hộ của một đảng viên). \
                 Hãy giữ lại một lựa chọn."
            ),
            SolveError::InvalidCapacity => write!(
                f,
                "Mức tối đa số hộ mỗi đảng viên phụ trách phải lớn hơn 0."
            ),
        }
    }
}

impl std::error::Error for SolveError {}

/// Base cost of a pair as given (no stability penalty, no balance cost, no
/// fallback from a member's own household): `(cost, reason, distance_m)`.
pub fn pair_cost(
    member: &MemberInput,
    household: &HouseholdInput,
    settings: &Settings,
) -> (i64, Reason, Option<u32>) {
    let m = geo::Site::new(member.home.as_ref(), member.xom.as_deref());
    let h = geo::Site::new(household.pos.as_ref(), household.xom.as_deref());
    geo::base_cost(&m, &h, &settings.sanitized())
}

/// Above this many (household, member) cells, costs are computed on the fly
/// instead of cached in a matrix, so a freak input cannot exhaust memory.
const MATRIX_LIMIT: usize = 4_000_000;

/// Exact plan: max coverage, then min total cost (see module docs).
pub fn solve(p: &Problem) -> Result<Plan, SolveError> {
    if p.settings.capacity == 0 {
        return Err(SolveError::InvalidCapacity);
    }
    let prep = Prep::new(p);
    if let Some(e) = prep.conflict.clone() {
        return Err(e);
    }
    let cap = prep.s.capacity;
    let forced_load = prep.forced_load();
    if let Some((j, &f)) = forced_load.iter().enumerate().find(|(_, &f)| f > cap) {
        return Err(SolveError::OverCapacity {
            member_id: prep.member(j).id.clone(),
            forced: f,
            capacity: cap,
        });
    }

    let mut assign: Vec<Option<usize>> = prep.forced.iter().map(|f| f.map(|x| x.0)).collect();
    let free: Vec<usize> = (0..assign.len()).filter(|&h| assign[h].is_none()).collect();
    let w = prep.s.balance_weight_m;
    // Columns: members with spare slots (slots start after the forced ones),
    // then the "uncovered" pool if slots are short (free for a household that had no
    // member before, the change penalty for one that had).
    let mut cols = Vec::new();
    let mut col_member: Vec<Option<usize>> = Vec::new();
    let mut slots = 0usize;
    for (j, &f) in forced_load.iter().enumerate() {
        let spare = usize::try_from(cap - f)
            .unwrap_or(usize::MAX)
            .min(free.len());
        if spare > 0 {
            slots = slots.saturating_add(spare);
            cols.push(flow::Column {
                cap: spare,
                first_slot: w * (i64::from(f) + 1),
                step: w,
            });
            col_member.push(Some(j));
        }
    }
    if free.len() > slots {
        cols.push(flow::Column {
            cap: free.len() - slots,
            first_slot: 0,
            step: 0,
        });
        col_member.push(None);
    }
    let cost = |i: usize, c: usize| match (free.get(i), col_member.get(c)) {
        (Some(&h), Some(&Some(j))) => prep.cost(h, j),
        (Some(&h), Some(&None)) => prep.uncovered_cost(h),
        _ => 0,
    };
    let nc = cols.len();
    let result = if free.len().saturating_mul(nc) <= MATRIX_LIMIT {
        // Rows are read many times while the solver shuffles them: cache.
        let mut mat = Vec::with_capacity(free.len() * nc);
        for i in 0..free.len() {
            mat.extend((0..nc).map(|c| cost(i, c)));
        }
        flow::min_cost_assign(free.len(), &cols, |i, out| {
            if let Some(row) = mat.get(i * nc..(i + 1) * nc) {
                out.copy_from_slice(row);
            }
        })
    } else {
        flow::min_cost_assign(free.len(), &cols, |i, out| {
            for (c, o) in out.iter_mut().enumerate() {
                *o = cost(i, c);
            }
        })
    };
    for (i, c) in result.into_iter().enumerate() {
        if let (Some(&h), Some(&Some(j))) = (free.get(i), c.and_then(|c| col_member.get(c))) {
            assign[h] = Some(j);
        }
    }
    Ok(prep.plan(&assign, Vec::new()))
}

/// Baseline for benchmarks: forced pairs first (while capacity lasts), then
/// each household in input order to the nearest member (by base pair cost)
/// that still has room. Never fails; problems it cannot honour become notes.
pub fn greedy_nearest(p: &Problem) -> Plan {
    let prep = Prep::new(p);
    let cap = prep.s.capacity;
    let mut notes = Vec::new();
    let mut load = vec![0u32; prep.mem.len()];
    let mut assign: Vec<Option<usize>> = vec![None; prep.hh.len()];
    for (h, f) in prep.forced.iter().enumerate() {
        if let Some((j, _)) = *f {
            if load[j] < cap {
                load[j] += 1;
                assign[h] = Some(j);
            } else {
                notes.push(format!(
                    "Vượt mức tối đa: hộ {} không giữ được đảng viên bắt buộc.",
                    prep.household(h).id
                ));
            }
        }
    }
    for (h, a) in assign.iter_mut().enumerate() {
        if a.is_some() {
            continue;
        }
        let best = (0..prep.mem.len())
            .filter(|&j| load[j] < cap)
            .min_by_key(|&j| (prep.base(h, j).0, j));
        if let Some(j) = best {
            load[j] += 1;
            *a = Some(j);
        }
    }
    prep.plan(&assign, notes)
}

#[cfg(test)]
mod tests;
