//! "Could this word be one Vietnamese syllable?" — the evidence behind
//! legacy-encoding detection. Decoding a word with the wrong table almost
//! always yields something no Vietnamese would write ("Nguyeón", "V¨n",
//! "Leõ"), so counting plausible syllables under each hypothesis tells the
//! encodings apart.
//!
//! Checked: onset, vowel group, final consonant, at most one tone, the tone
//! on a vowel that can carry it (both tone styles accepted), and no huyền,
//! hỏi or ngã before the stop finals c/ch/p/t. Not checked (kept tolerant):
//! c/k/q spelling rules and other fine print. A false "yes" only costs a
//! tie, which detection resolves in favour of Unicode.

use super::letters::{to_lower, vowel, TONE_NONE};

const ONSETS: [&str; 28] = [
    "ngh", "ng", "nh", "ch", "gh", "gi", "kh", "ph", "th", "tr", "qu", "b", "c", "d", "đ", "g",
    "h", "k", "l", "m", "n", "p", "r", "s", "t", "v", "x", "",
];

const CODAS: [&str; 9] = ["", "c", "ch", "m", "n", "ng", "nh", "p", "t"];

/// Tone columns that cannot precede a stop final (c, ch, p, t).
const NOT_BEFORE_STOP: [usize; 3] = [1, 3, 4];

/// Bit `i` set: the tone may sit on vowel `i` of the group.
type Places = u8;
const FIRST: Places = 0b001;
const SECOND: Places = 0b010;
const THIRD: Places = 0b100;
const NONE: Places = 0;

/// Vowel group → where its tone may go (open syllable, closed syllable);
/// `NONE` means the group cannot appear in that shape.
const GROUPS: [(&str, Places, Places); 54] = [
    ("a", FIRST, FIRST),
    ("e", FIRST, FIRST),
    ("ê", FIRST, FIRST),
    ("i", FIRST, FIRST),
    ("o", FIRST, FIRST),
    ("ô", FIRST, FIRST),
    ("ơ", FIRST, FIRST),
    ("u", FIRST, FIRST),
    ("ư", FIRST, FIRST),
    ("y", FIRST, NONE), // only in open syllables: kỳ, Mỹ; closed is -uy-/-yê-
    ("ă", NONE, FIRST),
    ("â", NONE, FIRST),
    // Both styles: hòa/hoà, khỏe/khoẻ, thúy/thuý; closed: hoàn, khuyến.
    ("oa", FIRST | SECOND, SECOND),
    ("oe", FIRST | SECOND, SECOND),
    ("uy", FIRST | SECOND, SECOND),
    ("uê", SECOND, SECOND),
    ("uơ", SECOND, NONE),
    ("iê", NONE, SECOND),
    ("yê", NONE, SECOND),
    ("uô", NONE, SECOND),
    ("ươ", NONE, SECOND),
    ("oă", NONE, SECOND),
    ("uâ", NONE, SECOND),
    ("uyê", NONE, THIRD),
    // Falling diphthongs and vowel + glide: tone on the first.
    ("ai", FIRST, NONE),
    ("ao", FIRST, NONE),
    ("au", FIRST, NONE),
    ("ay", FIRST, NONE),
    ("âu", FIRST, NONE),
    ("ây", FIRST, NONE),
    ("eo", FIRST, NONE),
    ("êu", FIRST, NONE),
    ("ia", FIRST, NONE),
    ("iu", FIRST, NONE),
    ("oi", FIRST, NONE),
    ("ôi", FIRST, NONE),
    ("ơi", FIRST, NONE),
    ("ua", FIRST, NONE),
    ("ui", FIRST, NONE),
    ("ưa", FIRST, NONE),
    ("ưi", FIRST, NONE),
    ("ưu", FIRST, NONE),
    // Three vowels: tone on the middle one (hiếu, khoái, khuỷu, người).
    ("iêu", SECOND, NONE),
    ("yêu", SECOND, NONE),
    ("oai", SECOND, NONE),
    ("oay", SECOND, NONE),
    ("oao", SECOND, NONE),
    ("oeo", SECOND, NONE),
    ("uây", SECOND, NONE),
    ("uôi", SECOND, NONE),
    ("uya", SECOND, NONE),
    ("uyu", SECOND, NONE),
    ("ươi", SECOND, NONE),
    ("ươu", SECOND, NONE),
];

