//! Matching imported rows against the registry and applying them, all in the caller's
//! one transaction: either every accepted row is written or none is.
//!
//! A household matches by its code in the village, else by the head's name and address
//! (folded, so "Hoà"/"Hòa" agree); a member by name in the village and year of birth.
//! Re-importing a file therefore finds every row unchanged. A column the file lacks, or
//! a blank cell, never erases what the registry holds: old lists are often partial.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Serialize};

use super::{households, members, Converted, Parsed, Rejected};
use crate::audit;
use crate::auth::Scope;
use crate::clock;
use crate::db::{Tx, Value, WriteTx};
use crate::error::{AppError, AppResult};
use crate::people::address;
use crate::people::rows::{HouseholdRow, MemberRow, TableRow};
use crate::text;
use crate::units::store::{self as units, Unit};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    Households,
    Members,
}

impl Kind {
    pub fn parse(s: &str) -> Option<Kind> {
        match s {
            "households" | "ho" => Some(Kind::Households),
            "members" | "dang-vien" => Some(Kind::Members),
            _ => None,
        }
    }

    pub fn code(self) -> &'static str {
        match self {
            Kind::Households => "households",
            Kind::Members => "members",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Kind::Households => "hộ gia đình",
            Kind::Members => "đảng viên",
        }
    }
}

pub struct Options<'a> {
    pub secret: &'a str,
    pub citizen_id_enabled: bool,
    /// false: a preview (dry run) that writes nothing.
    pub apply: bool,
    /// Hash of the file, kept in the audit event.
    pub sha256: &'a str,
    /// Apply the valid rows even though some were rejected. Off by default: an import is
    /// all-or-nothing, so a file with a bad row changes nothing until it is fixed or the
    /// person explicitly chooses to leave those rows out.
    pub skip_rejected: bool,
    /// Give names typed in capitals or lowercase a capital at each word.
    pub title_case_names: bool,
}

/// What an import did (or, in a preview, would do).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Outcome {
    pub kind: Kind,
    pub unit: String,
    pub applied: bool,
    pub new: usize,
    pub updated: usize,
    pub unchanged: usize,
    pub rejected_count: usize,
    pub converted: Vec<Converted>,
    pub notes: Vec<String>,
    pub rejected: Vec<Rejected>,
    /// Rows left out as signature or note lines under the list (not households).
    #[serde(default)]
    pub footer_rows: Vec<u32>,
    /// Headers of the file's columns that are not imported.
    #[serde(default)]
    pub ignored_columns: Vec<String>,
    /// Support categories written in other words and what they were read as.
    #[serde(default)]
    pub mapped: Vec<Mapped>,
    /// The first [`ADDED_SHOWN`] households the import adds (all are counted in `new`).
    #[serde(default)]
    pub added: Vec<Added>,
    /// Names typed in capitals or in lowercase.
    #[serde(default)]
    pub names_to_recase: usize,
    /// Whether those names were (or, in a preview, will be) given a capital at each word.
    #[serde(default)]
    pub names_recased: bool,
}

/// How many of the households to add the preview lists, so the page stays small.
pub const ADDED_SHOWN: usize = 50;

/// A household the import adds, as the preview lists it.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Added {
    pub code: String,
    pub head: String,
    pub address: String,
}

impl Outcome {
    /// Households added beyond those listed.
    pub fn added_more(&self) -> usize {
        self.new.saturating_sub(self.added.len())
    }
}

/// "Người cao tuổi" (as written) was stored as "Người cao tuổi neo đơn" in `rows` rows.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq)]
pub struct Mapped {
    pub written: String,
    pub canonical: String,
    pub rows: usize,
}

