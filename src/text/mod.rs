//! PLACEHOLDER — replaced by the full Vietnamese text module.
use std::cmp::Ordering;
use unicode_normalization::UnicodeNormalization;

pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}
pub fn clean(s: &str) -> String {
    nfc(&s.split_whitespace().collect::<Vec<_>>().join(" "))
}
pub fn fold(s: &str) -> String {
    let t: String = s
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c))
        .collect();
    t.replace(['đ', 'Đ'], "d")
        .to_lowercase()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NameParts {
    pub family: String,
    pub middle: String,
    pub given: String,
}
pub fn split_name(full: &str) -> NameParts {
    let c = clean(full);
    let w: Vec<&str> = c.split(' ').filter(|x| !x.is_empty()).collect();
    match w.len() {
        0 => NameParts::default(),
        1 => NameParts {
            given: w[0].into(),
            ..Default::default()
        },
        n => NameParts {
            family: w[0].into(),
            middle: w[1..n - 1].join(" "),
            given: w[n - 1].into(),
        },
    }
}
pub fn join_name(p: &NameParts) -> String {
    [p.family.as_str(), p.middle.as_str(), p.given.as_str()]
        .iter()
        .filter(|x| !x.is_empty())
        .cloned()
        .collect::<Vec<_>>()
        .join(" ")
}
pub fn compare(a: &str, b: &str) -> Ordering {
    fold(a).cmp(&fold(b)).then(a.cmp(b))
}
