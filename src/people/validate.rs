//! Validated values: phone numbers, names, citizen IDs, coordinates. Each parser returns a
//! Vietnamese message that says what is wrong and how to fix it.

use crate::text;

/// A Vietnamese phone number, stored in the domestic form `0xxxxxxxxx`.
/// Accepts `+84…`, `84…`, `0084…` and spaces, dots or dashes between digits.
pub fn phone(raw: &str) -> Result<Option<String>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    if raw
        .chars()
        .any(|c| !(c.is_ascii_digit() || " .-+()".contains(c)))
    {
        return Err("Số điện thoại chỉ gồm chữ số (có thể bắt đầu bằng +84)".into());
    }
    let digits: String = raw.chars().filter(char::is_ascii_digit).collect();
    let national = if raw.starts_with('+') || digits.starts_with("0084") {
        let d = digits.trim_start_matches("00");
        match d.strip_prefix("84") {
            Some(rest) => format!("0{rest}"),
            None => return Err("Chỉ nhận số điện thoại Việt Nam (+84)".into()),
        }
    } else if digits.starts_with("84") && (digits.len() == 11 || digits.len() == 12) {
        format!("0{}", &digits[2..])
    } else {
        digits
    };
    let mobile = national.len() == 10
        && matches!(
            national.as_bytes().get(1),
            Some(b'3' | b'5' | b'7' | b'8' | b'9')
        );
    let landline = national.len() == 11 && national.starts_with("02");
    if mobile || landline {
        Ok(Some(national))
    } else {
        Err(format!(
            "Số điện thoại \"{raw}\" không đúng: di động có 10 số (vd. 0912 345 678), cố định có 11 số bắt đầu bằng 02 (vd. 0221 3862 123)"
        ))
    }
}

/// A person's name: NFC, single spaces, letters only, 2–100 characters.
pub fn person_name(raw: &str) -> Result<String, String> {
    let name = text::clean(raw);
    if name.is_empty() {
        return Err("Cần nhập họ và tên".into());
    }
    if name.chars().count() > 100 {
        return Err("Họ và tên quá dài (tối đa 100 ký tự)".into());
    }
    if name
        .chars()
        .any(|c| !(c.is_alphabetic() || c == ' ' || c == '-' || c == '\'' || c == '.'))
    {
        return Err("Họ và tên chỉ gồm chữ cái (không có chữ số hay ký hiệu)".into());
    }
    Ok(name)
}

/// Free text for short fields (xóm, ngõ, số nhà, names of cells): cleaned, bounded.
pub fn short_text(raw: &str, max: usize, label: &str) -> Result<String, String> {
    let s = text::clean(raw);
    if s.chars().count() > max {
        return Err(format!("{label} quá dài (tối đa {max} ký tự)"));
    }
    Ok(s)
}

/// A 12-digit citizen ID (CCCD). Returned as (masked for display, keyed hash for matching):
/// the number itself is never stored.
pub fn citizen_id(raw: &str, secret: &str) -> Result<Option<(String, String)>, String> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Ok(None);
    }
    if digits.len() != 12 || !digits.chars().all(|c| c.is_ascii_digit()) {
        return Err("Số CCCD gồm đúng 12 chữ số".into());
    }
    let masked = format!("{}******{}", &digits[..4], &digits[10..]);
    let hash = crate::auth::password::sha256_hex(&format!("{secret}:{digits}"));
    Ok(Some((masked, hash)))
}

/// The citizen ID field of a registry form: read only where the deployment collects it;
/// elsewhere a typed number is refused, never silently dropped.
pub fn citizen_id_field(
    e: &mut crate::error::Collector,
    raw: &str,
    secret: &str,
    enabled: bool,
) -> Option<(String, String)> {
    if enabled {
        e.check("citizen_id", citizen_id(raw, secret)).flatten()
    } else {
        if !raw.trim().is_empty() {
            e.push("citizen_id", "Hệ thống không thu thập số CCCD");
        }
        None
    }
}

/// An API field given (`Some`) replaces the form's text; omitted keeps it.
pub fn set_if(dst: &mut String, v: Option<String>) {
    if let Some(v) = v {
        *dst = v;
    }
}

pub fn coordinate(raw: &str, is_lat: bool) -> Result<Option<f64>, String> {
    let raw = raw.trim().replace(',', ".");
    if raw.is_empty() {
        return Ok(None);
    }
    let v: f64 = raw
        .parse()
        .map_err(|_| format!("\"{raw}\" không phải là số (vd. 20.7375)"))?;
    // Vietnam lies within 8–24 N and 102–110 E; anything else is a typing mistake.
    let ok = if is_lat {
        (8.0..=24.0).contains(&v)
    } else {
        (102.0..=110.0).contains(&v)
    };
    if ok {
        Ok(Some(v))
    } else if is_lat {
        Err("Vĩ độ phải nằm trong Việt Nam (8 đến 24, vd. 20.7375)".into())
    } else {
        Err("Kinh độ phải nằm trong Việt Nam (102 đến 110, vd. 106.0699)".into())
    }
}

pub fn small_int(raw: &str, min: i64, max: i64, label: &str) -> Result<Option<i64>, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    match raw.parse::<i64>() {
        Ok(v) if (min..=max).contains(&v) => Ok(Some(v)),
        _ => Err(format!("{label} phải là số từ {min} đến {max}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn phones_in_every_usual_form_store_one_way() {
        for raw in [
            "0912345678",
            "0912 345 678",
            "+84912345678",
            "+84 912-345-678",
            "84912345678",
            "0084912345678",
        ] {
            assert_eq!(phone(raw).unwrap().as_deref(), Some("0912345678"), "{raw}");
        }
        assert_eq!(
            phone("0221 3862 123").unwrap().as_deref(),
            Some("02213862123")
        );
        assert_eq!(phone("").unwrap(), None);
        for bad in [
            "12345",
            "0123456789",
            "09123456789",
            "+1 202 555 0100",
            "09x2345678",
            "0612345678",
        ] {
            assert!(phone(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn names_are_cleaned_and_checked() {
        assert_eq!(person_name("  Nguyễn   Văn  An ").unwrap(), "Nguyễn Văn An");
        assert!(person_name("Nguyễn Văn 2").is_err());
        assert!(person_name("").is_err());
        assert!(person_name(&"A".repeat(101)).is_err());
    }

    #[test]
    fn citizen_ids_are_masked_and_never_kept_whole() {
        let (masked, hash) = citizen_id("033 090 012 345", "k").unwrap().unwrap();
        assert_eq!(masked, "0330******45");
        assert!(!hash.contains("033090012345"));
        assert!(citizen_id("12345", "k").is_err());
    }

    #[test]
    fn coordinates_must_be_in_vietnam() {
        assert_eq!(coordinate("20,7375", true).unwrap(), Some(20.7375));
        assert!(coordinate("48.85", true).is_err());
        assert!(coordinate("abc", false).is_err());
    }
}