/// Counts each (written, canonical) pair once per row, spellings differing only in case
/// or marks together.
fn tally_mapped<'a>(per_row: impl Iterator<Item = &'a [(String, &'static str)]>) -> Vec<Mapped> {
    let mut out: Vec<Mapped> = Vec::new();
    for pairs in per_row {
        let mut seen = HashSet::new();
        for (written, canonical) in pairs {
            let key = (text::fold(written), *canonical);
            if !seen.insert(key.clone()) {
                continue;
            }
            match out
                .iter_mut()
                .find(|m| text::fold(&m.written) == key.0 && m.canonical == *canonical)
            {
                Some(m) => m.rows += 1,
                None => out.push(Mapped {
                    written: written.clone(),
                    canonical: (*canonical).to_owned(),
                    rows: 1,
                }),
            }
        }
    }
    out
}

/// The villages an import may write to, by folded name.
struct Target {
    commune_id: String,
    unit_name: String,
    /// Set when importing for one village: every row goes there.
    only: Option<Unit>,
    villages: HashMap<String, Unit>,
}

/// "Thôn Bằng Ngang", "thon bang ngang", "Bằng Ngang" are one village.
fn village_key(name: &str) -> String {
    let k = text::fold(&text::clean(name));
    for prefix in [
        "thon ",
        "xom ",
        "to dan pho ",
        "tdp ",
        "khu pho ",
        "ap ",
        "ban ",
    ] {
        if let Some(rest) = k.strip_prefix(prefix) {
            return rest.to_owned();
        }
    }
    k
}

async fn target(tx: &mut Tx, scope: &Scope, unit: &Unit) -> AppResult<Target> {
    if !unit.is_current() || !matches!(unit.kind.as_str(), "village" | "commune") {
        return Err(AppError::invalid(
            "unit",
            "Chỉ nhập danh sách cho một thôn hoặc một xã đang có hiệu lực",
        ));
    }
    if !scope.can_keep_registry_at(&unit.path) {
        return Err(AppError::Forbidden);
    }
    let commune_id = unit.commune_id.clone().unwrap_or_else(|| unit.id.clone());
    let mut villages = HashMap::new();
    let only = if unit.kind == "village" {
        villages.insert(village_key(&unit.name), unit.clone());
        Some(unit.clone())
    } else {
        for v in units::children(tx, &unit.id, false).await? {
            if v.kind == "village" && scope.can_keep_registry_at(&v.path) {
                villages.insert(village_key(&v.name), v);
            }
        }
        None
    };
    Ok(Target {
        commune_id,
        unit_name: unit.name.clone(),
        only,
        villages,
    })
}

impl Target {
    fn village_ids(&self) -> Vec<String> {
        self.villages.values().map(|v| v.id.clone()).collect()
    }

    /// The village a row belongs to, or why it cannot be placed.
    fn resolve(&self, written: &str) -> Result<&Unit, String> {
        match (&self.only, written.trim().is_empty()) {
            (Some(v), true) => Ok(v),
            (Some(v), false) if village_key(written) == village_key(&v.name) => Ok(v),
            (Some(v), false) => Err(format!(
                "Dòng này ghi thôn \"{written}\", không phải thôn đang nhập ({}); hãy nhập dòng này cho đúng thôn",
                v.name
            )),
            (None, true) => Err("Cần ghi tên thôn (cột \"Thôn\") khi nhập danh sách cho cả xã".into()),
            (None, false) => self.villages.get(&village_key(written)).ok_or_else(|| {
                format!("Thôn \"{written}\" không có trong {}; hãy kiểm tra tên thôn hoặc thêm thôn trước", self.unit_name)
            }),
        }
    }
}

fn in_list(col: &str, n: usize) -> String {
    format!("{col} IN ({})", vec!["?"; n.max(1)].join(","))
}

pub async fn run(
    tx: &mut WriteTx,
    scope: &Scope,
    unit: &Unit,
    kind: Kind,
    parsed: &Parsed,
    opts: &Options<'_>,
) -> AppResult<Outcome> {
    let target = target(tx, scope, unit).await?;
    let mut out = Outcome {
        kind,
        unit: unit.name.clone(),
        applied: false,
        new: 0,
        updated: 0,
        unchanged: 0,
        rejected_count: 0,
        converted: parsed.converted.clone(),
        notes: parsed.notes.clone(),
        rejected: Vec::new(),
        footer_rows: households::footer_rows(parsed),
        ignored_columns: parsed.header.ignored(),
        mapped: Vec::new(),
        added: Vec::new(),
        names_to_recase: households::names_to_recase(parsed),
        names_recased: opts.title_case_names,
    };
    if parsed
        .header
        .column(super::headers::Field::CitizenId)
        .is_some()
        && !opts.citizen_id_enabled
    {
        out.notes
            .push("Cột số CCCD/CMND không được đọc: hệ thống không thu thập số căn cước.".into());
    }
    match kind {
        Kind::Households => households_run(tx, scope, &target, parsed, opts, &mut out).await?,
        Kind::Members => members_run(tx, scope, &target, parsed, opts, &mut out).await?,
    }
    out.rejected.sort_by_key(|r| r.row);
    out.rejected_count = out.rejected.len();
    if opts.apply && out.rejected_count > 0 && !opts.skip_rejected {
        // The caller's transaction is dropped on this error: nothing is written.
        return Err(AppError::Conflict(format!(
            "Có {} dòng bị từ chối nên chưa nhập dòng nào. Sửa các dòng đó (tải danh sách dòng lỗi) \
             rồi nhập lại cả tệp, hoặc chọn \"chỉ nhập các dòng hợp lệ\".",
            out.rejected_count
        )));
    }
    if opts.apply && out.new + out.updated > 0 {
        audit::did(
            tx,
            scope,
            audit::Action::Import,
            match kind {
                Kind::Households => audit::Entity::Household,
                Kind::Members => audit::Entity::Member,
            },
            &unit.id,
            Some(&target.commune_id),
            serde_json::json!({
                "new": out.new, "updated": out.updated, "unchanged": out.unchanged,
                "rejected": out.rejected_count, "sha256": opts.sha256,
            }),
        );
        out.applied = true;
    }
    Ok(out)
}

/// Codes not yet used in the village, in the village's own pattern ("BN0413" after
/// "BN0412"), as the registry's form makes them; four digits where it has none.
fn fresh_code(
    used: &mut HashSet<(String, String)>,
    patterns: &mut HashMap<String, (String, usize, u64)>,
    village: &str,
) -> String {
    let (prefix, width, n) = patterns
        .entry(village.to_owned())
        .or_insert((String::new(), 4, 0));
    loop {
        *n += 1;
        let code = format!("{prefix}{:0width$}", *n, width = *width);
        if used.insert((village.to_owned(), code.clone())) {
            return code;
        }
    }
}

/// A code's prefix and digit count: ("BN", 4) for "BN0412".
type Pattern = (String, usize);

/// Each village's code pattern: its most common prefix, that prefix's digit count and
/// highest number.
fn code_patterns<'a>(
    codes: impl Iterator<Item = (&'a str, &'a str)>,
) -> HashMap<String, (String, usize, u64)> {
    let mut seen: HashMap<String, HashMap<Pattern, (usize, u64)>> = HashMap::new();
    for (village, code) in codes {
        let digits = code.len() - code.trim_end_matches(|c: char| c.is_ascii_digit()).len();
        if digits == 0 {
            continue;
        }
        let (prefix, number) = code.split_at(code.len() - digits);
        let e = seen
            .entry(village.to_owned())
            .or_default()
            .entry((prefix.to_owned(), digits))
            .or_insert((0, 0));
        e.0 += 1;
        e.1 = e.1.max(number.parse().unwrap_or(0));
    }
    seen.into_iter()
        .filter_map(|(v, by)| {
            by.into_iter()
                .max_by(|a, b| a.1 .0.cmp(&b.1 .0).then_with(|| b.0.cmp(&a.0)))
                .map(|((prefix, width), (_, max))| (v, (prefix, width, max)))
        })
        .collect()
}

