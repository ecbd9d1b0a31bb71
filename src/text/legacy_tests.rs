use super::legacy::{TCVN3_D, TCVN3_UPPER, TCVN3_VOWELS};
use super::test_data::{full_names, to_tcvn3, to_vni, FAMILY, GIVEN, MIDDLE};
use super::*;

// ---- TCVN3 -----------------------------------------------------------------

/// Written by hand from the published TCVN3 (ABC) table, not from our table.
const TCVN3_BY_HAND: &[(&str, &str)] = &[
    ("NguyÔn V¨n An", "Nguyễn Văn An"),
    ("Ninh B×nh", "Ninh Bình"),
    ("B¶o Th¾ng", "Bảo Thắng"),
    ("M\u{ad}êng Kh\u{ad}¬ng", "Mường Khương"),
    ("Hå ChÝ Minh", "Hồ Chí Minh"),
    ("Hµ Néi", "Hà Nội"),
    ("§µ N½ng", "Đà Nẵng"),
    (
        "Céng hoµ x· héi chñ nghÜa ViÖt Nam",
        "Cộng hoà xã hội chủ nghĩa Việt Nam",
    ),
    ("Uû ban nh©n d©n x· Hoµ An", "Uỷ ban nhân dân xã Hoà An"),
    ("TrÇn ThÞ Thuý H»ng", "Trần Thị Thuý Hằng"),
    ("§Æng Quèc TuÊn", "Đặng Quốc Tuấn"),
    ("Ph¹m ThÞ Hång Nhung", "Phạm Thị Hồng Nhung"),
    ("Lª Ph\u{ad}íc Tr\u{ad}êng", "Lê Phước Trường"),
    ("¡n ¢n £m ¤ng ¥n ¦ng", "Ăn Ân Êm Ông Ơn Ưng"),
];

#[test]
fn tcvn3_hand_written_samples() {
    for (legacy, unicode) in TCVN3_BY_HAND {
        assert_eq!(tcvn3_to_unicode(legacy), *unicode, "{legacy}");
        assert_eq!(detect_legacy(legacy), Encoding::Tcvn3, "{legacy}");
        assert_eq!(to_unicode(legacy), *unicode, "{legacy}");
    }
}

#[test]
fn tcvn3_table_is_a_bijection_onto_the_67_lowercase_letters() {
    let mut codes: Vec<u8> = TCVN3_VOWELS
        .iter()
        .flatten()
        .copied()
        .filter(|b| !b.is_ascii())
        .chain([TCVN3_D])
        .collect();
    assert_eq!(codes.len(), 67);
    codes.extend(TCVN3_UPPER.iter().map(|(b, _)| *b));
    codes.sort_unstable();
    codes.dedup();
    assert_eq!(codes.len(), 74, "a code is used twice");
    assert!(codes.iter().all(|&b| (0xA1..=0xFE).contains(&b)));
}

#[test]
fn tcvn3_round_trips_every_lowercase_letter_and_vntimeh_every_capital() {
    let lower = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
    assert_eq!(tcvn3_to_unicode(&to_tcvn3(lower)), lower);
    let upper = lower.to_uppercase();
    assert_eq!(tcvn3h_to_unicode(&to_tcvn3(&upper)), upper);
    // Plain text and unknown bytes pass through.
    assert_eq!(
        tcvn3_to_unicode("Tổ 5, ấp 3 (2024) ÀÚ"),
        "Tổ 5, ấp 3 (2024) ÀÚ"
    );
}

#[test]
fn vntimeh_text_is_uppercased_by_the_auto_converter() {
    assert_eq!(tcvn3h_to_unicode("NguyÔn V¨n An"), "NGUYỄN VĂN AN");
    assert_eq!(to_unicode("NGUYÔN V¨N AN"), "NGUYỄN VĂN AN");
    assert_eq!(to_unicode("UBND X· HOµ AN"), "UBND XÃ HOÀ AN");
    // Capital ASCII only, but a normal .VnTime name: not uppercased.
    assert_eq!(to_unicode("Lª Hµ"), "Lê Hà");
    assert_eq!(legacy_to_unicode("Lª Hµ", Encoding::Tcvn3), "Lê Hà");
}

// ---- VNI -------------------------------------------------------------------

