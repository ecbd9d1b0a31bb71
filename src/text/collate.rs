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

/// Sorts in place by [`compare`] on `key` (stable).
pub fn sort_vi<T>(items: &mut [T], key: impl Fn(&T) -> &str) {
    items.sort_by(|x, y| compare(key(x), key(y)));
}