fn keep<T: Clone>(present: bool, new: Option<T>, old: &Option<T>) -> Option<T> {
    if present && new.is_some() {
        new
    } else {
        old.clone()
    }
}

fn keep_list<T: Clone>(present: bool, new: &[T], old: &[T]) -> Vec<T> {
    if present && !new.is_empty() { new } else { old }.to_vec()
}

fn keep_text(present: bool, new: &str, old: &str) -> String {
    if present && !new.is_empty() {
        new.to_owned()
    } else {
        old.to_owned()
    }
}

async fn households_run(
    tx: &mut WriteTx,
    _scope: &Scope,
    target: &Target,
    parsed: &Parsed,
    opts: &Options<'_>,
    out: &mut Outcome,
) -> AppResult<()> {
    let (rows, mut rejected) = households::rows(
        parsed,
        opts.secret,
        opts.citizen_id_enabled,
        opts.title_case_names,
    );
    let present = households::present(parsed);
    out.mapped = tally_mapped(rows.iter().map(|r| r.mapped.as_slice()));
    let ids = target.village_ids();
    let mut args: Vec<Value> = ids.iter().map(Value::from).collect();
    args.insert(0, target.commune_id.clone().into());
    let existing: Vec<HouseholdRow> = tx
        .fetch_all(
            &format!(
                "SELECT * FROM households WHERE commune_id = ? AND {}",
                in_list("village_id", ids.len())
            ),
            &args,
        )
        .await?
        .iter()
        .map(HouseholdRow::from_row)
        .collect::<AppResult<_>>()?;
    let mut used: HashSet<(String, String)> = HashSet::new();
    let mut by_code: HashMap<(String, String), usize> = HashMap::new();
    let mut by_key: HashMap<(String, String), Vec<usize>> = HashMap::new();
    let mut patterns = code_patterns(
        existing
            .iter()
            .map(|h| (h.village_id.as_str(), h.code.as_str())),
    );
    for (i, h) in existing.iter().enumerate() {
        used.insert((h.village_id.clone(), h.code.clone()));
        by_code.insert((h.village_id.clone(), h.code.clone()), i);
        by_key
            .entry((
                h.village_id.clone(),
                address::same_household_key(&h.head_name, &h.house_no, &h.ngo, &h.xom),
            ))
            .or_default()
            .push(i);
    }
    // Codes the file itself names are taken before any code is generated.
    for r in &rows {
        if let Ok(v) = target.resolve(&r.village) {
            if !r.draft.code.is_empty() {
                used.insert((v.id.clone(), r.draft.code.clone()));
            }
        }
    }
    let mut seen_code: HashMap<(String, String), u32> = HashMap::new();
    let mut seen_key: HashMap<(String, String), u32> = HashMap::new();
    let mut matched: HashMap<usize, u32> = HashMap::new();
    let now = clock::now();
    let mut inserts: Vec<Vec<Value>> = Vec::new();
    let mut updates: Vec<HouseholdRow> = Vec::new();
    let name_col = parsed.label(super::headers::Field::Name);
    for r in rows {
        let d = &r.draft;
        let reject = |column: String, reason: String| Rejected {
            row: r.row,
            column,
            reason,
        };
        let village = match target.resolve(&r.village) {
            Ok(v) => v,
            Err(reason) => {
                rejected.push(reject(parsed.label(super::headers::Field::Village), reason));
                continue;
            }
        };
        let vid = village.id.clone();
        let key = address::same_household_key(&d.head_name, &d.house_no, &d.ngo, &d.xom);
        if !d.code.is_empty() {
            if let Some(first) = seen_code.insert((vid.clone(), d.code.clone()), r.row) {
                rejected.push(reject(
                    parsed.label(super::headers::Field::Code),
                    format!(
                        "Trùng mã hộ {} với dòng {first}; hãy bỏ bớt một dòng hoặc sửa mã",
                        d.code
                    ),
                ));
                continue;
            }
        }
        if let Some(first) = seen_key.insert((vid.clone(), key.clone()), r.row) {
            rejected.push(reject(
                name_col.clone(),
                format!("Có thể trùng với dòng {first} (cùng tên chủ hộ và địa chỉ); hãy bỏ bớt một dòng hoặc ghi mã hộ khác nhau"),
            ));
            continue;
        }
        let found = if d.code.is_empty() {
            None
        } else {
            by_code.get(&(vid.clone(), d.code.clone())).copied()
        };
        let found = match found {
            Some(i) => Some(i),
            None => match by_key.get(&(vid.clone(), key.clone())).map(Vec::as_slice) {
                None | Some([]) => None,
                Some([i]) => Some(*i),
                Some(many) => {
                    rejected.push(reject(
                        name_col.clone(),
                        format!("Thôn đã có {} hộ cùng tên chủ hộ và địa chỉ này; hãy ghi mã hộ để phân biệt", many.len()),
                    ));
                    continue;
                }
            },
        };
        let Some(i) = found else {
            let code = if d.code.is_empty() {
                fresh_code(&mut used, &mut patterns, &vid)
            } else {
                d.code.clone()
            };
            if out.added.len() < ADDED_SHOWN {
                out.added.push(Added {
                    code: code.clone(),
                    head: d.head_name.clone(),
                    address: address::display(&d.house_no, &d.ngo, &d.xom),
                });
            }
            inserts.push(
                d.new_row(clock::new_id(), &target.commune_id, &vid, &code, &now)
                    .values(),
            );
            continue;
        };
        if let Some(first) = matched.insert(i, r.row) {
            rejected.push(reject(
                name_col.clone(),
                format!("Dòng này và dòng {first} cùng trỏ tới một hộ đã có; hãy bỏ bớt một dòng"),
            ));
            continue;
        }
        let h = &existing[i];
        let code = keep_text(present.code, &d.code, &h.code);
        if code != h.code && by_code.contains_key(&(vid.clone(), code.clone())) {
            rejected.push(reject(
                parsed.label(super::headers::Field::Code),
                format!("Mã hộ {code} đã dùng cho một hộ khác trong thôn"),
            ));
            continue;
        }
        let xom = keep_text(present.xom, &d.xom, &h.xom);
        let ngo = keep_text(present.ngo, &d.ngo, &h.ngo);
        let house_no = keep_text(present.house_no, &d.house_no, &h.house_no);
        let phone = keep(present.phone, d.phone.clone(), &h.phone);
        let size = keep(present.size, d.size, &h.size);
        let support = keep_list(present.support, &d.support, &h.support_categories);
        let (latitude, longitude) = if present.coordinates && d.latitude.is_some() {
            (d.latitude, d.longitude)
        } else {
            (h.latitude, h.longitude)
        };
        let same = code == h.code
            && d.head_name == h.head_name
            && xom == h.xom
            && ngo == h.ngo
            && house_no == h.house_no
            && phone == h.phone
            && size == h.size
            && support == h.support_categories
            && latitude == h.latitude
            && longitude == h.longitude
            && d.citizen_id.is_none();
        if same {
            out.unchanged += 1;
            continue;
        }
        let mut row = h.clone();
        row.code = code;
        row.set_head(&d.head_name, &d.parts);
        (row.xom, row.ngo, row.house_no) = (xom, ngo, house_no);
        (row.latitude, row.longitude) = (latitude, longitude);
        (row.phone, row.size, row.support_categories) = (phone, size, support);
        row.citizen_id.replace_with(d.citizen_id.clone());
        row.updated_at = now.clone();
        updates.push(row);
    }
    out.new = inserts.len();
    out.updated = updates.len();
    out.rejected = rejected;
    if opts.apply {
        tx.insert_many(HouseholdRow::TABLE, HouseholdRow::COLUMNS, &inserts)
            .await?;
        let sql = HouseholdRow::update_sql();
        for u in &updates {
            tx.execute(&sql, &u.update_args()).await?;
        }
    }
    Ok(())
}

