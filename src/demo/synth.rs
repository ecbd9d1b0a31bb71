//! Deterministic synthetic people and places: plausible Vietnamese names, xóm/ngõ
//! addresses, coordinates around a village centre. Seeded, so every run is the same.

/// xorshift64*: small, fast, deterministic; quality is ample for synthetic data.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.0 = x;
        x.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `0..n` (n > 0).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n.max(1)
    }

    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        lo + self.below((hi - lo + 1).max(1) as u64) as i64
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Roughly normal in (-1, 1): the mean of three uniforms.
    pub fn bell(&mut self) -> f64 {
        let u = |r: &mut Rng| (r.below(1_000_000) as f64 / 500_000.0) - 1.0;
        (u(self) + u(self) + u(self)) / 3.0
    }
}

/// Family names weighted roughly as in the Red River delta.
const FAMILY: &[(&str, u64)] = &[
    ("Nguyễn", 34),
    ("Trần", 10),
    ("Lê", 8),
    ("Phạm", 7),
    ("Hoàng", 4),
    ("Vũ", 5),
    ("Đặng", 3),
    ("Bùi", 3),
    ("Đỗ", 4),
    ("Ngô", 2),
    ("Dương", 2),
    ("Đào", 3),
    ("Lương", 3),
    ("Chu", 1),
    ("Đinh", 2),
    ("Trịnh", 2),
    ("Phan", 2),
    ("Lưu", 1),
    ("Tạ", 1),
    ("Mai", 1),
    ("Cao", 1),
];
const MIDDLE_M: &[&str] = &[
    "Văn", "Văn", "Văn", "Đức", "Minh", "Hữu", "Quang", "Xuân", "Đình", "Công", "Mạnh", "Thế",
];
const MIDDLE_F: &[&str] = &[
    "Thị", "Thị", "Thị", "Thu", "Ngọc", "Thanh", "Minh", "Hồng", "Kim", "Phương",
];
const GIVEN_M: &[&str] = &[
    "An", "Bình", "Cường", "Chiến", "Dũng", "Đức", "Đạt", "Giang", "Hải", "Hùng", "Huy", "Hưng",
    "Khánh", "Khoa", "Lâm", "Long", "Mạnh", "Nam", "Nghĩa", "Phong", "Phúc", "Quang", "Quân",
    "Sơn", "Tài", "Thắng", "Thành", "Toàn", "Trung", "Tuấn", "Tùng", "Việt", "Vinh", "Ánh", "Ân",
    "Hòa", "Thụy",
];
const GIVEN_F: &[&str] = &[
    "Anh", "Ánh", "Bích", "Chi", "Dung", "Duyên", "Giang", "Hà", "Hạnh", "Hằng", "Hoa", "Hương",
    "Huyền", "Lan", "Liên", "Linh", "Loan", "Mai", "Nga", "Ngọc", "Nhung", "Oanh", "Phương",
    "Quyên", "Tâm", "Thảo", "Thủy", "Trang", "Tuyết", "Vân", "Yến", "Ăn", "Hòa", "Thúy",
];
const MOBILE_PREFIXES: &[&str] = &[
    "091", "094", "088", "098", "097", "096", "086", "032", "033", "034", "035", "036", "037",
    "038", "039", "090", "093", "089", "070", "079", "077", "076", "078", "081", "082", "083",
    "084", "085", "056", "058",
];

pub struct Person {
    pub family: &'static str,
    pub middle: &'static str,
    pub given: &'static str,
    pub male: bool,
}

impl Person {
    pub fn full(&self) -> String {
        format!("{} {} {}", self.family, self.middle, self.given)
    }
}

pub fn person(r: &mut Rng, male: bool) -> Person {
    let total: u64 = FAMILY.iter().map(|(_, w)| w).sum();
    let mut k = r.below(total);
    let mut family = FAMILY[0].0;
    for (name, w) in FAMILY {
        if k < *w {
            family = name;
            break;
        }
        k -= w;
    }
    let (middle, given) = if male {
        (*r.pick(MIDDLE_M), *r.pick(GIVEN_M))
    } else {
        (*r.pick(MIDDLE_F), *r.pick(GIVEN_F))
    };
    Person {
        family,
        middle,
        given,
        male,
    }
}

pub fn mobile(r: &mut Rng) -> String {
    format!("{}{:07}", r.pick(MOBILE_PREFIXES), r.below(10_000_000))
}

/// A point `metres` at most from `(lat, lon)`, denser near the centre.
pub fn near(r: &mut Rng, lat: f64, lon: f64, metres: f64) -> (f64, f64) {
    let dy = r.bell() * metres;
    let dx = r.bell() * metres;
    let lat2 = lat + dy / 111_320.0;
    let lon2 = lon + dx / (111_320.0 * lat.to_radians().cos());
    ((lat2 * 1e6).round() / 1e6, (lon2 * 1e6).round() / 1e6)
}

/// Support categories: a few percent each, as in a typical commune.
pub fn support(r: &mut Rng) -> String {
    let mut v = Vec::new();
    for (code, pct) in [
        ("ho_ngheo", 4),
        ("can_ngheo", 5),
        ("chinh_sach", 6),
        ("cao_tuoi_neo_don", 3),
        ("khuyet_tat", 2),
    ] {
        if r.chance(pct) {
            v.push(code);
        }
    }
    v.join(",")
}
