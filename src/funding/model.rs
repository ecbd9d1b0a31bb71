//! The funding ledger as pure data: sources, uses, amounts in đồng, the check of an entry,
//! and the running balance of each source.
//!
//! A correction is never an edit: it is a reversing entry ("bút toán đảo", the
//! red-ink method: the same side, the same amount, counted negative) that names the entry
//! it reverses and says why. An entry whose effect takes money out of a source (an
//! expense, or the reversal of a receipt) is refused when the source's running balance
//! would go below zero at any point from its date on.

use serde::Serialize;
use time::Date;

use crate::contacts::model::{client_id, day_vn, parse_day};
use crate::error::{AppError, Collector};

macro_rules! coded {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $code:literal, $vi:literal, $en:literal;)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, utoipa::ToSchema)]
        #[serde(rename_all = "snake_case")]
        pub enum $name { $($variant),* }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),*];

            pub fn code(self) -> &'static str {
                match self { $($name::$variant => $code),* }
            }

            pub fn parse(code: &str) -> Option<$name> {
                match code.trim() { $($code => Some($name::$variant),)* _ => None }
            }

            pub fn label_vi(self) -> &'static str {
                match self { $($name::$variant => $vi),* }
            }

            pub fn label_en(self) -> &'static str {
                match self { $($name::$variant => $en),* }
            }

            pub fn label(self, en: bool) -> &'static str {
                if en { self.label_en() } else { self.label_vi() }
            }

            pub fn is(&self, code: &str) -> bool {
                self.code() == code
            }
        }
    };
}

coded! {
    /// Where the money comes from (the plan: the province, the district, the town, and
    /// what is mobilised).
    Source {
        Province = "province", "Ngân sách tỉnh", "Province budget";
        District = "district", "Ngân sách huyện", "District budget";
        Commune = "commune", "Ngân sách xã", "Commune budget";
        Mobilised = "mobilised", "Vận động, xã hội hóa", "Mobilised, donations";
    }
}

coded! {
    /// What an expense paid for.
    Use {
        Launch = "launch", "Hội nghị ra mắt mô hình", "Launch conference";
        Review = "review", "Sơ kết, tổng kết", "Review conferences";
        Commendation = "commendation", "Biểu dương, khen thưởng", "Commendations, awards";
        Materials = "materials", "Tài liệu, tuyên truyền", "Materials, information";
        Meetings = "meetings", "Sinh hoạt, đối thoại", "Meetings, dialogues";
        Other = "other", "Chi khác", "Other";
    }
}

coded! {
    /// Money in or money out.
    Direction {
        Receipt = "receipt", "Thu", "Receipt";
        Expense = "expense", "Chi", "Expense";
    }
}

/// The largest amount one entry may carry: 1.000 tỷ đồng. More is a typing slip.
pub const MAX_AMOUNT: i64 = 1_000_000_000_000;
pub const MAX_DESCRIPTION: usize = 300;
pub const MAX_REASON: usize = 500;

/// đồng as people type them: `1.302.000`, `1302000`, `1 302 000`, `1.302.000 đ`. Dots and
/// spaces group thousands; a comma is refused (it would be a decimal part in Vietnamese).
pub fn parse_amount(raw: &str) -> Result<i64, String> {
    let mut t = raw.trim().to_lowercase();
    for suffix in ["đồng", "vnđ", "vnd", "đ", "d"] {
        if let Some(rest) = t.strip_suffix(suffix) {
            t = rest.trim_end().to_owned();
            break;
        }
    }
    if t.is_empty() {
        return Err("Cần nhập số tiền (đồng), vd. 1.302.000".into());
    }
    if t.contains(',') {
        return Err("Số tiền tính bằng đồng, không có phần lẻ: viết 1.302.000 hoặc 1302000".into());
    }
    let groups: Vec<&str> = t.split(['.', ' ', '\u{a0}']).collect();
    let grouped = groups.len() > 1;
    let well_formed = groups.iter().enumerate().all(|(i, g)| {
        !g.is_empty()
            && g.bytes().all(|b| b.is_ascii_digit())
            && (!grouped || if i == 0 { g.len() <= 3 } else { g.len() == 3 })
    });
    if !well_formed {
        return Err("Số tiền không hợp lệ: chỉ gồm chữ số, có thể ngăn nhóm nghìn bằng dấu chấm, vd. 1.302.000".into());
    }
    let digits: String = groups.concat();
    match digits.parse::<i64>() {
        Ok(0) => Err("Số tiền phải lớn hơn 0".into()),
        Ok(n) if n <= MAX_AMOUNT => Ok(n),
        _ => Err(format!(
            "Số tiền tối đa một lần ghi là {} đ",
            crate::web::format::number(MAX_AMOUNT)
        )),
    }
}

