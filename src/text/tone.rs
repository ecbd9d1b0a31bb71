//! Where the tone mark sits in the open syllables ending in -oa, -oe, -uy.
//!
//! Vietnamese has two accepted spellings for exactly these rimes when no
//! consonant follows:
//!
//! * [`ToneStyle::Traditional`] "hòa, khỏe, thúy" — the mark on the first
//!   vowel. Called *kiểu cũ* in Unikey/EVKey; it is what the state uses in
//!   practice: the national heading "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
//!   the official lists of administrative units (Hòa Bình, Thanh Hóa,
//!   Khánh Hòa) and most civil-registration data.
//! * [`ToneStyle::Modern`] "hoà, khoẻ, thuý" — the mark on the main vowel.
//!   Called *kiểu mới*; school textbooks follow it.
//!
//! Both are correct, so the same person ends up stored both ways. We store
//! [`CANONICAL_TONE_STYLE`] = Traditional because the place names and
//! letterheads this app prints and matches against use it. Syllables with a
//! final consonant (hoàn, khuyết), with "qu" (quý, quả) or with other rimes
//! (mùa, khoái) are spelled the same in both styles and are left alone.

use unicode_normalization::char::is_combining_mark;

use super::letters::{to_lower, vowel, TONE_NONE};
use super::normalize::nfc;

/// Which vowel of an open -oa/-oe/-uy syllable carries the tone mark.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum ToneStyle {
    /// "hòa, khỏe, thúy" (mark on the first vowel).
    Traditional,
    /// "hoà, khoẻ, thuý" (mark on the second vowel).
    Modern,
}

/// The style [`normalize_tone_placement`] produces; see the module docs.
pub const CANONICAL_TONE_STYLE: ToneStyle = ToneStyle::Traditional;

/// NFC, then rewrites -oa/-oe/-uy tone placement to [`CANONICAL_TONE_STYLE`],
/// so "Hoà" and "Hòa" are stored identically. Everything else is unchanged.
pub fn normalize_tone_placement(s: &str) -> String {
    set_tone_style(s, CANONICAL_TONE_STYLE)
}

/// NFC, then rewrites -oa/-oe/-uy tone placement to `style`.
pub fn set_tone_style(s: &str, style: ToneStyle) -> String {
    let mut chars: Vec<char> = nfc(s).chars().collect();
    let mut start = 0;
    // A word is a run of letters and combining marks; marks are kept in
    // the run so that a word with a leftover mark (which NFC could not
    // compose) is seen whole and left alone, see `fix_word`.
    let in_word = |c: &char| c.is_alphabetic() || is_combining_mark(*c);
    while start < chars.len() {
        if !in_word(&chars[start]) {
            start += 1;
            continue;
        }
        let end = chars[start..]
            .iter()
            .position(|c| !in_word(c))
            .map_or(chars.len(), |n| start + n);
        fix_word(&mut chars[start..end], style);
        start = end;
    }
    chars.into_iter().collect()
}

/// Moves the tone inside one word if it is an open -oa/-oe/-uy syllable.
fn fix_word(word: &mut [char], style: ToneStyle) {
    let n = word.len();
    // Moving a tone next to an uncomposed mark would make the output
    // non-NFC (and the next call would compose it): not a real word anyway.
    if n < 2 || word.iter().any(|&c| is_combining_mark(c)) {
        return;
    }
    let (Some(first), Some(second)) = (vowel(word[n - 2]), vowel(word[n - 1])) else {
        return;
    };
    if !matches!(
        (first.base(), second.base()),
        ('o', 'a') | ('o', 'e') | ('u', 'y')
    ) {
        return;
    }
    // Everything before the pair must be a plain consonant onset, and "qu"
    // is an onset (quý, quà), not a glide: those never move.
    let onset = &word[..n - 2];
    if onset.iter().any(|&c| vowel(c).is_some()) || onset.last().map(|&c| to_lower(c)) == Some('q')
    {
        return;
    }
    // Move the mark from the "wrong" vowel of the pair to the right one.
    let (from, to) = match style {
        ToneStyle::Traditional => (n - 1, n - 2),
        ToneStyle::Modern => (n - 2, n - 1),
    };
    let (mut donor, mut taker) = if from == n - 1 {
        (second, first)
    } else {
        (first, second)
    };
    if donor.tone != TONE_NONE && taker.tone == TONE_NONE {
        taker.tone = donor.tone;
        donor.tone = TONE_NONE;
        word[from] = donor.to_char();
        word[to] = taker.to_char();
    }
}
