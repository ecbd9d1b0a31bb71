//! Property tests: algebraic laws plus "never panics" on arbitrary input.

use std::cmp::Ordering;

use proptest::prelude::*;
use unicode_normalization::UnicodeNormalization;

use super::test_data::{to_vni, FAMILY, GIVEN, MIDDLE};
use super::*;

/// Characters that make Vietnamese text interesting: every letter in both
/// cases, loose combining marks, spaces of several kinds, controls, and the
/// Latin-1 symbols legacy encodings use.
fn vi_char() -> impl Strategy<Value = char> {
    let letters: Vec<char> =
        "aàáảãạăằắẳẵặâầấẩẫậeèéẻẽẹêềếểễệiìíỉĩịoòóỏõọôồốổỗộơờớởỡợuùúủũụưừứửữựyỳýỷỹỵđ"
            .chars()
            .flat_map(|c| [c, c.to_uppercase().next().unwrap_or(c)])
            .chain("bcghklmnpqrstvxBCGHKLMNQT".chars())
            .collect();
    prop_oneof![
        6 => prop::sample::select(letters),
        2 => prop::sample::select(vec![' ', ' ', '\t', '\n', '\u{a0}', '\u{3000}']),
        1 => prop::sample::select(vec!['\u{300}', '\u{301}', '\u{303}', '\u{309}', '\u{323}', '\u{302}', '\u{306}', '\u{31b}']),
        1 => prop::sample::select(vec!['\u{0}', '\u{1}', '\u{7f}', '\u{200b}', '\u{feff}', '\u{ad}']),
        1 => (0xA0u32..=0xFF).prop_map(|u| char::from_u32(u).unwrap_or('?')),
    ]
}

fn vi_string() -> impl Strategy<Value = String> {
    prop::collection::vec(vi_char(), 0..24).prop_map(String::from_iter)
}

/// Arbitrary Unicode, Vietnamese-ish text, or Latin-1 "legacy bytes".
fn any_text() -> impl Strategy<Value = String> {
    prop_oneof![any::<String>(), vi_string(), "[\\x00-\\xff]{0,24}"]
}

/// A real-looking Unicode Vietnamese name, in either tone style and any of
/// the usual casings.
fn unicode_name() -> impl Strategy<Value = String> {
    (
        prop::sample::select(FAMILY),
        prop::collection::vec(prop::sample::select(MIDDLE), 0..3),
        prop::sample::select(GIVEN),
        0..3u8,
        any::<bool>(),
    )
        .prop_map(|(f, m, g, case, modern)| {
            let mut name = f.to_string();
            for w in m {
                name.push(' ');
                name.push_str(w);
            }
            name.push(' ');
            name.push_str(g);
            let style = if modern {
                ToneStyle::Modern
            } else {
                ToneStyle::Traditional
            };
            let name = set_tone_style(&name, style);
            match case {
                0 => name.to_uppercase(),
                1 => name.to_lowercase(),
                _ => name,
            }
        })
}