/// 1302000 → "1.302.000 đ".
pub fn money(n: i64) -> String {
    format!("{} đ", crate::web::format::number(n))
}

/// An entry as typed.
#[derive(Debug, Clone, Default)]
pub struct EntryInput {
    pub id: Option<String>,
    pub direction: String,
    pub entry_on: String,
    pub source: String,
    pub use_code: String,
    pub event_id: String,
    pub amount: String,
    pub description: String,
}

/// An entry that passed the checks. The store checks the balance, the event and the
/// commune.
#[derive(Debug, Clone, PartialEq)]
pub struct EntryDraft {
    pub id: String,
    pub direction: Direction,
    pub entry_on: Date,
    pub source: Source,
    /// Expenses only.
    pub use_code: Option<Use>,
    pub event_id: Option<String>,
    pub amount: i64,
    pub description: String,
    /// A reversal: the entry it reverses, and why.
    pub reverses: Option<(String, String)>,
}

impl EntryDraft {
    /// What the entry does to its source's balance: receipts add, expenses take away, a
    /// reversal undoes its original.
    pub fn effect(&self) -> i64 {
        effect(self.direction, self.amount, self.reverses.is_some())
    }
}

pub fn effect(direction: Direction, amount: i64, reversal: bool) -> i64 {
    let sign = match direction {
        Direction::Receipt => 1,
        Direction::Expense => -1,
    };
    if reversal {
        -sign * amount
    } else {
        sign * amount
    }
}

/// Checks an entry: every refusal names its field, all at once. Its date may not be
/// after `today`.
pub fn check(input: &EntryInput, today: Date) -> Result<EntryDraft, AppError> {
    let mut c = Collector::default();
    let id = match input.id.as_deref().map(str::trim) {
        None | Some("") => crate::clock::new_id(),
        Some(raw) => client_id(raw)?,
    };
    let direction = Direction::parse(&input.direction);
    if direction.is_none() {
        c.push("direction", "Cần chọn khoản thu hay khoản chi");
    }
    let entry_on = match parse_day(&input.entry_on) {
        None => {
            c.push(
                "entry_on",
                "Ngày ghi phải có dạng ngày/tháng/năm, vd. 05/03/2026",
            );
            None
        }
        Some(d) if d > today => {
            c.push("entry_on", "Ngày ghi không được sau hôm nay");
            None
        }
        Some(d) if d.year() < 2000 => {
            c.push("entry_on", "Ngày ghi phải từ năm 2000 trở đi");
            None
        }
        Some(d) => Some(d),
    };
    let source = Source::parse(&input.source);
    if source.is_none() {
        c.push("source", "Cần chọn nguồn kinh phí");
    }
    let use_code = match (direction, input.use_code.trim()) {
        (Some(Direction::Expense), "") => {
            c.push(
                "use_code",
                "Khoản chi cần ghi nội dung chi (chi cho việc gì)",
            );
            None
        }
        (Some(Direction::Expense), code) => {
            let u = Use::parse(code);
            if u.is_none() {
                c.push("use_code", "Nội dung chi không có trong danh mục");
            }
            u
        }
        _ => None,
    };
    let amount = c.check("amount", parse_amount(&input.amount));
    let description = crate::text::clean(&input.description);
    if description.is_empty() {
        c.push(
            "description",
            "Cần ghi diễn giải, vd. số chứng từ và nội dung",
        );
    } else if description.chars().count() > MAX_DESCRIPTION {
        c.push(
            "description",
            format!("Diễn giải dài quá {MAX_DESCRIPTION} ký tự"),
        );
    }
    let event_id = Some(input.event_id.trim().to_owned()).filter(|e| !e.is_empty());
    match (direction, entry_on, source, amount) {
        (Some(direction), Some(entry_on), Some(source), Some(amount)) if c.is_empty() => {
            Ok(EntryDraft {
                id,
                direction,
                entry_on,
                source,
                use_code,
                // An event is what an expense paid for.
                event_id: if direction == Direction::Expense {
                    event_id
                } else {
                    None
                },
                amount,
                description,
                reverses: None,
            })
        }
        _ => Err(AppError::Validation(c.0)),
    }
}

/// An entry as stored, for the ledger's arithmetic.
#[derive(Debug, Clone, PartialEq)]
pub struct Posted {
    pub id: String,
    pub entry_on: Date,
    pub direction: Direction,
    pub source: Source,
    pub use_code: Option<Use>,
    pub event_id: Option<String>,
    pub amount: i64,
    pub description: String,
    pub reverses: Option<String>,
    pub reason: Option<String>,
}

impl Posted {
    pub fn effect(&self) -> i64 {
        effect(self.direction, self.amount, self.reverses.is_some())
    }
}

