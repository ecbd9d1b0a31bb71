//! Geometry and xóm helpers for the pair cost.
//!
//! Kept apart from the solver so the cost model can be read on its own:
//! one function, `base_cost`, decides what a (member, household) pair costs
//! before stability and load balancing are added.

use super::{GeoPoint, Reason, Settings};

/// Mean Earth radius (IUGG), metres.
const EARTH_RADIUS_M: f64 = 6_371_008.8;

/// Great-circle distance in metres between two points (haversine formula).
///
/// Non-finite input gives a non-finite result; the solver itself never
/// calls this with such points (see [`Rad::new`]).
pub fn haversine_m(a: &GeoPoint, b: &GeoPoint) -> f64 {
    let pa = Rad::raw(a);
    let pb = Rad::raw(b);
    pa.distance_m(&pb)
}

/// A validated point in radians with its cosine cached: the solver evaluates
/// H·M distances, and `cos(lat)` is the expensive half of each.
#[derive(Debug, Clone, Copy)]
pub(super) struct Rad {
    lat: f64,
    lon: f64,
    cos_lat: f64,
}

impl Rad {
    fn raw(p: &GeoPoint) -> Rad {
        let lat = p.lat.to_radians();
        Rad {
            lat,
            lon: p.lon.to_radians(),
            cos_lat: lat.cos(),
        }
    }

    /// `None` for NaN/infinite or out-of-range coordinates: such a point is
    /// treated as "no coordinates" (xóm fallback) instead of poisoning costs.
    pub(super) fn new(p: Option<&GeoPoint>) -> Option<Rad> {
        let p = p?;
        let ok = p.lat.is_finite()
            && p.lon.is_finite()
            && (-90.0..=90.0).contains(&p.lat)
            && (-180.0..=180.0).contains(&p.lon);
        ok.then(|| Rad::raw(p))
    }

    fn distance_m(&self, o: &Rad) -> f64 {
        let s_lat = ((o.lat - self.lat) * 0.5).sin();
        let s_lon = ((o.lon - self.lon) * 0.5).sin();
        let h = s_lat * s_lat + self.cos_lat * o.cos_lat * s_lon * s_lon;
        // Clamp: rounding can push h a hair above 1 for antipodal points.
        2.0 * EARTH_RADIUS_M * h.clamp(0.0, 1.0).sqrt().asin()
    }

    /// Whole metres; `as` saturates, and valid points are at most ~20,000 km apart.
    pub(super) fn metres(&self, o: &Rad) -> u32 {
        self.distance_m(o).round() as u32
    }
}

/// Where a member lives or a household is, as far as the cost model cares.
#[derive(Debug, Clone, Default)]
pub(super) struct Site {
    pub(super) pt: Option<Rad>,
    pub(super) xom: Option<String>,
}

impl Site {
    pub(super) fn new(pt: Option<&GeoPoint>, xom: Option<&str>) -> Site {
        Site {
            pt: Rad::new(pt),
            xom: xom.and_then(normalize_xom),
        }
    }
}

/// Pair cost before stability and balance: walking distance when both ends
/// have coordinates, otherwise a flat cost by xóm.
pub(super) fn base_cost(m: &Site, h: &Site, s: &Settings) -> (i64, Reason, Option<u32>) {
    if let (Some(a), Some(b)) = (&m.pt, &h.pt) {
        let d = a.metres(b);
        return (i64::from(d), Reason::Distance, Some(d));
    }
    match (&m.xom, &h.xom) {
        (Some(a), Some(b)) if a == b => (s.same_xom_cost_m, Reason::SameXom, None),
        (Some(_), Some(_)) => (s.other_xom_cost_m, Reason::OtherXom, None),
        _ => (s.unknown_cost_m, Reason::Unknown, None),
    }
}

/// Comparison key for xóm names: lowercase, Vietnamese diacritics removed,
/// whitespace collapsed. Stripping marks (rather than comparing NFC forms)
/// also makes text typed with composed and decomposed Unicode compare equal,
/// which happens in practice with different keyboards. `None` when blank.
pub(super) fn normalize_xom(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars().flat_map(char::to_lowercase) {
            if ('\u{300}'..='\u{36f}').contains(&c) {
                continue; // combining mark of a decomposed letter
            }
            out.push(fold_vietnamese(c));
        }
    }
    (!out.is_empty()).then_some(out)
}

/// Base letter of a lowercase precomposed Vietnamese letter.
fn fold_vietnamese(c: char) -> char {
    const GROUPS: [(char, &str); 7] = [
        ('a', "àáảãạăằắẳẵặâầấẩẫậ"),
        ('e', "èéẻẽẹêềếểễệ"),
        ('i', "ìíỉĩị"),
        ('o', "òóỏõọôồốổỗộơờớởỡợ"),
        ('u', "ùúủũụưừứửữự"),
        ('y', "ỳýỷỹỵ"),
        ('d', "đ"),
    ];
    if c.is_ascii() {
        return c;
    }
    GROUPS
        .iter()
        .find(|(_, letters)| letters.contains(c))
        .map_or(c, |&(base, _)| base)
}
