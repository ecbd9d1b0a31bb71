//! The Party's document format (Hướng dẫn 36-HD/VPTW) that every DOCX of the project uses:
//! A4, margins top/bottom 20 mm, left 30 mm, right 15 mm, Times New Roman, 13 pt body and
//! 14 pt titles. The page and the units live here once; each document lays out its own text.

use docx_rs::{Docx, PageMargin, Run, RunFonts, TableCell, WidthType};

/// Twips per millimetre (1440 / 25.4 ≈ 56.7).
pub const MM: i32 = 57;
pub const A4: (u32, u32) = (11906, 16838);
pub const FONT: &str = "Times New Roman";
/// Half-points: 13 pt body, 14 pt title and headings.
pub const BODY: usize = 26;
pub const TITLE: usize = 28;
/// Text width: A4 minus 30 mm left and 15 mm right.
pub const TEXT_W: usize = 11906 - 30 * 57 - 15 * 57;

/// An empty document with the format's page, margins and fonts.
pub fn document() -> Docx {
    Docx::new()
        .page_size(A4.0, A4.1)
        .page_margin(
            PageMargin::new()
                .top(20 * MM)
                .bottom(20 * MM)
                .left(30 * MM)
                .right(15 * MM)
                .header(10 * MM)
                .footer(10 * MM),
        )
        .default_fonts(
            RunFonts::new()
                .ascii(FONT)
                .hi_ansi(FONT)
                .cs(FONT)
                .east_asia(FONT),
        )
        .default_size(BODY)
}

/// Body text.
pub fn run(text: impl Into<String>) -> Run {
    Run::new().add_text(text).size(BODY)
}

/// A table cell `w` twips wide.
pub fn cell(w: usize) -> TableCell {
    TableCell::new().width(w, WidthType::Dxa)
}