/// Written by hand from the published VNI-Windows table.
const VNI_BY_HAND: &[(&str, &str)] = &[
    ("Nguyeãn Vaên An", "Nguyễn Văn An"),
    ("Xin chaøo caùc baïn", "Xin chào các bạn"),
    ("Ñöôøng Leâ Lôïi", "Đường Lê Lợi"),
    ("Thaønh phoá Hoà Chí Minh", "Thành phố Hồ Chí Minh"),
    (
        "Coäng hoøa xaõ hoäi chuû nghóa Vieät Nam",
        "Cộng hòa xã hội chủ nghĩa Việt Nam",
    ),
    ("Traàn Thò Thuûy", "Trần Thị Thủy"),
    ("Quaän Ba Ñình", "Quận Ba Đình"),
    ("NGUYEÃN THÒ ÑAØO", "NGUYỄN THỊ ĐÀO"),
    ("ÑAØ NAÜNG", "ĐÀ NẴNG"),
    ("Kyø Myõ Lyù Huyønh", "Kỳ Mỹ Lý Huỳnh"),
    ("Phöôïng Khoûe Thuyû", "Phượng Khỏe Thuỷ"),
];

#[test]
fn vni_hand_written_samples() {
    for (legacy, unicode) in VNI_BY_HAND {
        assert_eq!(vni_to_unicode(legacy), *unicode, "{legacy}");
        assert_eq!(detect_legacy(legacy), Encoding::Vni, "{legacy}");
        assert_eq!(to_unicode(legacy), *unicode, "{legacy}");
    }
}

#[test]
fn vni_round_trips_all_134_letters_in_both_cases() {
    let lower = "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ";
    let upper = lower.to_uppercase();
    assert_eq!(vni_to_unicode(&to_vni(lower)), lower);
    assert_eq!(vni_to_unicode(&to_vni(&upper)), upper);
}

#[test]
fn vni_accepts_variant_spellings() {
    // Capital base with a lowercase mark, and ỵ spelled y + dot.
    assert_eq!(vni_to_unicode("Aù Yï yï"), "Á Ỵ ỵ");
    // A mark with no base stays as it is.
    assert_eq!(vni_to_unicode("ù"), "ù");
}

// ---- Windows-1258 ------------------------------------------------------------

/// Byte → code point for 0x80..=0xFF, from an independent cp1258 codec
/// (unassigned bytes as the C1 control of the same number).
const CP1258_HIGH: [u32; 128] = [
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, //
    0x02C6, 0x2030, 0x008A, 0x2039, 0x0152, 0x008D, 0x008E, 0x008F, //
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, //
    0x02DC, 0x2122, 0x009A, 0x203A, 0x0153, 0x009D, 0x009E, 0x0178, //
    0x00A0, 0x00A1, 0x00A2, 0x00A3, 0x00A4, 0x00A5, 0x00A6, 0x00A7, //
    0x00A8, 0x00A9, 0x00AA, 0x00AB, 0x00AC, 0x00AD, 0x00AE, 0x00AF, //
    0x00B0, 0x00B1, 0x00B2, 0x00B3, 0x00B4, 0x00B5, 0x00B6, 0x00B7, //
    0x00B8, 0x00B9, 0x00BA, 0x00BB, 0x00BC, 0x00BD, 0x00BE, 0x00BF, //
    0x00C0, 0x00C1, 0x00C2, 0x0102, 0x00C4, 0x00C5, 0x00C6, 0x00C7, //
    0x00C8, 0x00C9, 0x00CA, 0x00CB, 0x0300, 0x00CD, 0x00CE, 0x00CF, //
    0x0110, 0x00D1, 0x0309, 0x00D3, 0x00D4, 0x01A0, 0x00D6, 0x00D7, //
    0x00D8, 0x00D9, 0x00DA, 0x00DB, 0x00DC, 0x01AF, 0x0303, 0x00DF, //
    0x00E0, 0x00E1, 0x00E2, 0x0103, 0x00E4, 0x00E5, 0x00E6, 0x00E7, //
    0x00E8, 0x00E9, 0x00EA, 0x00EB, 0x0301, 0x00ED, 0x00EE, 0x00EF, //
    0x0111, 0x00F1, 0x0323, 0x00F3, 0x00F4, 0x01A1, 0x00F6, 0x00F7, //
    0x00F8, 0x00F9, 0x00FA, 0x00FB, 0x00FC, 0x01B0, 0x20AB, 0x00FF, //
];

#[test]
fn cp1258_every_byte() {
    for b in 0u8..=0x7F {
        assert_eq!(decode_windows_1258(&[b]), char::from(b).to_string());
    }
    for (i, &cp) in CP1258_HIGH.iter().enumerate() {
        let b = u8::try_from(0x80 + i).expect("byte");
        let expected = char::from_u32(cp).expect("code point").to_string();
        assert_eq!(decode_windows_1258(&[b]), expected, "byte {b:#04x}");
    }
}