proptest! {
    #[test]
    fn fold_is_idempotent(s in any_text()) {
        let once = fold(&s);
        prop_assert_eq!(fold(&once), once);
    }

    #[test]
    fn fold_ignores_tone_style_and_normal_form(s in vi_string()) {
        let f = fold(&s);
        prop_assert_eq!(fold(&normalize_tone_placement(&s)), f.clone());
        prop_assert_eq!(fold(&s.nfd().collect::<String>()), f);
    }

    #[test]
    fn clean_is_idempotent_and_tidy(s in any_text()) {
        let once = clean(&s);
        prop_assert_eq!(clean(&once), once.clone());
        prop_assert_eq!(nfc(&once), once.clone());
        prop_assert!(!once.starts_with(' ') && !once.ends_with(' ') && !once.contains("  "));
        prop_assert!(!once.chars().any(|c| c.is_control()));
    }

    #[test]
    fn tone_placement_is_idempotent(s in vi_string()) {
        let once = normalize_tone_placement(&s);
        prop_assert_eq!(nfc(&once), once.clone());
        prop_assert_eq!(normalize_tone_placement(&once), once);
    }

    #[test]
    fn tone_styles_convert_both_ways(name in unicode_name()) {
        let traditional = set_tone_style(&name, ToneStyle::Traditional);
        let modern = set_tone_style(&name, ToneStyle::Modern);
        prop_assert_eq!(set_tone_style(&modern, ToneStyle::Traditional), traditional.clone());
        prop_assert_eq!(set_tone_style(&traditional, ToneStyle::Modern), modern);
        prop_assert_eq!(normalize_tone_placement(&name), traditional);
    }

    #[test]
    fn unicode_names_are_detected_as_unicode_and_left_alone(name in unicode_name()) {
        prop_assert_eq!(detect_legacy(&name), Encoding::Unicode);
        prop_assert_eq!(to_unicode(&name), name.clone());
        let nfd: String = name.nfd().collect();
        prop_assert_eq!(detect_legacy(&nfd), Encoding::Unicode);
    }

    #[test]
    fn vni_round_trips_names(name in unicode_name()) {
        prop_assert_eq!(vni_to_unicode(&to_vni(&name)), name);
    }

    #[test]
    fn compare_is_a_total_order(a in any_text(), b in any_text(), c in any_text()) {
        prop_assert_eq!(compare(&a, &a), Ordering::Equal);
        prop_assert_eq!(compare(&a, &b), compare(&b, &a).reverse());
        let (ab, bc, ac) = (compare(&a, &b), compare(&b, &c), compare(&a, &c));
        if ab != Ordering::Greater && bc != Ordering::Greater {
            prop_assert_ne!(ac, Ordering::Greater);
        }
        if ab == Ordering::Equal && bc == Ordering::Equal {
            prop_assert_eq!(ac, Ordering::Equal);
        }
    }

    #[test]
    fn compare_is_transitive_on_close_names(
        a in unicode_name(), b in unicode_name(), c in unicode_name()
    ) {
        let mut v = [a, b, c];
        v.sort_by(|x, y| compare(x, y));
        prop_assert_ne!(compare(&v[0], &v[1]), Ordering::Greater);
        prop_assert_ne!(compare(&v[1], &v[2]), Ordering::Greater);
        prop_assert_ne!(compare(&v[0], &v[2]), Ordering::Greater);
    }

    #[test]
    fn sort_vi_agrees_with_compare(mut items in prop::collection::vec(
        prop_oneof![unicode_name(), vi_string()], 0..20
    )) {
        let mut expected = items.clone();
        expected.sort_by(|x, y| compare(x, y));
        sort_vi(&mut items, |s| s.as_str());
        for pair in items.windows(2) {
            prop_assert_ne!(compare(&pair[0], &pair[1]), Ordering::Greater);
        }
        prop_assert_eq!(items, expected);
    }

    #[test]
    fn split_join_round_trips(s in prop_oneof![unicode_name(), any_text()]) {
        let parts = split_name(&s);
        prop_assert_eq!(join_name(&parts), clean(&s));
        prop_assert!(!parts.given.is_empty() || clean(&s).is_empty());
        prop_assert_eq!(split_name(&join_name(&parts)), parts);
    }

    #[test]
    fn nothing_panics_on_text(s in any_text(), t in any_text()) {
        let _ = nfc(&s);
        let _ = clean(&s);
        let _ = fold(&s);
        let _ = normalize_tone_placement(&s);
        let _ = set_tone_style(&s, ToneStyle::Modern);
        let p = split_name(&s);
        let _ = join_name(&p);
        let _ = compare(&s, &t);
        let _ = compare_names(&p, &split_name(&t));
        let _ = detect_legacy(&s);
        let _ = detect_column(&[s.as_str(), t.as_str()]);
        let _ = tcvn3_to_unicode(&s);
        let _ = tcvn3h_to_unicode(&s);
        let _ = vni_to_unicode(&s);
        let _ = to_unicode(&s);
        for e in [Encoding::Unicode, Encoding::Tcvn3, Encoding::Vni] {
            let _ = legacy_to_unicode(&s, e);
        }
    }

    #[test]
    fn nothing_panics_on_bytes(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
        let decoded = decode_windows_1258(&bytes);
        prop_assert_eq!(nfc(&decoded), decoded.clone());
        // Latin-1 view of the same bytes, as a spreadsheet reader would give.
        let latin1: String = bytes.iter().map(|&b| char::from(b)).collect();
        let _ = to_unicode(&latin1);
    }

    #[test]
    fn legacy_output_is_nfc(s in any_text()) {
        for out in [tcvn3_to_unicode(&s), tcvn3h_to_unicode(&s), vni_to_unicode(&s)] {
            prop_assert_eq!(nfc(&out), out);
        }
    }
}

proptest! {
    #[test]
    fn sort_keys_order_as_compare_does(a in any_text(), b in any_text()) {
        prop_assert_eq!(sort_key_of(&[&a]).cmp(&sort_key_of(&[&b])), compare(&a, &b));
    }

    #[test]
    fn sort_keys_of_names_order_field_by_field(
        a in (vi_string(), vi_string(), vi_string()),
        b in (vi_string(), vi_string(), vi_string()),
    ) {
        let by_fields = compare(&a.0, &b.0)
            .then_with(|| compare(&a.1, &b.1))
            .then_with(|| compare(&a.2, &b.2));
        let by_keys = sort_key_of(&[&a.0, &a.1, &a.2]).cmp(&sort_key_of(&[&b.0, &b.1, &b.2]));
        prop_assert_eq!(by_keys, by_fields);
    }
}
