//! Windows-1258, the Vietnamese ANSI code page. Unlike TCVN3/VNI it is a
//! real Unicode-mapped code page, but tones are *combining* marks after the
//! base letter (so "ễ" is "ê" + U+0303), hence the NFC at the end.

use super::super::normalize::nfc;

/// 0x80..=0x9F. Same as Windows-1252 except 0x8A, 0x8E, 0x9A, 0x9E, which
/// 1258 leaves unassigned; unassigned bytes map to the C1 control of the
/// same number, as the WHATWG Encoding Standard (and encoding_rs) do.
const C1_ROW: [char; 32] = [
    '€', '\u{81}', '‚', 'ƒ', '„', '…', '†', '‡', 'ˆ', '‰', '\u{8a}', '‹', 'Œ', '\u{8d}', '\u{8e}',
    '\u{8f}', '\u{90}', '‘', '’', '“', '”', '•', '–', '—', '˜', '™', '\u{9a}', '›', 'œ', '\u{9d}',
    '\u{9e}', 'Ÿ',
];

/// One byte → one char. 0xA0..=0xFF is Latin-1 except the fourteen
/// positions Vietnamese needs.
fn byte_to_char(b: u8) -> char {
    match b {
        0x80..=0x9F => C1_ROW[usize::from(b - 0x80)],
        0xC3 => 'Ă',
        0xCC => '\u{300}', // huyền
        0xD0 => 'Đ',
        0xD2 => '\u{309}', // hỏi
        0xD5 => 'Ơ',
        0xDD => 'Ư',
        0xDE => '\u{303}', // ngã
        0xE3 => 'ă',
        0xEC => '\u{301}', // sắc
        0xF0 => 'đ',
        0xF2 => '\u{323}', // nặng
        0xF5 => 'ơ',
        0xFD => 'ư',
        0xFE => '₫',
        _ => char::from(b),
    }
}

/// Windows-1258 bytes → Unicode NFC. Every byte decodes (no errors).
pub fn decode_windows_1258(bytes: &[u8]) -> String {
    let decoded: String = bytes.iter().map(|&b| byte_to_char(b)).collect();
    nfc(&decoded)
}
