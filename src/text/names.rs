//! Vietnamese personal names: họ (family), tên đệm (middle), tên (given).

use std::cmp::Ordering;

use super::collate::compare;
use super::normalize::clean;

/// A name split the Vietnamese way. Lists are sorted by `given` first
/// (see [`compare_names`]), which is why the split matters.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct NameParts {
    pub family: String,
    pub middle: String,
    pub given: String,
}

/// "Nguyễn Thị Minh Khai" → family "Nguyễn", middle "Thị Minh", given "Khai".
///
/// The first word is the family name and the last the given name; one word
/// is a given name only. Compound family names ("Tôn Nữ", "Nguyễn Phúc")
/// cannot be told apart from middle names by form, so their second word
/// lands in `middle`; that does not change sorting by given name, and
/// [`join_name`] puts the words back in the same order.
pub fn split_name(full: &str) -> NameParts {
    let cleaned = clean(full);
    let words: Vec<&str> = cleaned.split(' ').filter(|w| !w.is_empty()).collect();
    match words.as_slice() {
        [] => NameParts::default(),
        [given] => NameParts {
            given: (*given).to_string(),
            ..NameParts::default()
        },
        [family, middle @ .., given] => NameParts {
            family: (*family).to_string(),
            middle: middle.join(" "),
            given: (*given).to_string(),
        },
    }
}

/// A name typed in capitals or all in lowercase ("NGUYỄN VĂN A", "trần thị bình"),
/// which [`title_case`] would change. Mixed case is left to the person who typed it.
pub fn needs_title_case(name: &str) -> bool {
    let letters: Vec<char> = name.chars().filter(|c| c.is_alphabetic()).collect();
    let all_upper = letters.iter().all(|c| !c.is_lowercase());
    let all_lower = letters.iter().all(|c| !c.is_uppercase());
    (all_upper && letters.len() > 1 || all_lower && !letters.is_empty())
        && title_case(name) != clean(name)
}

/// "NGUYỄN VĂN A" → "Nguyễn Văn A": each word's first letter upper, the rest lower.
pub fn title_case(name: &str) -> String {
    clean(name)
        .split(' ')
        .map(|w| {
            let mut chars = w.chars();
            match chars.next() {
                Some(first) => first
                    .to_uppercase()
                    .chain(chars.flat_map(char::to_lowercase))
                    .collect(),
                None => String::new(),
            }
        })
        .collect::<Vec<String>>()
        .join(" ")
}

/// "family middle given", skipping empty parts, cleaned.
pub fn join_name(p: &NameParts) -> String {
    let joined = [&p.family, &p.middle, &p.given]
        .iter()
        .map(|s| s.as_str())
        .filter(|s| !s.trim().is_empty())
        .collect::<Vec<_>>()
        .join(" ");
    clean(&joined)
}

/// Vietnamese list order: by given name, then family name, then middle name
/// (each with [`compare`]).
pub fn compare_names(a: &NameParts, b: &NameParts) -> Ordering {
    compare(&a.given, &b.given)
        .then_with(|| compare(&a.family, &b.family))
        .then_with(|| compare(&a.middle, &b.middle))
}

#[cfg(test)]
mod title_case_tests {
    use super::*;

    #[test]
    fn capitals_and_lowercase_become_title_case_mixed_case_stays() {
        assert_eq!(title_case("NGUYỄN VĂN A"), "Nguyễn Văn A");
        assert_eq!(title_case("đặng thị ánh"), "Đặng Thị Ánh");
        assert!(needs_title_case("NGUYỄN VĂN A"));
        assert!(needs_title_case("đặng thị ánh"));
        assert!(!needs_title_case("Nguyễn Văn A"));
        assert!(!needs_title_case("Nguyễn văn an"));
        assert!(!needs_title_case("A"));
        assert!(!needs_title_case(""));
    }
}