/// A letter reduced to its toneless lowercase form plus its tone column.
type Letter = (char, usize);

/// True if `word` is written in one case pattern: "an", "An" or "AN".
/// Mixed case inside a word ("TuÊn", "ThÕ") is what TCVN3 looks like when
/// read as Latin-1, never how people write.
pub(crate) fn has_plain_case(word: &str) -> bool {
    let mut chars = word.chars();
    let first_upper = chars.next().is_some_and(char::is_uppercase);
    let rest = chars.as_str();
    let no_upper = !rest.chars().any(char::is_uppercase);
    no_upper || (first_upper && !rest.chars().any(char::is_lowercase))
}

/// True if `word` (any case, NFC) is a well-formed Vietnamese syllable.
pub(crate) fn is_syllable(word: &str) -> bool {
    let mut letters: Vec<Letter> = Vec::with_capacity(word.len());
    for c in word.chars() {
        if let Some(v) = vowel(c) {
            letters.push((v.base(), v.tone));
        } else if c.is_ascii_alphabetic() || c == 'đ' || c == 'Đ' {
            letters.push((to_lower(c), TONE_NONE));
        } else {
            return false;
        }
    }
    if letters.iter().filter(|l| l.1 != TONE_NONE).count() > 1 {
        return false;
    }
    let plain: String = letters.iter().map(|l| l.0).collect();
    ONSETS.iter().any(|onset| {
        let Some(rime) = plain
            .starts_with(onset)
            .then(|| &letters[onset.chars().count()..])
        else {
            return false;
        };
        // After "qu" the glide u is already there: no quoa, quuy.
        let glide_again = *onset == "qu" && matches!(rime.first(), Some(('o' | 'u', _)));
        !glide_again && is_rime(rime)
    })
}

/// Vowel group + final consonant, with the tone in an allowed place.
fn is_rime(rime: &[Letter]) -> bool {
    let n_vowels = rime.iter().take_while(|l| vowel(l.0).is_some()).count();
    let (vowels, coda) = rime.split_at(n_vowels);
    let coda: String = coda.iter().map(|l| l.0).collect();
    if vowels.is_empty() || !CODAS.contains(&coda.as_str()) {
        return false;
    }
    let group: String = vowels.iter().map(|l| l.0).collect();
    // -ch/-nh only follow a, ê, i, y (anh, ếch, inh, huỳnh: no "unh"), and
    // a lone ê or i never takes -c/-ng (those take -ch/-nh instead; iê/yê
    // do take them: tiếng, việc).
    let palatal_ok = matches!(vowels.last(), Some(('a' | 'ê' | 'i' | 'y', _)));
    let front_alone = matches!(group.as_str(), "ê" | "i" | "uê");
    match coda.as_str() {
        "ch" | "nh" if !palatal_ok => return false,
        "c" | "ng" if front_alone => return false,
        _ => {}
    }
    let Some(places) = places(&group, coda.is_empty()) else {
        return false;
    };
    match vowels.iter().position(|l| l.1 != TONE_NONE) {
        None => true,
        Some(i) => {
            let tone = vowels[i].1;
            let stop = matches!(coda.as_str(), "c" | "ch" | "p" | "t");
            places & (1 << i) != 0 && !(stop && NOT_BEFORE_STOP.contains(&tone))
        }
    }
}

/// Allowed tone places for `group`, `None` if the group is not Vietnamese
/// in this (open or closed) shape.
fn places(group: &str, open: bool) -> Option<Places> {
    let &(_, o, c) = GROUPS.iter().find(|g| g.0 == group)?;
    let p = if open { o } else { c };
    (p != NONE).then_some(p)
}
