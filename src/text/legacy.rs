//! Pre-Unicode Vietnamese found in old Excel files, and how to recognise it.
//!
//! Before Unicode, Vietnamese was typed with fonts that redrew Latin-1
//! glyphs: TCVN3 (ABC, `.VnTime`) and VNI. A spreadsheet reader returns such
//! a cell as Latin-1/cp1252 characters ("NguyÔn V¨n An" for TCVN3,
//! "Nguyeãn Vaên An" for VNI). Nothing in the file says which table the
//! author's font used, so we guess from the text itself (see
//! [`detect_legacy`]) and let a column vote when one cell is ambiguous.

mod cp1258;
mod tcvn3;
mod vni;

pub use cp1258::decode_windows_1258;
pub use tcvn3::{tcvn3_to_unicode, tcvn3h_to_unicode};
pub use vni::vni_to_unicode;

#[cfg(test)]
pub(crate) use tcvn3::{TCVN3_D, TCVN3_UPPER, TCVN3_VOWELS};
#[cfg(test)]
pub(crate) use vni::spelling as vni_spelling;

use super::letters::vowel;
use super::normalize::nfc;
use super::syllable::{has_plain_case, is_syllable};

/// The character set a piece of text was typed in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Encoding {
    /// Already Unicode (or plain ASCII): leave it alone.
    Unicode,
    /// TCVN3 / ABC (`.VnTime`, `.VnTimeH`).
    Tcvn3,
    /// VNI-Windows.
    Vni,
}

/// Order of the per-hypothesis scores below.
const HYPOTHESES: [Encoding; 3] = [Encoding::Unicode, Encoding::Tcvn3, Encoding::Vni];

/// Guesses how one cell was typed.
///
/// Each word with non-ASCII characters is decoded as Unicode, TCVN3 and VNI;
/// a hypothesis scores +1 per word that comes out as a Vietnamese syllable
/// (see `syllable.rs`; written in one case pattern, except for TCVN3 whose
/// capitals are necessarily mixed) and −1 per word that does not or that
/// uses a byte the table lacks. A legacy encoding is chosen only if it
/// strictly beats both others and scores above zero; every tie goes to
/// Unicode. So ordinary Unicode Vietnamese and plain ASCII are never
/// "converted" (each correct Unicode word already scores +1), and any letter
/// legacy text cannot contain (ơ, ư, ạ, đ, combining tone marks …) settles
/// it as Unicode at once.
pub fn detect_legacy(s: &str) -> Encoding {
    verdict(scores(s))
}

/// Guesses one encoding for a whole column by adding up every cell's
/// scores: a short cell like "Tó" is ambiguous (Unicode "Tó" vs TCVN3 "Tú"),
/// but the column it sits in is not.
pub fn detect_column(cells: &[&str]) -> Encoding {
    let total = cells.iter().map(|c| scores(c)).fold([0i64; 3], |acc, s| {
        [acc[0] + s[0], acc[1] + s[1], acc[2] + s[2]]
    });
    verdict(total)
}

/// Converts `s` from `encoding` to Unicode NFC. Unicode input is returned
/// unchanged. TCVN3 text whose ASCII letters are all capitals and which has
/// a capitalised word containing a lowercase-only code ("NGUYÔN") was typed
/// in `.VnTimeH` and is uppercased, see [`tcvn3h_to_unicode`].
pub fn legacy_to_unicode(s: &str, encoding: Encoding) -> String {
    match encoding {
        Encoding::Unicode => s.to_string(),
        Encoding::Tcvn3 if looks_like_vntimeh(s) => tcvn3h_to_unicode(s),
        Encoding::Tcvn3 => tcvn3_to_unicode(s),
        Encoding::Vni => vni_to_unicode(s),
    }
}

/// [`detect_legacy`] then [`legacy_to_unicode`]: the one-call fix for a cell.
pub fn to_unicode(s: &str) -> String {
    legacy_to_unicode(s, detect_legacy(s))
}

