//! Accent-insensitive search keys.

use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

use super::normalize::clean;

/// Search key: lowercase, no diacritics (tones, breve, circumflex, horn),
/// đ → d, single spaces, trimmed. "Nguyễn Văn An" → "nguyen van an".
///
/// Because every mark is dropped, "hoà"/"hòa" and "thuý"/"thúy" fold to the
/// same key whatever tone style was typed, and so do NFC and NFD input.
/// U+00D0/U+00F0 (Icelandic eth, Ð ð) also fold to d: legacy fonts and
/// Windows-1258 read as Windows-1252 put Ð where Đ was meant.
pub fn fold(s: &str) -> String {
    // Lowercase before decomposing so that letters whose lowercase form
    // decomposes (e.g. U+0130 İ → i + U+0307) lose their marks too.
    let lowered = clean(s).to_lowercase();
    let mut out = String::with_capacity(lowered.len());
    let mut pending_space = false;
    for c in lowered.nfd() {
        if is_combining_mark(c) {
            continue;
        }
        if c.is_whitespace() {
            pending_space = true;
            continue;
        }
        if pending_space && !out.is_empty() {
            out.push(' ');
        }
        pending_space = false;
        out.push(match c {
            'đ' | 'ð' => 'd',
            _ => c,
        });
    }
    out
}
