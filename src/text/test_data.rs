//! Shared test fixtures: real Vietnamese names and the reverse (Unicode →
//! legacy) encoders used to derive legacy samples from the tables.

use super::legacy::{vni_spelling, TCVN3_D, TCVN3_UPPER, TCVN3_VOWELS};
use super::letters::{to_lower, to_upper, vowel, TONE_NONE};

pub const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ",
    "Hồ", "Ngô", "Dương", "Lý", "Đào", "Đoàn", "Vương", "Trịnh", "Trương", "Lâm", "Mai", "Tô",
    "Tạ", "Hà", "Lưu", "Quách", "Thái", "Kiều", "Khúc", "Âu", "Ông", "Ưng", "Cao", "Giáp",
];

pub const MIDDLE: &[&str] = &[
    "Văn", "Thị", "Hữu", "Đức", "Minh", "Thanh", "Ngọc", "Xuân", "Thu", "Quốc", "Gia", "Bảo",
    "Kim", "Công", "Đình", "Duy", "Mỹ", "Phương", "Khánh", "Tuấn", "Bá", "Thế", "Trọng", "Diệu",
];

pub const GIVEN: &[&str] = &[
    "An",
    "Anh",
    "Ánh",
    "Bình",
    "Cường",
    "Dũng",
    "Đức",
    "Giang",
    "Hà",
    "Hải",
    "Hằng",
    "Hiếu",
    "Hoa",
    "Hòa",
    "Hoà",
    "Huệ",
    "Hùng",
    "Hương",
    "Khoa",
    "Khuê",
    "Lan",
    "Linh",
    "Loan",
    "Long",
    "Mai",
    "Minh",
    "My",
    "Nga",
    "Ngân",
    "Nghĩa",
    "Nhung",
    "Oanh",
    "Phúc",
    "Phượng",
    "Quang",
    "Quyên",
    "Quý",
    "Sơn",
    "Tâm",
    "Thảo",
    "Thắng",
    "Thủy",
    "Thuỷ",
    "Thúy",
    "Thuý",
    "Trang",
    "Trinh",
    "Tú",
    "Tuyết",
    "Uyên",
    "Việt",
    "Vy",
    "Yến",
    "Ý",
    "Khỏe",
    "Nguyệt",
    "Tô",
    "Lê",
    "Bá",
    "Hồ",
    "Hiền",
    "Toàn",
    "Tuấn",
    "Kỳ",
    "Hỷ",
    "Ngoãn",
];

/// Unicode → TCVN3 as typed in `.VnTime`; capitals that VN3 lacks are
/// written with the lowercase code, as a `.VnTimeH` user would have.
pub fn to_tcvn3(s: &str) -> String {
    s.chars()
        .map(|c| {
            if let Some(v) = vowel(c) {
                let upper = v.upper.then(|| {
                    TCVN3_UPPER
                        .iter()
                        .find(|(_, u)| v.tone == TONE_NONE && *u == c)
                        .map(|(b, _)| char::from(*b))
                });
                match upper.flatten() {
                    Some(code) => code,
                    None if c.is_ascii() => c,
                    None => char::from(TCVN3_VOWELS[v.row][v.tone]),
                }
            } else {
                match c {
                    'đ' => char::from(TCVN3_D),
                    'Đ' => '§',
                    _ => c,
                }
            }
        })
        .collect()
}

/// Unicode → VNI-Windows.
pub fn to_vni(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        if let Some(v) = vowel(c) {
            let (base, mark) = vni_spelling(v.row, v.tone);
            let case = |x: char| if v.upper { to_upper(x) } else { to_lower(x) };
            out.push(case(base));
            out.extend(mark.map(case));
        } else {
            out.push(match c {
                'đ' => 'ñ',
                'Đ' => 'Ñ',
                _ => c,
            });
        }
    }
    out
}

/// Every family × given name (with a middle name cycling through MIDDLE).
pub fn full_names() -> Vec<String> {
    let mut names = Vec::new();
    for (i, f) in FAMILY.iter().enumerate() {
        for (j, g) in GIVEN.iter().enumerate() {
            let m = MIDDLE[(i + j) % MIDDLE.len()];
            names.push(format!("{f} {m} {g}"));
        }
    }
    names
}