/// The reversing entry of `original`, dated `on`, with `reason`; `id` is the form's.
pub fn reversal(
    original: &Posted,
    reversed_by: Option<&str>,
    id: Option<&str>,
    reason: &str,
    on: Date,
) -> Result<EntryDraft, AppError> {
    if original.reverses.is_some() {
        return Err(AppError::invalid(
            "reason",
            "Đây là một bút toán đảo, không đảo tiếp được; nếu cần, hãy ghi lại khoản đúng",
        ));
    }
    if reversed_by.is_some() {
        return Err(AppError::invalid(
            "reason",
            "Bút toán này đã được đảo rồi; mỗi bút toán chỉ đảo một lần",
        ));
    }
    let reason = crate::text::clean(reason);
    if reason.chars().count() < 5 {
        return Err(AppError::invalid(
            "reason",
            "Cần ghi lý do đảo bút toán (ít nhất 5 ký tự), vd. ghi nhầm số tiền",
        ));
    }
    if reason.chars().count() > MAX_REASON {
        return Err(AppError::invalid(
            "reason",
            format!("Lý do dài quá {MAX_REASON} ký tự"),
        ));
    }
    let id = match id.map(str::trim) {
        None | Some("") => crate::clock::new_id(),
        Some(raw) => client_id(raw)?,
    };
    Ok(EntryDraft {
        id,
        direction: original.direction,
        entry_on: on,
        source: original.source,
        use_code: original.use_code,
        event_id: original.event_id.clone(),
        amount: original.amount,
        description: format!(
            "Đảo bút toán ngày {}: {}",
            day_vn(original.entry_on),
            original.description
        ),
        reverses: Some((original.id.clone(), reason)),
    })
}

/// How much a source lacks for an entry of `effect` dated `on`, if anything. `ledger` is
/// the source's entries in ledger order (date, then order of recording); the new entry
/// goes after every entry of its date or before. The balance must stay ≥ 0 at each point
/// from there on, so a back-dated expense cannot spend money that arrived later.
pub fn shortfall(ledger: &[(Date, i64)], on: Date, effect: i64) -> Option<i64> {
    if effect >= 0 {
        return None;
    }
    let before: i64 = ledger
        .iter()
        .filter(|(d, _)| *d <= on)
        .map(|(_, e)| e)
        .sum();
    let mut balance = before + effect;
    let mut lowest = balance;
    for (_, e) in ledger.iter().filter(|(d, _)| *d > on) {
        balance += e;
        lowest = lowest.min(balance);
    }
    (lowest < 0).then_some(-lowest)
}

/// The refusal of an entry a source cannot pay, with the figures.
pub fn overdraft_message(source: Source, effect: i64, short: i64) -> String {
    format!(
        "Số dư nguồn “{}” không đủ: khoản này lấy ra {}, nhưng chỉ còn {} có thể chi (thiếu {}). Hãy ghi khoản thu trước hoặc giảm số tiền; chưa có gì được ghi.",
        source.label_vi(),
        money(-effect),
        money(-effect - short),
        money(short)
    )
}

/// Per source: what the period opened with, received, spent, and closed with. Reversals
/// count on their original's side, negative.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct SourceTotals {
    pub source: Source,
    pub opening: i64,
    pub received: i64,
    pub spent: i64,
    pub closing: i64,
}

impl SourceTotals {
    pub fn new(source: Source) -> SourceTotals {
        SourceTotals {
            source,
            opening: 0,
            received: 0,
            spent: 0,
            closing: 0,
        }
    }

    /// Adds an entry dated in the period.
    pub fn add(&mut self, p: &Posted) {
        let n = if p.reverses.is_some() {
            -p.amount
        } else {
            p.amount
        };
        match p.direction {
            Direction::Receipt => self.received += n,
            Direction::Expense => self.spent += n,
        }
        self.closing = self.opening + self.received - self.spent;
    }
}

/// A ledger line: the entry and its source's balance after it.
#[derive(Debug, Clone, PartialEq)]
pub struct Line {
    pub entry: Posted,
    pub balance: i64,
}

/// The lines dated `from..=to` of a commune's whole ledger (in ledger order), with each
/// source's running balance, and the period's totals per source (every source, in
/// [`Source::ALL`] order).
pub fn ledger(all: Vec<Posted>, from: Date, to: Date) -> (Vec<Line>, Vec<SourceTotals>) {
    let mut totals: Vec<SourceTotals> = Source::ALL.iter().map(|s| SourceTotals::new(*s)).collect();
    let mut lines = Vec::new();
    for p in all {
        let Some(t) = totals.iter_mut().find(|t| t.source == p.source) else {
            continue;
        };
        if p.entry_on > to {
            continue;
        }
        if p.entry_on < from {
            t.opening += p.effect();
            t.closing = t.opening + t.received - t.spent;
            continue;
        }
        t.add(&p);
        lines.push(Line {
            balance: t.closing,
            entry: p,
        });
    }
    (lines, totals)
}

#[cfg(test)]
mod tests;
