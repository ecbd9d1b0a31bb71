//! Vietnamese display conventions: 1.302.000 and dd/mm/yyyy, Vietnam time.

/// 1302000 → "1.302.000".
pub fn number(n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, ch) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push('.');
        }
        out.push(ch);
    }
    out
}

/// "2026-11-30" or a stored UTC time → "30/11/2026" (Vietnam date).
pub fn date(stored: &str) -> String {
    if let Some(t) = crate::clock::parse(stored) {
        let t = t.to_offset(crate::clock::VIETNAM);
        return format!("{:02}/{:02}/{:04}", t.day(), u8::from(t.month()), t.year());
    }
    match stored.get(0..10).map(|d| d.split('-').collect::<Vec<_>>()) {
        Some(p) if p.len() == 3 => format!("{}/{}/{}", p[2], p[1], p[0]),
        _ => stored.to_owned(),
    }
}

/// A stored UTC time → "30/11/2026 16:05" in Vietnam time.
pub fn datetime(stored: &str) -> String {
    match crate::clock::parse(stored) {
        Some(t) => {
            let t = t.to_offset(crate::clock::VIETNAM);
            format!(
                "{:02}/{:02}/{:04} {:02}:{:02}",
                t.day(),
                u8::from(t.month()),
                t.year(),
                t.hour(),
                t.minute()
            )
        }
        None => stored.to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_use_dots() {
        assert_eq!(number(1_302_000), "1.302.000");
        assert_eq!(number(999), "999");
        assert_eq!(number(1000), "1.000");
        assert_eq!(number(-45_000), "-45.000");
        assert_eq!(number(0), "0");
    }

    #[test]
    fn dates_are_day_first_in_vietnam_time() {
        assert_eq!(date("2026-01-05"), "05/01/2026");
        // 18:30 UTC is already the next day in Vietnam.
        assert_eq!(date("2026-11-30T18:30:00.000Z"), "01/12/2026");
        assert_eq!(datetime("2026-11-30T18:30:00.000Z"), "01/12/2026 01:30");
    }
}
