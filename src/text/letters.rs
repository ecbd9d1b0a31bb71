//! The Vietnamese letter model shared by tone placement, syllable checks and
//! the legacy-encoding tables.
//!
//! Every toned vowel is a (row, tone) pair in one 12 × 6 grid. Keeping the
//! grid in one place means the TCVN3 and VNI tables only have to say how
//! *their* encoding spells each cell, and the tests can check the grid itself
//! against Unicode's own decompositions (see `letters_tests`).

/// Column of [`VOWELS`] for "no tone". The columns run in the traditional
/// dictionary order: không dấu, huyền, sắc, hỏi, ngã, nặng.
pub(crate) const TONE_NONE: usize = 0;

/// Rows: a ă â e ê i o ô ơ u ư y. Columns: none, huyền, sắc, hỏi, ngã, nặng.
pub(crate) const VOWELS: [[char; 6]; 12] = [
    ['a', 'à', 'á', 'ả', 'ã', 'ạ'],
    ['ă', 'ằ', 'ắ', 'ẳ', 'ẵ', 'ặ'],
    ['â', 'ầ', 'ấ', 'ẩ', 'ẫ', 'ậ'],
    ['e', 'è', 'é', 'ẻ', 'ẽ', 'ẹ'],
    ['ê', 'ề', 'ế', 'ể', 'ễ', 'ệ'],
    ['i', 'ì', 'í', 'ỉ', 'ĩ', 'ị'],
    ['o', 'ò', 'ó', 'ỏ', 'õ', 'ọ'],
    ['ô', 'ồ', 'ố', 'ổ', 'ỗ', 'ộ'],
    ['ơ', 'ờ', 'ớ', 'ở', 'ỡ', 'ợ'],
    ['u', 'ù', 'ú', 'ủ', 'ũ', 'ụ'],
    ['ư', 'ừ', 'ứ', 'ử', 'ữ', 'ự'],
    ['y', 'ỳ', 'ý', 'ỷ', 'ỹ', 'ỵ'],
];

/// A vowel seen as a cell of [`VOWELS`] plus its case.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Vowel {
    pub row: usize,
    pub tone: usize,
    pub upper: bool,
}

impl Vowel {
    /// The NFC character for this cell.
    pub fn to_char(self) -> char {
        let c = VOWELS[self.row][self.tone];
        if self.upper {
            to_upper(c)
        } else {
            c
        }
    }

    /// The toneless vowel (ă, ơ … keep their breve/horn), lowercase.
    pub fn base(self) -> char {
        VOWELS[self.row][TONE_NONE]
    }
}

/// Looks `c` up in the grid; `None` for consonants, digits, other scripts.
pub(crate) fn vowel(c: char) -> Option<Vowel> {
    // Fast exit: every Vietnamese vowel is ASCII, Latin-1, Latin Extended-A/B
    // or in the Latin Extended Additional block.
    let may_be_vowel = c.is_ascii_alphabetic()
        || ('\u{c0}'..='\u{1b0}').contains(&c)
        || ('\u{1ea0}'..='\u{1ef9}').contains(&c);
    if !may_be_vowel {
        return None;
    }
    let lower = to_lower(c);
    for (row, cells) in VOWELS.iter().enumerate() {
        if let Some(tone) = cells.iter().position(|&v| v == lower) {
            return Some(Vowel {
                row,
                tone,
                upper: lower != c,
            });
        }
    }
    None
}

/// Single-char lowercase; every letter in the grid has a one-char mapping.
pub(crate) fn to_lower(c: char) -> char {
    let mut it = c.to_lowercase();
    match (it.next(), it.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Single-char uppercase, same reasoning as [`to_lower`].
pub(crate) fn to_upper(c: char) -> char {
    let mut it = c.to_uppercase();
    match (it.next(), it.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}
