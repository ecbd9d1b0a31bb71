//! Vietnamese collation (ICU4X, locale "vi").

use std::cmp::Ordering;
use std::sync::LazyLock;

use icu_collator::options::{CollatorOptions, Strength};
use icu_collator::{Collator, CollatorBorrowed};
use icu_locale_core::locale;
use unicode_normalization::UnicodeNormalization;

/// Built once, shared by all threads: `compare` is registered as an SQLite
/// collation and called from whatever thread the pool runs queries on.
/// `CollatorBorrowed<'static>` only borrows baked (compiled-in) data, so it
/// is `Send + Sync` and needs no lock.
static COLLATOR: LazyLock<CollatorBorrowed<'static>> = LazyLock::new(|| {
    let mut options = CollatorOptions::default();
    options.strength = Some(Strength::Tertiary);
    // Compiled data is linked into the binary: this cannot fail at run time
    // unless the crate was built without its data, which the tests catch.
    Collator::try_new(locale!("vi").into(), options).expect("ICU4X compiled collation data")
});

/// Vietnamese order: a < ă < â, d < đ, e < ê, o < ô < ơ, u < ư as letters
/// (primary), tones as accents (secondary: a < à < ả < ã < á < ạ), case last
/// (tertiary).
///
/// Ties at tertiary strength (e.g. "a" vs "a\u{0}", whose control is
/// ignorable) are broken by NFD code points — ICU's "identical" level — so
/// `Equal` means canonically equivalent. That makes sorting deterministic
/// and keeps an SQLite index on this collation from merging visibly
/// different strings.
pub fn compare(a: &str, b: &str) -> Ordering {
    COLLATOR.compare(a, b).then_with(|| a.nfd().cmp(b.nfd()))
}

/// A key whose plain byte order is [`compare`]'s order, as lowercase hex text, so that
/// a list sorts by an indexed column (`ORDER BY name_key`, binary/"C" collation) instead
/// of calling the collator for every pair of rows.
///
/// The ICU sort key holds no zero byte, so a zero after it ends it: a key that is a
/// prefix of another sorts first, as its string does. The NFD text after the zero breaks
/// ties exactly as `compare` does; its bytes 0 and 1 are written as 1 1 and 1 2, which
/// keeps their order and leaves zero free to end the field. Several fields
/// (`sort_key_of(&[given, family, middle])`) are joined the same way.
///
/// Stored keys depend on the collation data compiled in; `text::SORT_KEY_VERSION` names
/// it, and start-up recomputes keys stored under another version.
pub fn sort_key_of(fields: &[&str]) -> String {
    let mut bytes = Vec::with_capacity(fields.iter().map(|f| f.len() * 4 + 2).sum());
    for field in fields {
        let Ok(()) = COLLATOR.write_sort_key_to(field, &mut bytes);
        bytes.push(0);
        for b in field.nfd().collect::<String>().bytes() {
            match b {
                0 | 1 => bytes.extend([1, b + 1]),
                _ => bytes.push(b),
            }
        }
        bytes.push(0);
    }
    hex::encode(bytes)
}

/// Names the collation behind stored sort keys; bump it when ICU's data changes.
pub const SORT_KEY_VERSION: &str = "icu4x-2.4-vi-tertiary-1";

/// Sorts in place by [`compare`] on `key` (stable).
pub fn sort_vi<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    items.sort_by(|x, y| compare(key(x), key(y)));
}
