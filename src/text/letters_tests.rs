//! The vowel grid is the root of every table: check it against Unicode's
//! own composition data rather than against itself.

use std::collections::BTreeSet;

use super::letters::{to_upper, vowel, Vowel, VOWELS};
use super::normalize::nfc;

/// Combining marks for columns huyền, sắc, hỏi, ngã, nặng.
const TONE_MARKS: [char; 5] = ['\u{300}', '\u{301}', '\u{309}', '\u{303}', '\u{323}'];

#[test]
fn each_cell_is_its_row_base_plus_the_column_tone_mark() {
    for row in VOWELS {
        for (tone, &cell) in row.iter().enumerate().skip(1) {
            let composed = nfc(&format!("{}{}", row[0], TONE_MARKS[tone - 1]));
            assert_eq!(composed, cell.to_string(), "row {row:?} tone {tone}");
        }
    }
}

#[test]
fn row_bases_carry_the_right_quality_marks() {
    let bases: String = VOWELS.iter().map(|r| r[0]).collect();
    assert_eq!(bases, "aăâeêioôơuưy");
    assert_eq!(nfc("a\u{306}"), "ă");
    assert_eq!(nfc("o\u{31b}"), "ơ");
    assert_eq!(nfc("u\u{31b}"), "ư");
}

#[test]
fn there_are_134_accented_letters() {
    let mut set = BTreeSet::new();
    for c in VOWELS.iter().flatten().copied().chain(['đ']) {
        if !c.is_ascii() {
            set.insert(c);
            set.insert(to_upper(c));
        }
    }
    assert_eq!(set.len(), 134);
}

#[test]
fn vowel_lookup_round_trips_both_cases() {
    for (row, cells) in VOWELS.iter().enumerate() {
        for (tone, &c) in cells.iter().enumerate() {
            for (ch, upper) in [(c, false), (to_upper(c), true)] {
                let v = vowel(ch).expect("grid letter");
                assert_eq!(v, Vowel { row, tone, upper });
                assert_eq!(v.to_char(), ch);
            }
        }
    }
    assert_eq!(vowel('b'), None);
    assert_eq!(vowel('đ'), None);
    assert_eq!(vowel('ç'), None);
}
