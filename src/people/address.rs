//! A household's address: how it is typed, shown, searched and compared. Pure.
//!
//! The page shows "Số 39, ngõ 4, xóm Chùa" and adds those words itself, so a field
//! typed with its own word ("ngõ 4", "số 39") is stored without it; otherwise it would
//! read "ngõ ngõ 4". The xóm keeps its word ("Xóm Đông", as registers write it) and the
//! display does not add another.

use crate::text;

/// The words the display puts before each field, folded, longest first.
const HOUSE_WORDS: &[&str] = &["so nha", "nha so", "so"];
const NGO_WORDS: &[&str] = &["ngo"];
const XOM_WORDS: &[&str] = &["xom", "thon"];

/// Drops a leading word from `words` (matched without diacritics or case) when a
/// value follows it: "ngõ 4" → "4", "Xóm Chùa" → "Chùa"; "Ngõ" alone stays.
fn strip_word(value: &str, words: &[&str]) -> String {
    let typed: Vec<&str> = value.split_whitespace().collect();
    for w in words {
        let n = w.split(' ').count();
        if typed.len() <= n {
            continue;
        }
        let lead: Vec<&str> = typed[..n]
            .iter()
            .map(|t| t.trim_end_matches(['.', ':']))
            .collect();
        if text::fold(&lead.join(" ")) == *w {
            return typed[n..].join(" ");
        }
    }
    typed.join(" ")
}

pub fn clean_house_no(v: &str) -> String {
    strip_word(v, HOUSE_WORDS)
}

pub fn clean_ngo(v: &str) -> String {
    strip_word(v, NGO_WORDS)
}

fn clean_xom(v: &str) -> String {
    strip_word(v, XOM_WORDS)
}

/// "Số 39, ngõ 4, xóm Chùa". Values stored before input was cleaned may still carry
/// their word ("Xóm Đông", "ngách 2"): they are shown as typed, never doubled.
pub fn display(house_no: &str, ngo: &str, xom: &str) -> String {
    let starts = |v: &str, words: &[&str]| {
        let f = text::fold(v);
        words
            .iter()
            .any(|w| f == *w || f.starts_with(&format!("{w} ")))
    };
    let mut parts = Vec::new();
    if !house_no.is_empty() {
        if starts(house_no, HOUSE_WORDS) {
            parts.push(house_no.to_owned());
        } else {
            parts.push(format!("Số {house_no}"));
        }
    }
    if !ngo.is_empty() {
        if starts(ngo, &["ngo", "ngach", "hem", "kiet"]) {
            parts.push(ngo.to_owned());
        } else {
            parts.push(format!("ngõ {ngo}"));
        }
    }
    if !xom.is_empty() {
        // An import with one "Địa chỉ" column puts the whole address here ("Số 5, ngõ 2,
        // Xóm Chùa"): it reads as typed, not "xóm Số 5, …".
        if starts(xom, XOM_WORDS) || xom.contains(',') {
            parts.push(xom.to_owned());
        } else {
            parts.push(format!("xóm {xom}"));
        }
    }
    parts.join(", ")
}

/// Search form of any text: folded, punctuation as spaces, single spaces.
/// "Số 39, ngõ 4" → "so 39 ngo 4".
pub fn search_key(s: &str) -> String {
    let folded: String = text::fold(s)
        .chars()
        .map(|c| if c.is_alphanumeric() { c } else { ' ' })
        .collect();
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// What the household search looks in: code, head's name and the address as shown,
/// each in search form. " / " keeps a query from matching across two fields (a
/// query in search form never holds "/").
pub fn household_search(
    code: &str,
    head_name: &str,
    house_no: &str,
    ngo: &str,
    xom: &str,
) -> String {
    [
        search_key(code),
        search_key(head_name),
        search_key(&display(house_no, ngo, xom)),
    ]
    .join(" / ")
}

/// The rule the import uses to call two households the same: one head, one address.
pub fn same_household_key(head_name: &str, house_no: &str, ngo: &str, xom: &str) -> String {
    format!(
        "{}|{}|{}|{}",
        search_key(head_name),
        search_key(&clean_xom(xom)),
        search_key(&clean_ngo(ngo)),
        search_key(&clean_house_no(house_no))
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_typed_word_is_not_doubled() {
        assert_eq!(clean_ngo("ngõ 4"), "4");
        assert_eq!(clean_ngo("Ngõ. 4"), "4");
        assert_eq!(clean_ngo("NGO 4"), "4");
        assert_eq!(clean_ngo("Ngõ"), "Ngõ");
        assert_eq!(clean_ngo("Ngọc Hà"), "Ngọc Hà");
        assert_eq!(clean_house_no("số 39"), "39");
        assert_eq!(clean_house_no("Số nhà 39"), "39");
        assert_eq!(clean_house_no("Sơn 2"), "Sơn 2");
        assert_eq!(clean_xom("Xóm Chùa"), "Chùa");
        assert_eq!(clean_xom("thôn Đông"), "Đông");
        assert_eq!(clean_xom("Xóm"), "Xóm");
        assert_eq!(
            display(
                &clean_house_no("số 39"),
                &clean_ngo("ngõ 4"),
                &clean_xom("xóm Chùa")
            ),
            "Số 39, ngõ 4, xóm Chùa"
        );
        assert_eq!(display("", "ngõ 4", "Xóm Đông"), "ngõ 4, Xóm Đông");
        assert_eq!(display("", "ngách 2", ""), "ngách 2");
        assert_eq!(
            display("", "", "Số 5, ngõ 2, Xóm Chùa"),
            "Số 5, ngõ 2, Xóm Chùa"
        );
    }

    #[test]
    fn search_keys_ignore_marks_case_and_punctuation() {
        assert_eq!(search_key("Số 39, ngõ 4"), "so 39 ngo 4");
        assert_eq!(search_key(" BN0039 "), "bn0039");
        let hay = household_search("BN0039", "Nguyễn Văn An", "39", "4", "Chùa");
        assert_eq!(hay, "bn0039 / nguyen van an / so 39 ngo 4 xom chua");
        assert!(hay.contains(&search_key("xom chua")));
        assert!(hay.contains(&search_key("bn0039")));
    }

    #[test]
    fn the_same_household_whatever_words_were_typed() {
        assert_eq!(
            same_household_key("Nguyễn Văn An", "Số 39", "ngõ 4", "Xóm Chùa"),
            same_household_key("nguyen van an", "39", "4", "Chùa")
        );
    }
}
