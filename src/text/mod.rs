//! Vietnamese text: normalisation, search keys, names, sorting and legacy
//! encodings. Every function accepts any `&str` (or byte slice) and never
//! panics.
//!
//! Typical import pipeline for a cell from an old spreadsheet:
//! `to_unicode` (or `detect_column` + `legacy_to_unicode`) → `clean` →
//! `normalize_tone_placement` → store; store `fold` of it for search and
//! sort with `compare` / `sort_vi` / `compare_names`.

mod collate;
mod fold;
mod legacy;
mod letters;
mod names;
mod normalize;
mod syllable;
mod tone;

pub use collate::{compare, sort_key_of, sort_vi, SORT_KEY_VERSION};
pub use fold::fold;
pub use legacy::{
    decode_windows_1258, detect_column, detect_legacy, legacy_to_unicode, tcvn3_to_unicode,
    tcvn3h_to_unicode, to_unicode, vni_to_unicode, Encoding,
};
pub use names::{compare_names, join_name, needs_title_case, split_name, title_case, NameParts};
pub use normalize::{clean, nfc};
pub use tone::{normalize_tone_placement, set_tone_style, ToneStyle, CANONICAL_TONE_STYLE};

#[cfg(test)]
mod collate_tests;
#[cfg(test)]
mod legacy_tests;
#[cfg(test)]
mod letters_tests;
#[cfg(test)]
mod names_tests;
#[cfg(test)]
mod normalize_tests;
#[cfg(test)]
mod prop_tests;
#[cfg(test)]
mod syllable_tests;
#[cfg(test)]
mod test_data;
