//! TCVN3 (TCVN 5712:1993 "VN3", typed with the ABC keyboard in the
//! `.VnTime`/`.VnArial` fonts): one byte per letter, lowercase only, plus
//! the seven uppercase letters Ă Â Ê Ô Ơ Ư Đ.
//!
//! Uppercase toned letters have no code in VN3. People switched to the
//! `.VnTimeH` ("H" = hoa, capitals) font instead, whose glyphs for the
//! *lowercase* codes are capitals; the bytes in the file are the same, so
//! that text must be uppercased after conversion ([`tcvn3h_to_unicode`]).
//!
//! Spreadsheet readers hand these bytes to us as Latin-1/cp1252 characters
//! U+00A1..=U+00FE; the two agree on that range, so one table serves both.

use std::sync::LazyLock;

use super::super::letters::{to_lower, VOWELS};
use super::super::normalize::nfc;

/// The TCVN3 byte for each cell of [`VOWELS`] (rows a ă â e ê i o ô ơ u ư y;
/// columns none, huyền, sắc, hỏi, ngã, nặng). Toneless a e i o u y are ASCII.
pub(crate) const TCVN3_VOWELS: [[u8; 6]; 12] = [
    [b'a', 0xB5, 0xB8, 0xB6, 0xB7, 0xB9],
    [0xA8, 0xBB, 0xBE, 0xBC, 0xBD, 0xC6],
    [0xA9, 0xC7, 0xCA, 0xC8, 0xC9, 0xCB],
    [b'e', 0xCC, 0xD0, 0xCE, 0xCF, 0xD1],
    [0xAA, 0xD2, 0xD5, 0xD3, 0xD4, 0xD6],
    [b'i', 0xD7, 0xDD, 0xD8, 0xDC, 0xDE],
    [b'o', 0xDF, 0xE3, 0xE1, 0xE2, 0xE4],
    [0xAB, 0xE5, 0xE8, 0xE6, 0xE7, 0xE9],
    [0xAC, 0xEA, 0xED, 0xEB, 0xEC, 0xEE],
    [b'u', 0xEF, 0xF3, 0xF1, 0xF2, 0xF4],
    [0xAD, 0xF5, 0xF8, 0xF6, 0xF7, 0xF9],
    [b'y', 0xFA, 0xFD, 0xFB, 0xFC, 0xFE],
];

/// đ.
pub(crate) const TCVN3_D: u8 = 0xAE;

/// The only capitals VN3 encodes (in `.VnTime`).
pub(crate) const TCVN3_UPPER: [(u8, char); 7] = [
    (0xA1, 'Ă'),
    (0xA2, 'Â'),
    (0xA3, 'Ê'),
    (0xA4, 'Ô'),
    (0xA5, 'Ơ'),
    (0xA6, 'Ư'),
    (0xA7, 'Đ'),
];

/// Unicode letter for each char U+0080..=U+00FF, `None` where VN3 has no
/// letter (those chars are left as they are).
static DECODE: LazyLock<[Option<char>; 128]> = LazyLock::new(|| {
    let mut t = [None; 128];
    for (row, bytes) in TCVN3_VOWELS.iter().enumerate() {
        for (tone, &b) in bytes.iter().enumerate() {
            if b >= 0x80 {
                t[usize::from(b - 0x80)] = Some(VOWELS[row][tone]);
            }
        }
    }
    t[usize::from(TCVN3_D - 0x80)] = Some('đ');
    for (b, c) in TCVN3_UPPER {
        t[usize::from(b - 0x80)] = Some(c);
    }
    t
});

/// The letter `c` stands for in TCVN3, if it is one of its codes.
pub(crate) fn decode_char(c: char) -> Option<char> {
    let i = u32::from(c).checked_sub(0x80)?;
    DECODE.get(usize::try_from(i).ok()?).copied().flatten()
}

/// True for codes of lowercase toned/modified letters: the ones `.VnTimeH`
/// shows as capitals.
pub(crate) fn is_lowercase_code(c: char) -> bool {
    decode_char(c).is_some_and(|u| to_lower(u) == u)
}

/// TCVN3 `.VnTime` text → Unicode NFC. Characters that are not TCVN3 codes
/// (ASCII, digits, punctuation) pass through.
pub fn tcvn3_to_unicode(s: &str) -> String {
    let decoded: String = s.chars().map(|c| decode_char(c).unwrap_or(c)).collect();
    nfc(&decoded)
}

/// TCVN3 text typed in a `.VnTimeH` (all-capitals) font → Unicode NFC,
/// uppercased, since that is what the reader saw.
pub fn tcvn3h_to_unicode(s: &str) -> String {
    nfc(&tcvn3_to_unicode(s).to_uppercase())
}
