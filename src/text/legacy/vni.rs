//! VNI-Windows (the VNI fonts, e.g. "VNI-Times"): a base letter followed
//! by one byte that draws the mark(s) above or below it, so "Nguyễn" is
//! "Nguyeãn" and "Văn" is "Vaên". A few letters are single bytes: ơ ư đ,
//! the toned i's and ỵ.
//!
//! Capitals use the capital form of the mark byte ("AÙ" = Á); files also
//! contain a capital base with a lowercase mark, which we accept too.

use std::collections::HashMap;
use std::sync::LazyLock;

use super::super::letters::{to_upper, VOWELS};
use super::super::normalize::nfc;

/// Mark byte per tone column (none, huyền, sắc, hỏi, ngã, nặng) for a vowel
/// without circumflex/breve.
const TONES: [char; 6] = ['\0', 'ø', 'ù', 'û', 'õ', 'ï'];
/// Circumflex, alone or with each tone (â ê ô).
const CIRCUMFLEX: [char; 6] = ['â', 'à', 'á', 'å', 'ã', 'ä'];
/// Breve, alone or with each tone (ă).
const BREVE: [char; 6] = ['ê', 'è', 'é', 'ú', 'ü', 'ë'];
/// The i's are single bytes.
const I_ROW: [char; 6] = ['i', 'ì', 'í', 'æ', 'ó', 'ò'];
/// ơ and ư are single bytes that then take a tone byte.
const O_HORN: char = 'ô';
const U_HORN: char = 'ö';
const D_BAR: char = 'ñ';
/// ỵ is a single byte (some files spell it "yï", which we also read).
const Y_DOT: char = 'î';

/// How VNI spells the lowercase letter in cell (row, tone) of [`VOWELS`]:
/// a base char and maybe a mark char.
pub(crate) fn spelling(row: usize, tone: usize) -> (char, Option<char>) {
    // Plain vowels: the tone byte, or nothing when toneless.
    let toned = |base: char| (base, (tone != 0).then_some(TONES[tone]));
    match row {
        0 => toned('a'),
        1 => ('a', Some(BREVE[tone])),
        2 => ('a', Some(CIRCUMFLEX[tone])),
        3 => toned('e'),
        4 => ('e', Some(CIRCUMFLEX[tone])),
        5 => (I_ROW[tone], None),
        6 => toned('o'),
        7 => ('o', Some(CIRCUMFLEX[tone])),
        8 => toned(O_HORN),
        9 => toned('u'),
        10 => toned(U_HORN),
        _ if tone == 5 => (Y_DOT, None),
        _ => toned('y'),
    }
}

struct Tables {
    /// (base, mark) → letter, for every case combination.
    pairs: HashMap<(char, char), char>,
    /// single byte → letter.
    singles: HashMap<char, char>,
    /// Every mark byte, both cases: seen alone it means the text is not VNI.
    marks: Vec<char>,
}

static TABLES: LazyLock<Tables> = LazyLock::new(|| {
    let mut t = Tables {
        pairs: HashMap::new(),
        singles: HashMap::new(),
        marks: Vec::new(),
    };
    let mut add_pair = |base: char, mark: char, letter: char| {
        // The letter's case follows the base; the mark may be either case.
        for m in [mark, to_upper(mark)] {
            t.pairs.insert((base, m), letter);
            t.pairs.insert((to_upper(base), m), to_upper(letter));
        }
    };
    for (row, cells) in VOWELS.iter().enumerate() {
        for (tone, &letter) in cells.iter().enumerate() {
            if let (base, Some(mark)) = spelling(row, tone) {
                add_pair(base, mark, letter);
            }
        }
    }
    add_pair('y', TONES[5], 'ỵ');
    for (row, cells) in VOWELS.iter().enumerate() {
        for (tone, &letter) in cells.iter().enumerate() {
            if let (single, None) = spelling(row, tone) {
                if !single.is_ascii() {
                    t.singles.insert(single, letter);
                    t.singles.insert(to_upper(single), to_upper(letter));
                }
            }
        }
    }
    t.singles.insert(D_BAR, 'đ');
    t.singles.insert(to_upper(D_BAR), 'Đ');
    for m in TONES[1..].iter().chain(&CIRCUMFLEX).chain(&BREVE) {
        t.marks.push(*m);
        t.marks.push(to_upper(*m));
    }
    t
});

/// Decodes VNI and counts mark bytes that followed no suitable base letter
/// ("strays"): real VNI never has them, Unicode text often does (é, â …).
pub(crate) fn decode(s: &str) -> (String, usize) {
    let t = &*TABLES;
    let chars: Vec<char> = s.chars().collect();
    let mut out = String::with_capacity(s.len());
    let mut strays = 0;
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if let Some(&letter) = chars.get(i + 1).and_then(|&m| t.pairs.get(&(c, m))) {
            out.push(letter);
            i += 2;
            continue;
        }
        if let Some(&letter) = t.singles.get(&c) {
            out.push(letter);
        } else {
            if t.marks.contains(&c) {
                strays += 1;
            }
            out.push(c);
        }
        i += 1;
    }
    (out, strays)
}

/// True if `c` is a VNI byte (mark or single-byte letter) in U+0080..=U+00FF.
pub(crate) fn is_code(c: char) -> bool {
    TABLES.singles.contains_key(&c) || TABLES.marks.contains(&c)
}

/// VNI-Windows text → Unicode NFC. Other characters pass through.
pub fn vni_to_unicode(s: &str) -> String {
    nfc(&decode(s).0)
}