/// The hypothesis with the strictly best score, if that is a legacy one
/// and it reads more words as Vietnamese than not; Unicode otherwise.
/// A TCVN3/VNI tie (e.g. "Coâng" is VNI "Công" but also TCVN3 "Coõng")
/// also stays Unicode: better to leave one cell for the column vote than to
/// convert it with the wrong table.
fn verdict(scores: [i64; 3]) -> Encoding {
    let [unicode, tcvn3, vni] = scores;
    if tcvn3 > unicode && tcvn3 > vni && tcvn3 > 0 {
        Encoding::Tcvn3
    } else if vni > unicode && vni > tcvn3 && vni > 0 {
        Encoding::Vni
    } else {
        Encoding::Unicode
    }
}

/// [Unicode, TCVN3, VNI] scores of one cell.
fn scores(s: &str) -> [i64; 3] {
    let words: Vec<&str> = s
        .split(is_separator)
        // One lone symbol ("×", "¹", "½") is no evidence: as TCVN3 it would
        // read as a one-letter word (ì, ạ, ẵ), as Unicode as a symbol.
        .filter(|w| !w.is_ascii() && w.chars().nth(1).is_some())
        .collect();
    let n = i64::try_from(words.len()).unwrap_or(i64::MAX / 4);
    if s.chars().any(is_unicode_only) {
        // Count at least 1 so a cell like "ơ" still votes in a column.
        let n = n.max(1);
        return [n, -n, -n];
    }
    let mut total = [0i64; 3];
    for word in words {
        for (i, &h) in HYPOTHESES.iter().enumerate() {
            let ok = decode_word(word, h).is_some_and(|w| is_syllable(&w));
            total[i] += if ok { 1 } else { -1 };
        }
    }
    total
}

/// `word` decoded under `h`, or `None` if it holds a byte that `h`'s fonts
/// do not use (a word from that encoding never would).
fn decode_word(word: &str, h: Encoding) -> Option<String> {
    let in_high_half = |c: char| ('\u{80}'..='\u{ff}').contains(&c);
    match h {
        Encoding::Unicode => has_plain_case(word).then(|| nfc(word)),
        // No case check: .VnTime has no capital toned letters, so "NGUYễN"
        // and "ĐÀO" spelled "§µO" are how real TCVN3 capitals come out.
        Encoding::Tcvn3 => word
            .chars()
            .all(|c| !in_high_half(c) || tcvn3::decode_char(c).is_some())
            .then(|| tcvn3_to_unicode(word)),
        Encoding::Vni => {
            if word.chars().any(|c| in_high_half(c) && !vni::is_code(c)) {
                return None;
            }
            let (decoded, strays) = vni::decode(word);
            (strays == 0 && has_plain_case(&decoded)).then(|| nfc(&decoded))
        }
    }
}

/// Word boundaries for scoring: whitespace, ASCII punctuation and digits,
/// and the General Punctuation block (cp1252's curly quotes and dashes).
/// Latin-1 symbols are *not* boundaries: TCVN3 uses them as letters
/// (« is ô, ¸ is á, ­ is ư).
fn is_separator(c: char) -> bool {
    c.is_whitespace()
        || (c.is_ascii() && !c.is_ascii_alphabetic())
        || ('\u{2000}'..='\u{206f}').contains(&c)
}

/// Letters and marks that a Latin-1/cp1252 decoding of legacy bytes cannot
/// produce, so their presence proves the text is Unicode.
fn is_unicode_only(c: char) -> bool {
    (c > '\u{ff}' && (vowel(c).is_some() || c == 'đ' || c == 'Đ'))
        || ('\u{300}'..='\u{36f}').contains(&c)
}

/// `.VnTimeH` text: no ASCII lowercase at all, and some word with at least
/// two ASCII capitals next to a lowercase-only TCVN3 code ("NGUYÔN",
/// "TH¸I"). Two capitals, because a normal `.VnTime` name like "Lª Hµ"
/// (Lê Hà) also has only capital ASCII letters.
fn looks_like_vntimeh(s: &str) -> bool {
    !s.chars().any(|c| c.is_ascii_lowercase())
        && s.split(is_separator).any(|w| {
            w.chars().filter(char::is_ascii_uppercase).count() >= 2
                && w.chars().any(tcvn3::is_lowercase_code)
        })
}
