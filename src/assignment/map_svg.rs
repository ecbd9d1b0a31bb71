//! The plan as a map drawn on the server: households as dots in their member's colour,
//! members as larger squares at their home, uncovered households as hollow black rings.
//! No tiles, no script: a village is small enough that relative positions tell the story.

use std::fmt::Write;

use super::model::{HouseholdBrief, MemberGroup};

const SIZE: f64 = 640.0;
const PAD: f64 = 16.0;

/// Escapes text for SVG/XML content and attributes.
pub fn esc(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Equirectangular projection fitted to the points: fine at village scale.
struct Frame {
    max_lat: f64,
    min_lon: f64,
    kx: f64,
    scale: f64,
}

impl Frame {
    fn fit(points: &[(f64, f64)]) -> Option<Frame> {
        let (first_lat, first_lon) = *points.first()?;
        let (mut min_lat, mut max_lat, mut min_lon, mut max_lon) =
            (first_lat, first_lat, first_lon, first_lon);
        for &(la, lo) in points {
            min_lat = min_lat.min(la);
            max_lat = max_lat.max(la);
            min_lon = min_lon.min(lo);
            max_lon = max_lon.max(lo);
        }
        let kx = ((min_lat + max_lat) / 2.0).to_radians().cos();
        let span = ((max_lat - min_lat).max((max_lon - min_lon) * kx)).max(1e-5);
        Some(Frame {
            max_lat,
            min_lon,
            kx,
            scale: (SIZE - 2.0 * PAD) / span,
        })
    }

    fn xy(&self, lat: f64, lon: f64) -> (f64, f64) {
        (
            PAD + (lon - self.min_lon) * self.kx * self.scale,
            PAD + (self.max_lat - lat) * self.scale,
        )
    }
}

/// The SVG element (inline in the page, or saved on its own).
pub fn render(groups: &[MemberGroup], uncovered: &[HouseholdBrief], title: &str) -> String {
    let mut pts = Vec::new();
    for g in groups {
        pts.extend(
            g.pairs
                .iter()
                .filter_map(|p| Some((p.latitude?, p.longitude?))),
        );
        if let (Some(la), Some(lo)) = (g.member.latitude, g.member.longitude) {
            pts.push((la, lo));
        }
    }
    pts.extend(
        uncovered
            .iter()
            .filter_map(|h| Some((h.latitude?, h.longitude?))),
    );
    let mut s = String::new();
    let _ = write!(
        s,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"plan-map\" viewBox=\"0 0 {SIZE} {SIZE}\" role=\"img\" aria-label=\"{}\">",
        esc(title)
    );
    let _ = write!(s, "<title>{}</title>", esc(title));
    let _ = write!(
        s,
        "<rect x=\"0\" y=\"0\" width=\"{SIZE}\" height=\"{SIZE}\" fill=\"#fbfbf8\" stroke=\"#d0d7de\"/>"
    );
    let Some(frame) = Frame::fit(&pts) else {
        let _ = write!(
            s,
            "<text x=\"{}\" y=\"{}\" text-anchor=\"middle\" font-size=\"16\" fill=\"#586069\">Chưa có hộ nào có tọa độ</text></svg>",
            SIZE / 2.0,
            SIZE / 2.0
        );
        return s;
    };
    for g in groups {
        let _ = write!(s, "<g fill=\"{}\">", g.colour);
        for p in &g.pairs {
            if let (Some(la), Some(lo)) = (p.latitude, p.longitude) {
                let (x, y) = frame.xy(la, lo);
                let _ = write!(
                    s,
                    "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"3.5\"><title>{} → {}</title></circle>",
                    esc(&p.household_code),
                    esc(&g.member.name)
                );
            }
        }
        if let (Some(la), Some(lo)) = (g.member.latitude, g.member.longitude) {
            let (x, y) = frame.xy(la, lo);
            let _ = write!(
                s,
                "<rect x=\"{:.1}\" y=\"{:.1}\" width=\"11\" height=\"11\" stroke=\"#1b1f23\" stroke-width=\"1.5\"><title>{} ({} hộ)</title></rect>",
                x - 5.5,
                y - 5.5,
                esc(&g.member.name),
                g.pairs.len()
            );
        }
        s.push_str("</g>");
    }
    for h in uncovered {
        if let (Some(la), Some(lo)) = (h.latitude, h.longitude) {
            let (x, y) = frame.xy(la, lo);
            let _ = write!(
                s,
                "<circle cx=\"{x:.1}\" cy=\"{y:.1}\" r=\"5\" fill=\"none\" stroke=\"#000\" stroke-width=\"2\"><title>{} — chưa có người phụ trách</title></circle>",
                esc(&h.code)
            );
        }
    }
    // Scale bar: 200 m.
    let bar = 200.0 / 111_320.0 * frame.scale;
    if bar.is_finite() && bar > 4.0 && bar < SIZE - 2.0 * PAD {
        let y = SIZE - PAD;
        let _ = write!(
            s,
            "<line x1=\"{PAD}\" y1=\"{y}\" x2=\"{:.1}\" y2=\"{y}\" stroke=\"#1b1f23\" stroke-width=\"2\"/><text x=\"{PAD}\" y=\"{:.1}\" font-size=\"12\" fill=\"#1b1f23\">200 m</text>",
            PAD + bar,
            y - 5.0
        );
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assignment::model::{MemberBrief, PairView};

    #[test]
    fn draws_dots_members_and_escapes_names() {
        let g = MemberGroup {
            member: MemberBrief {
                id: "m".into(),
                name: "Lê <Văn> A".into(),
                status: "active".into(),
                latitude: Some(20.74),
                longitude: Some(106.07),
            },
            colour: "#1f77b4",
            pairs: vec![PairView {
                household_id: "h".into(),
                household_code: "BN0001".into(),
                head_name: "X".into(),
                address: String::new(),
                latitude: Some(20.741),
                longitude: Some(106.071),
                household_active: true,
                member_id: "m".into(),
                member_name: "Lê <Văn> A".into(),
                member_status: "active".into(),
                reason: "distance".into(),
                distance_m: Some(140),
                locked: false,
            }],
            over_capacity: false,
        };
        let svg = render(&[g], &[], "Bản đồ");
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<circle") && svg.contains("<rect x="));
        assert!(svg.contains("Lê &lt;Văn&gt; A") && !svg.contains("<Văn>"));
        assert!(render(&[], &[], "t").contains("Chưa có hộ nào có tọa độ"));
    }
}
