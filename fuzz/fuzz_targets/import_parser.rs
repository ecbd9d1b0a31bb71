//! The pure import parser on arbitrary bytes: sniffing, zip checks, calamine, CSV
//! decoding, header search, legacy-encoding detection and row validation must never
//! panic, loop or allocate without bound.
#![no_main]

use danvan::imports::{households, limits::Limits, members, parse};
use libfuzzer_sys::fuzz_target;

fuzz_target!(
    init: {
        // libfuzzer-sys aborts on any panic from its hook, before unwinding. Restore the
        // default hook so the parser's own guard around calamine (which panics on some
        // corrupt .xls files) is exercised; a panic that escapes the parser still aborts.
        let _ = std::panic::take_hook();
    },
    |data: &[u8]| {
        // Small limits keep each run fast; the checks are the same code at any size.
        let limits = Limits {
            max_file_bytes: 1 << 20,
            max_rows: 2_000,
            max_inflated_bytes: 32 << 20,
            ..Limits::default()
        };
        if let Ok(parsed) = parse(data, &limits) {
            let _ = households::rows(&parsed, "fuzz", false, true);
            let _ = members::rows(&parsed, "fuzz", true, 2026, true);
        }
    }
);
