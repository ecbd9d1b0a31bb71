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

/// A share in per mille as people read it: 725 → "72,5%" (decimal comma).
pub fn percent(permille: i64) -> String {
    format!("{},{}%", permille / 10, permille % 10)
}

/// A number kept in tenths, with one decimal when it has one: 25 → "2,5", 30 → "3",
/// 13025 → "1.302,5".
pub fn tenths(t: i64) -> String {
    let whole = number(t / 10);
    match (t % 10).abs() {
        0 => whole,
        d if t < 0 && t > -10 => format!("-0,{d}"),
        d => format!("{whole},{d}"),
    }
}

/// A distance as people say it: "850 m" under a kilometre, "11,8 km" (one decimal, comma)
/// from there on. Metres to the unit under 1 km, because nobody walks 0,85 km.
pub fn distance(metres: i64) -> String {
    if metres.abs() < 1000 {
        return format!("{metres} m");
    }
    let tenths = (metres.abs() + 50) / 100;
    let sign = if metres < 0 { "-" } else { "" };
    format!("{sign}{},{} km", number(tenths / 10), tenths % 10)
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
    fn distances_read_in_metres_then_kilometres() {
        assert_eq!(distance(0), "0 m");
        assert_eq!(distance(850), "850 m");
        assert_eq!(distance(999), "999 m");
        assert_eq!(distance(1000), "1,0 km");
        assert_eq!(distance(1049), "1,0 km");
        assert_eq!(distance(1050), "1,1 km");
        assert_eq!(distance(11_808), "11,8 km");
        assert_eq!(distance(1_234_567), "1.234,6 km");
        assert_eq!(distance(-2500), "-2,5 km");
    }

    #[test]
    fn shares_and_tenths_use_a_decimal_comma() {
        assert_eq!(percent(725), "72,5%");
        assert_eq!(percent(1000), "100,0%");
        assert_eq!(tenths(25), "2,5");
        assert_eq!(tenths(30), "3");
        assert_eq!(tenths(13_025), "1.302,5");
        assert_eq!(tenths(-5), "-0,5");
        assert_eq!(tenths(-15), "-1,5");
    }

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