#[test]
fn cp1258_composes_tone_marks() {
    // N g u y ê ◌̃ n ␠ V ă n ␠ Đ ư ◌́ c
    let bytes = b"Nguy\xEA\xDEn V\xE3n \xD0\xFD\xECc";
    assert_eq!(decode_windows_1258(bytes), "Nguyễn Văn Đức");
    assert_eq!(
        decode_windows_1258(b"H\xE0 N\xF4\xF2i, Th\xF4\xF4ng"),
        "Hà Nội, Thôông"
    );
    assert_eq!(
        decode_windows_1258(b"Th\xF4y \xD5\xD2 \xDD\xEC"),
        "Thôy Ở Ứ"
    );
    assert_eq!(decode_windows_1258(b"1.000\xFE"), "1.000₫");
    assert_eq!(decode_windows_1258(b""), "");
}

// ---- detection -----------------------------------------------------------------

#[test]
fn unicode_and_ascii_are_never_converted() {
    for s in [
        "",
        "Nguyen Van An",
        "123 !@#",
        "Nguyễn Văn An",
        "Lê Bá Tô",
        "LÊ BÁ TÔ",
        "Hòa",
        "Hoà",
        "Tú",
        "Phú Hà",
        "Café Müller",
        "½ × 3 °C",
        "©®",
        "ơ",
        "Nguye\u{302}\u{303}n",
        "Hồ Chí Minh",
        "Thái Bình",
        "Đà Nẵng",
        "Bà Rịa – Vũng Tàu",
    ] {
        assert_eq!(detect_legacy(s), Encoding::Unicode, "{s}");
        assert_eq!(to_unicode(s), s, "{s}");
    }
}

#[test]
fn an_ambiguous_cell_is_settled_by_its_column() {
    // TCVN3 "Tó" is "Tú", but "Tó" is also a Unicode syllable.
    assert_eq!(detect_legacy("Tó"), Encoding::Unicode);
    assert_eq!(
        detect_column(&["Tó", "NguyÔn V¨n An", "Hµ"]),
        Encoding::Tcvn3
    );
    assert_eq!(
        detect_column(&["Tó", "Nguyễn Văn An", "Hà"]),
        Encoding::Unicode
    );
    assert_eq!(detect_column(&["Tó", "Nguyeãn Vaên An"]), Encoding::Vni);
    assert_eq!(detect_column(&[]), Encoding::Unicode);
    assert_eq!(detect_column(&["", "123"]), Encoding::Unicode);
}

#[test]
fn detection_over_many_real_names() {
    let names = full_names();
    let mut ambiguous = (0, 0);
    for name in &names {
        assert_eq!(detect_legacy(name), Encoding::Unicode, "{name}");
        let upper = name.to_uppercase();
        assert_eq!(detect_legacy(&upper), Encoding::Unicode, "{upper}");

        let vni = to_vni(name);
        assert_eq!(vni_to_unicode(&vni), *name);
        match detect_legacy(&vni) {
            Encoding::Vni => {}
            Encoding::Unicode => ambiguous.1 += 1,
            Encoding::Tcvn3 => panic!("VNI {vni} read as TCVN3"),
        }

        let tcvn = to_tcvn3(name);
        // .VnTime has no "Á": such a capital comes back lowercase.
        let expected: String = name
            .chars()
            .map(|c| {
                if to_tcvn3(&c.to_string()) == to_tcvn3(&c.to_lowercase().to_string())
                    && !c.is_ascii()
                {
                    c.to_lowercase().next().unwrap_or(c)
                } else {
                    c
                }
            })
            .collect();
        assert_eq!(tcvn3_to_unicode(&tcvn), expected);
        match detect_legacy(&tcvn) {
            Encoding::Tcvn3 => {}
            Encoding::Unicode => ambiguous.0 += 1,
            Encoding::Vni => panic!("TCVN3 {tcvn} read as VNI"),
        }
    }
    // A name whose every word happens to be valid Unicode too stays Unicode
    // (safe side); that must stay rare.
    let limit = names.len() / 50;
    assert!(
        ambiguous.0 <= limit && ambiguous.1 <= limit,
        "{ambiguous:?} of {}",
        names.len()
    );
    // And a column of them is always recognised.
    for (encode, want) in [
        (to_tcvn3 as fn(&str) -> String, Encoding::Tcvn3),
        (to_vni, Encoding::Vni),
    ] {
        let cells: Vec<String> = names.iter().take(40).map(|n| encode(n)).collect();
        let refs: Vec<&str> = cells.iter().map(String::as_str).collect();
        assert_eq!(detect_column(&refs), want);
    }
    let _ = (FAMILY, MIDDLE, GIVEN);
}