async fn members_run(
    tx: &mut WriteTx,
    _scope: &Scope,
    target: &Target,
    parsed: &Parsed,
    opts: &Options<'_>,
    out: &mut Outcome,
) -> AppResult<()> {
    use super::headers::Field;
    let this_year = time::OffsetDateTime::now_utc().year();
    let (rows, mut rejected) = members::rows(
        parsed,
        opts.secret,
        opts.citizen_id_enabled,
        this_year,
        opts.title_case_names,
    );
    let present = members::present(parsed);
    let ids = target.village_ids();
    let mut args: Vec<Value> = ids.iter().map(Value::from).collect();
    args.insert(0, target.commune_id.clone().into());
    let found = tx
        .fetch_all(
            &format!(
                "SELECT * FROM members WHERE commune_id = ? AND {}",
                in_list("village_id", ids.len())
            ),
            &args,
        )
        .await?;
    let mut existing = Vec::with_capacity(found.len());
    let mut by_name: HashMap<(String, String), Vec<usize>> = HashMap::new();
    for r in &found {
        let m = MemberRow::from_row(r)?;
        by_name
            .entry((m.village_id.clone(), text::fold(&m.full_name)))
            .or_default()
            .push(existing.len());
        existing.push(m);
    }
    let mut cells: HashMap<String, String> = HashMap::new();
    for r in tx
        .fetch_all(
            "SELECT id, name FROM cells WHERE commune_id = ?",
            &[target.commune_id.clone().into()],
        )
        .await?
    {
        let key = text::fold(&r.str("name")?);
        let key = key
            .strip_prefix("chi bo ")
            .map(str::to_owned)
            .unwrap_or(key);
        cells.insert(key, r.str("id")?);
    }
    let mut seen: HashMap<(String, String, Option<i64>), u32> = HashMap::new();
    let mut matched: HashMap<usize, u32> = HashMap::new();
    let now = clock::now();
    let mut inserts: Vec<Vec<Value>> = Vec::new();
    let mut updates: Vec<MemberRow> = Vec::new();
    let name_col = parsed.label(Field::Name);
    for r in rows {
        let d = &r.draft;
        let reject = |column: String, reason: String| Rejected {
            row: r.row,
            column,
            reason,
        };
        let village = match target.resolve(&r.village) {
            Ok(v) => v,
            Err(reason) => {
                rejected.push(reject(parsed.label(Field::Village), reason));
                continue;
            }
        };
        let cell_id = if r.cell.is_empty() {
            None
        } else {
            let key = text::fold(&r.cell);
            let key = key.strip_prefix("chi bo ").unwrap_or(&key);
            match cells.get(key) {
                Some(id) => Some(id.clone()),
                None => {
                    rejected.push(reject(
                        parsed.label(Field::Cell),
                        format!("Chi bộ \"{}\" chưa có trong xã; hãy tạo chi bộ trước (trang Chi bộ) rồi nhập lại", r.cell),
                    ));
                    continue;
                }
            }
        };
        let vid = village.id.clone();
        let folded = text::fold(&d.full_name);
        if let Some(first) = seen.insert((vid.clone(), folded.clone(), d.birth_year), r.row) {
            rejected.push(reject(
                name_col.clone(),
                format!("Có thể trùng với dòng {first} (cùng họ tên, năm sinh, thôn); hãy bỏ bớt một dòng"),
            ));
            continue;
        }
        let candidates: Vec<usize> = by_name
            .get(&(vid.clone(), folded))
            .map(|v| {
                v.iter()
                    .copied()
                    .filter(|&i| {
                        d.birth_year.is_none()
                            || existing[i].birth_year.is_none()
                            || existing[i].birth_year == d.birth_year
                    })
                    .collect()
            })
            .unwrap_or_default();
        let i = match candidates.as_slice() {
            [] => {
                let mut row = d.new_row(clock::new_id(), &target.commune_id, &vid, &now);
                row.cell_id = cell_id;
                inserts.push(row.values());
                continue;
            }
            [i] => *i,
            many => {
                rejected.push(reject(
                    name_col.clone(),
                    format!(
                        "Thôn đã có {} đảng viên cùng họ tên; hãy ghi năm sinh để phân biệt",
                        many.len()
                    ),
                ));
                continue;
            }
        };
        if let Some(first) = matched.insert(i, r.row) {
            rejected.push(reject(
                name_col.clone(),
                format!("Dòng này và dòng {first} cùng trỏ tới một đảng viên đã có; hãy bỏ bớt một dòng"),
            ));
            continue;
        }
        let m = &existing[i];
        let sex = keep(present.sex, d.sex, &m.sex);
        let birth_year = keep(present.birth_year, d.birth_year, &m.birth_year);
        let phone = keep(present.phone, d.phone.clone(), &m.phone);
        let status = if present.status && !r.form.status.is_empty() {
            d.status
        } else {
            m.status
        };
        let cell = keep(present.cell, cell_id, &m.cell_id);
        if d.full_name == m.full_name
            && sex == m.sex
            && birth_year == m.birth_year
            && phone == m.phone
            && status == m.status
            && cell == m.cell_id
            && d.citizen_id.is_none()
        {
            out.unchanged += 1;
            continue;
        }
        let mut row = m.clone();
        row.set_name(&d.full_name, &d.parts);
        (row.sex, row.birth_year, row.phone) = (sex, birth_year, phone);
        (row.status, row.cell_id) = (status, cell);
        row.citizen_id.replace_with(d.citizen_id.clone());
        row.updated_at = now.clone();
        updates.push(row);
    }
    out.new = inserts.len();
    out.updated = updates.len();
    out.rejected = rejected;
    if opts.apply {
        tx.insert_many(MemberRow::TABLE, MemberRow::COLUMNS, &inserts)
            .await?;
        let sql = MemberRow::update_sql();
        for u in &updates {
            tx.execute(&sql, &u.update_args()).await?;
        }
    }
    Ok(())
}

#[cfg(test)]
mod code_pattern_tests {
    #[test]
    fn new_codes_follow_the_village() {
        let mut p = super::code_patterns(
            [
                ("v", "BN0412"),
                ("v", "BN0007"),
                ("v", "X1"),
                ("w", "Nhà ông Ba"),
            ]
            .into_iter(),
        );
        let mut used = Default::default();
        assert_eq!(super::fresh_code(&mut used, &mut p, "v"), "BN0413");
        assert_eq!(super::fresh_code(&mut used, &mut p, "v"), "BN0414");
        assert_eq!(super::fresh_code(&mut used, &mut p, "w"), "0001");
    }
}
