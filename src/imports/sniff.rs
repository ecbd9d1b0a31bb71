//! What kind of file was uploaded, from its first bytes (never from its name: a file
//! renamed .xlsx is still what it is).

use super::ImportError;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Xlsx,
    Xls,
    Csv,
}

const ZIP: &[u8] = b"PK\x03\x04";
const CFB: &[u8] = &[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];

pub fn sniff(bytes: &[u8]) -> Result<Format, ImportError> {
    if bytes.iter().all(|b| b.is_ascii_whitespace()) {
        return Err(ImportError::Empty);
    }
    if bytes.starts_with(ZIP) {
        return Ok(Format::Xlsx);
    }
    if bytes.starts_with(CFB) {
        return Ok(Format::Xls);
    }
    if looks_like_text(bytes) {
        return Ok(Format::Csv);
    }
    Err(ImportError::NotSpreadsheet)
}

/// Text files (CSV in UTF-8 or Windows-1258) have no NUL bytes and few control
/// characters; PDFs, images and Word files do.
fn looks_like_text(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(8192)];
    if head.starts_with(b"%PDF") || head.contains(&0) {
        return false;
    }
    let control = head
        .iter()
        .filter(|&&b| b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c))
        .count();
    control * 100 <= head.len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formats_come_from_content() {
        assert_eq!(sniff(b"PK\x03\x04rest").ok(), Some(Format::Xlsx));
        assert_eq!(sniff(CFB).ok(), Some(Format::Xls));
        assert_eq!(sniff("Họ tên,SĐT\n".as_bytes()).ok(), Some(Format::Csv));
        assert!(matches!(sniff(b""), Err(ImportError::Empty)));
        assert!(matches!(
            sniff(b"%PDF-1.4\n"),
            Err(ImportError::NotSpreadsheet)
        ));
        assert!(matches!(
            sniff(&[0x89, b'P', b'N', b'G', 0, 0]),
            Err(ImportError::NotSpreadsheet)
        ));
    }
}
