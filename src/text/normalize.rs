//! Unicode normalisation and whitespace cleaning for everything users type
//! or import.

use unicode_normalization::UnicodeNormalization;

/// Unicode NFC. Vietnamese arrives both precomposed (most keyboards) and
/// decomposed (macOS file names, Windows-1258, some Unikey settings); storing
/// NFC makes byte equality mean "same text".
pub fn nfc(s: &str) -> String {
    s.nfc().collect()
}

/// NFC, trim, collapse every whitespace run (tabs, newlines, NBSP, …) to one
/// ASCII space, and drop control and zero-width characters.
///
/// Controls are dropped *before* NFC: a stray control between a letter and
/// its combining tone mark would otherwise block composition, and a second
/// `clean` would then compose it (breaking idempotence).
///
/// U+00AD (soft hyphen) is deliberately kept: in TCVN3 text it is the letter
/// "ư", so run legacy conversion first and `clean` after.
pub fn clean(s: &str) -> String {
    let kept: String = s.chars().filter(|&c| !is_invisible(c)).collect();
    let mut out = String::with_capacity(kept.len());
    let mut pending_space = false;
    for c in kept.nfc() {
        if c.is_whitespace() {
            pending_space = true;
        } else {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        }
    }
    out
}

/// Characters that carry no visible text: C0/C1 controls (except whitespace,
/// which becomes a separator) and the zero-width space / word joiner / BOM
/// that copy-paste from web pages and Excel leaves behind.
fn is_invisible(c: char) -> bool {
    (c.is_control() && !c.is_whitespace()) || matches!(c, '\u{200b}' | '\u{2060}' | '\u{feff}')
}
