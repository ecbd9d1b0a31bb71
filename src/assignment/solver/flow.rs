//! Exact min-cost assignment of rows (households) to columns (members) where
//! a column's k-th row costs an extra, non-decreasing slot cost.
//!
//! This is min-cost flow on source → row (cap 1) → column (cap 1, pair cost)
//! → sink (one unit arc per slot, convex costs), solved by successive shortest
//! paths with Johnson potentials, adding one row at a time (the Hungarian /
//! Jonker–Volgenant scheme). Facts about this graph that make it fast:
//!
//! * Rows are added one by one, so each Dijkstra has a single source and
//!   usually stops after settling a few columns.
//! * Slot costs are convex, so of a column's parallel sink arcs only the next
//!   free slot can be on a shortest path; we keep one number per column.
//! * An assigned (row, column) arc always has reduced cost 0. So a row's
//!   potential is implied by its column's, and the cheapest way to go from
//!   column j to column k (move one of j's rows to k) is
//!   `T[j][k] = min over rows h of j of c(h,k) − c(h,j)`, independent of the
//!   potentials. We keep that M×M table up to date for the few columns each
//!   augmentation touches, and Dijkstra runs on the columns alone: O(M²) per
//!   row instead of O(H·M).
//!
//! The search stops as soon as the sink is settled; unsettled columns keep
//! their potentials (equivalently, distances are capped at the sink's), which
//! keeps every residual reduced cost non-negative.
//!
//! The caller must supply enough slots for every row (it adds an "uncovered"
//! column for the surplus); a row that still finds no slot is left unassigned
//! rather than panicking.

/// Sentinel for "no row / no column".
const NONE: usize = usize::MAX;
/// Larger than any reachable distance, small enough that sums never overflow.
const INF: i64 = i64::MAX / 4;

/// One column of the assignment: a member's free slots, or the uncovered pool.
#[derive(Debug, Clone, Copy)]
pub(super) struct Column {
    /// Rows this column may still take.
    pub(super) cap: usize,
    /// Extra cost of the first free slot.
    pub(super) first_slot: i64,
    /// How much each further slot costs more than the previous one (>= 0).
    pub(super) step: i64,
}

/// Assigns each row `0..n` to a column, minimising the sum of pair costs plus
/// slot costs. `fill_row(i, out)` writes row i's cost to every column into
/// `out` (all >= 0). Returns the column of each row. Ties go to lower indices
/// and earlier rows, so the result is deterministic.
pub(super) fn min_cost_assign<F>(n: usize, cols: &[Column], fill_row: F) -> Vec<Option<usize>>
where
    F: Fn(usize, &mut [i64]),
{
    let m = cols.len();
    if m == 0 {
        return vec![None; n];
    }
    let mut row_col = vec![NONE; n];
    let mut col_rows: Vec<Vec<usize>> = vec![Vec::new(); m];
    let mut next_slot: Vec<i64> = cols.iter().map(|c| c.first_slot).collect();
    // Column potentials; reduced cost of arc u→v is c(u,v) + phi(u) − phi(v).
    // Row potentials are implied (phi(col) − c(row, col)); the sink's stays 0.
    let mut phi = vec![0i64; m];
    let mut t_val = vec![INF; m * m];
    let mut t_row = vec![NONE; m * m];
    let mut dist = vec![INF; m];
    let mut pred = vec![NONE; m];
    let mut done = vec![false; m];
    let mut settled: Vec<usize> = Vec::with_capacity(m);
    let mut path: Vec<usize> = Vec::with_capacity(m);
    let mut moves: Vec<(usize, usize, usize)> = Vec::with_capacity(m);
    let mut buf = vec![0i64; m];

    for h0 in 0..n {
        // The new row's potential makes all its arcs non-negative.
        fill_row(h0, &mut buf);
        let phi0 = phi.iter().zip(&buf).map(|(p, c)| p - c).max().unwrap_or(0);
        for k in 0..m {
            dist[k] = buf[k] + phi0 - phi[k];
            pred[k] = NONE;
            done[k] = false;
        }
        settled.clear();

        let mut d_sink = INF;
        let mut last = NONE;
        loop {
            let mut c = NONE;
            let mut dc = INF;
            for k in 0..m {
                if !done[k] && dist[k] < dc {
                    dc = dist[k];
                    c = k;
                }
            }
            if c == NONE || dc >= d_sink {
                break;
            }
            done[c] = true;
            settled.push(c);
            if col_rows[c].len() < cols[c].cap {
                let d = dc + next_slot[c] + phi[c];
                if d < d_sink {
                    d_sink = d;
                    last = c;
                }
            }
            // Settled columns never improve here (reduced costs are >= 0),
            // so no `done` test is needed and the loop stays branch-light.
            let base = dc + phi[c];
            let tv = &t_val[c * m..(c + 1) * m];
            for k in 0..m {
                let nd = base + tv[k] - phi[k];
                if nd < dist[k] {
                    dist[k] = nd;
                    pred[k] = c;
                }
            }
        }
        if last == NONE {
            continue; // no free slot anywhere: leave the row unassigned
        }

        // Capped potential update: settled columns move by (distance − d_sink).
        for &c in &settled {
            phi[c] += dist[c] - d_sink;
        }
        next_slot[last] += cols[last].step;

        // Path sink ← last ← … ← first ← h0. Read all moves before changing
        // any column, since they refer to the table as it was searched.
        path.clear();
        moves.clear();
        let mut k = last;
        for _ in 0..m {
            path.push(k);
            let j = pred[k];
            if j == NONE {
                break;
            }
            moves.push((t_row[j * m + k], j, k));
            k = j;
        }
        for &(h, from, to) in &moves {
            if h == NONE {
                continue;
            }
            let rows = &mut col_rows[from];
            if let Some(p) = rows.iter().position(|&x| x == h) {
                rows.swap_remove(p);
            }
            col_rows[to].push(h);
            row_col[h] = to;
        }
        col_rows[k].push(h0);
        row_col[h0] = k;

        // Refresh the transfer table of every column whose rows changed.
        for &j in &path {
            let (tv, tr) = (
                &mut t_val[j * m..(j + 1) * m],
                &mut t_row[j * m..(j + 1) * m],
            );
            tv.fill(INF);
            tr.fill(NONE);
            for &h in &col_rows[j] {
                fill_row(h, &mut buf);
                let own = buf[j];
                for k in 0..m {
                    let v = buf[k] - own;
                    if k != j && v < tv[k] {
                        tv[k] = v;
                        tr[k] = h;
                    }
                }
            }
        }
    }
    row_col
        .into_iter()
        .map(|c| (c != NONE).then_some(c))
        .collect()
}
