//! How a unit is named on every page: by the catalogue's own kind (xã, phường, thị trấn,
//! đặc khu…), never a generic "Xã", and never twice ("Xã Xã Lương Bằng"). Pure.

use crate::text;

/// The official kinds, as the catalogue writes them at the start of a name; longest
/// first, so "Thành phố" wins over a bare first word.
const KINDS: &[&str] = &[
    "Thành phố",
    "Thị trấn",
    "Thị xã",
    "Đặc khu",
    "Tổ dân phố",
    "Quốc gia",
    "Phường",
    "Huyện",
    "Quận",
    "Tỉnh",
    "Thôn",
    "Xóm",
    "Bản",
    "Ấp",
    "Xã",
];

/// The kind the name itself starts with ("Phường Đường Hào" → "Phường").
pub fn kind_in_name(name: &str) -> Option<&'static str> {
    let folded = text::fold(name);
    KINDS.iter().copied().find(|k| {
        let k = text::fold(k);
        folded == k || folded.starts_with(&format!("{k} "))
    })
}

/// The unit's kind in Vietnamese: the one its name carries, else the catalogue's type
/// (villages: "Thôn"), else `generic` (the tree level's word).
pub fn kind_vi(name: &str, unit_type: Option<&str>, generic: &'static str) -> String {
    if let Some(k) = kind_in_name(name) {
        return k.to_owned();
    }
    match unit_type.map(str::trim) {
        Some(t) if !t.is_empty() && !KINDS.iter().any(|k| k.starts_with(t) && *k != t) => {
            t.to_owned()
        }
        _ => generic.to_owned(),
    }
}

/// The kind in English, from the Vietnamese one.
pub fn kind_en(kind_vi: &str, generic: &'static str) -> &'static str {
    match kind_vi {
        "Xã" => "Commune",
        "Phường" => "Ward",
        "Thị trấn" => "Township",
        "Đặc khu" => "Special zone",
        "Tỉnh" => "Province",
        "Thành phố" => "City",
        "Huyện" => "District",
        "Quận" => "Urban district",
        "Thị xã" => "Town",
        "Thôn" | "Xóm" | "Bản" | "Ấp" => "Village",
        "Tổ dân phố" => "Residential group",
        "Quốc gia" => "Country",
        _ => generic,
    }
}

/// "Xã Lương Bằng", "Phường Đường Hào", "Thôn Bằng Ngang": the name with its kind once.
pub fn display_name(name: &str, kind: &str) -> String {
    if kind_in_name(name).is_some() {
        name.to_owned()
    } else {
        format!("{kind} {name}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_catalogue_kind_once() {
        assert_eq!(kind_vi("Phường Đường Hào", Some("Phường"), "Xã"), "Phường");
        assert_eq!(
            kind_vi("Thị trấn Lương Bằng", Some("Thị trấn"), "Xã"),
            "Thị trấn"
        );
        assert_eq!(
            kind_vi("Đặc khu Phú Quốc", Some("Đặc khu"), "Xã"),
            "Đặc khu"
        );
        assert_eq!(
            kind_vi("Thành phố Hà Nội", Some("Thành"), "Tỉnh"),
            "Thành phố"
        );
        assert_eq!(kind_vi("Bằng Ngang", Some("Thôn"), "Thôn"), "Thôn");
        assert_eq!(kind_vi("Bằng Ngang", None, "Thôn"), "Thôn");
        assert_eq!(display_name("Xã Lương Bằng", "Xã"), "Xã Lương Bằng");
        assert_eq!(display_name("Bằng Ngang", "Thôn"), "Thôn Bằng Ngang");
        assert_eq!(kind_en("Phường", "Commune"), "Ward");
    }
}
