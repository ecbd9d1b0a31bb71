use super::syllable::{has_plain_case, is_syllable};
use super::test_data::{FAMILY, GIVEN, MIDDLE};

#[test]
fn real_syllables_pass() {
    let words = FAMILY.iter().chain(MIDDLE).chain(GIVEN).copied().chain([
        "người", "khuỷu", "hoàn", "khuyết", "quốc", "giữa", "gì", "già", "thuở", "xoay", "ngoéo",
        "chuyện", "ếch", "huỳnh", "oách", "ạ", "ừ", "yêu", "khuya", "NGHIÊNG",
    ]);
    for w in words {
        assert!(is_syllable(w), "{w}");
    }
}

#[test]
fn misdecoded_words_fail() {
    for w in [
        "Nguyeón", // VNI read as TCVN3
        "Leõ",     // tone on the glide
        "Trũnh",   // -nh after u
        "Têng",    // -ng after a lone ê
        "Quoác",   // medial after qu
        "Yn",      // y in a closed syllable
        "Hàt",     // huyền before a stop
        "Hoàá",    // two tones
        "V¨n",     // not a letter
        "ăn ăn",   // two words
        "",
    ] {
        assert!(!is_syllable(w), "{w}");
    }
}

#[test]
fn case_patterns() {
    for w in ["an", "An", "AN", "Ánh", "ĐỨC", "a", "Ă", ""] {
        assert!(has_plain_case(w), "{w}");
    }
    for w in ["TuÊn", "ThÕ", "aN", "ANh"] {
        assert!(!has_plain_case(w), "{w}");
    }
}
