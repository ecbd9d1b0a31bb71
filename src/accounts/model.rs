//! Accounts of Party members, as rules without I/O: the username a member gets, the
//! one-time password on their login slip, the checks of a new password, the slip's QR code.

use rand::Rng;

use crate::text;

/// Every member account's username starts with this, so that it reads as a member's.
pub const PREFIX: &str = "dv.";

/// The longest username `auth::store` accepts is 40; room is left for a number.
const MAX_BASE: usize = 34;

/// The username a member gets before any disambiguating number: `dv.` + the given name +
/// the initials of the family and middle names, without diacritics, as Vietnamese offices
/// name mailboxes ("Nguyễn Văn An" → `dv.annv`). Short enough to type from a slip.
pub fn username_base(family: &str, middle: &str, given: &str) -> String {
    let ascii = |s: &str| -> String {
        text::fold(s)
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect()
    };
    let mut base = format!("{PREFIX}{}", ascii(given));
    for word in family.split_whitespace().chain(middle.split_whitespace()) {
        if let Some(c) = ascii(word).chars().next() {
            base.push(c);
        }
    }
    if base.len() == PREFIX.len() {
        base.push_str("dangvien");
    }
    base.truncate(MAX_BASE);
    base
}

/// `base` if nobody has it, else `base2`, `base3`, …: the first that `taken` does not hold.
pub fn pick_username(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_owned();
    }
    (2..)
        .map(|n| format!("{base}{n}"))
        .find(|u| !taken.contains(u))
        .unwrap_or_else(|| base.to_owned())
}

/// Letters and digits that cannot be mistaken for one another on paper (no 0/o, 1/l/i).
const SLIP_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
pub const ONE_TIME_LENGTH: usize = 12;

/// A one-time password for a slip: 12 characters of [`SLIP_ALPHABET`] (about 59 bits).
pub fn one_time_password() -> String {
    let mut rng = rand::rngs::OsRng;
    (0..ONE_TIME_LENGTH)
        .map(|_| SLIP_ALPHABET[rng.gen_range(0..SLIP_ALPHABET.len())] as char)
        .collect()
}

/// What is wrong with a requested change of password, before the current one is checked.
/// `Ok` means the new password may be set once the current one proves right.
pub fn check_new_password(
    username: &str,
    current: &str,
    new: &str,
    again: &str,
) -> Result<(), (&'static str, String)> {
    if current.is_empty() {
        return Err(("current", "Nhập mật khẩu hiện tại".into()));
    }
    if new.is_empty() {
        return Err(("new", "Nhập mật khẩu mới".into()));
    }
    if let Err(e) = crate::auth::password::check_strength(new) {
        let msg = e
            .fields()
            .first()
            .map(|f| f.message.clone())
            .unwrap_or_else(|| e.public_message());
        return Err(("new", msg));
    }
    if new != again {
        return Err((
            "again",
            "Hai lần nhập mật khẩu mới không khớp nhau; hãy nhập lại".into(),
        ));
    }
    if new == current {
        return Err(("new", "Mật khẩu mới phải khác mật khẩu hiện tại".into()));
    }
    if new.trim().to_lowercase() == username {
        return Err(("new", "Mật khẩu không được trùng tên đăng nhập".into()));
    }
    Ok(())
}

/// The QR code of `text` as one SVG path of unit squares, and its side in modules (with
/// the 4-module quiet zone the standard asks for). One path, drawn once per page and
/// reused by every slip (`<use>`), keeps a page of slips small.
pub fn qr_path(text: &str) -> Option<(String, usize)> {
    let code =
        qrcode::QrCode::with_error_correction_level(text.as_bytes(), qrcode::EcLevel::M).ok()?;
    let width = code.width();
    let colors = code.to_colors();
    let mut d = String::new();
    for y in 0..width {
        let mut x = 0;
        while x < width {
            if colors[y * width + x] == qrcode::Color::Dark {
                let start = x;
                while x < width && colors[y * width + x] == qrcode::Color::Dark {
                    x += 1;
                }
                d.push_str(&format!(
                    "M{} {}h{}v1H{}z",
                    start + 4,
                    y + 4,
                    x - start,
                    start + 4
                ));
            } else {
                x += 1;
            }
        }
    }
    Some((d, width + 8))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_given_name_and_initials_without_marks() {
        assert_eq!(username_base("Nguyễn", "Văn", "An"), "dv.annv");
        assert_eq!(username_base("Đỗ", "Thị Thu", "Hường"), "dv.huongdtt");
        assert_eq!(username_base("", "", "Ánh"), "dv.anh");
        assert_eq!(username_base("", "", "—"), "dv.dangvien");
        assert!(username_base("Nguyễn", "", &"a".repeat(60)).len() <= 34);
    }

    #[test]
    fn a_taken_username_gets_the_first_free_number() {
        let taken = vec!["dv.annv".to_owned(), "dv.annv2".to_owned()];
        assert_eq!(pick_username("dv.annv", &taken), "dv.annv3");
        assert_eq!(pick_username("dv.binhlt", &taken), "dv.binhlt");
    }

    #[test]
    fn one_time_passwords_are_long_enough_and_unambiguous() {
        let p = one_time_password();
        assert_eq!(p.len(), ONE_TIME_LENGTH);
        assert!(crate::auth::password::check_strength(&p).is_ok());
        assert!(!p.contains(['0', 'o', '1', 'l', 'i']));
        assert_ne!(p, one_time_password());
    }

    #[test]
    fn new_passwords_are_checked_before_anything_is_written() {
        let ok = "mot-mat-khau-moi";
        assert!(check_new_password("dv.annv", "cu-1234567", ok, ok).is_ok());
        assert_eq!(
            check_new_password("dv.annv", "", ok, ok).unwrap_err().0,
            "current"
        );
        assert_eq!(
            check_new_password("dv.annv", "x", "ngan", "ngan")
                .unwrap_err()
                .0,
            "new"
        );
        assert_eq!(
            check_new_password("dv.annv", "x", ok, "khac-han-1234")
                .unwrap_err()
                .0,
            "again"
        );
        assert_eq!(
            check_new_password("dv.annv", ok, ok, ok).unwrap_err().0,
            "new"
        );
    }

    #[test]
    fn the_qr_code_is_square_with_its_quiet_zone() {
        let (d, side) = qr_path("https://danvan.example.vn").unwrap();
        assert!(d.starts_with('M') && side >= 21 + 8);
        assert!(d
            .chars()
            .all(|c| c.is_ascii_digit() || "MhvHz ".contains(c)));
    }
}
