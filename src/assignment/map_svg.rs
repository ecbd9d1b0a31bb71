//! The plan as a map drawn on the server: households as numbered dots in their member's
//! colour, members as larger squares at their home, uncovered households as black crosses.
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

/// Where the marks lead: a member's households, or one household of the plan. The map
/// lives at `/assignment/plans/{id}/map`, so links are relative to the plan: 400 of them
/// would otherwise repeat the plan's address 400 times.
pub struct Links;

impl Links {
    pub fn member(&self, member_id: &str) -> String {
        format!("members/{}", esc(member_id))
    }

    pub fn household(&self, household_id: &str) -> String {
        format!("households/{}", esc(household_id))
    }
}

/// The SVG element, inline in the map page. Member `i` of `groups` is numbered `i + 1`:
/// the number is written in each of their households' dots and in the legend beside
/// the map, because colours alone repeat once there are more members than colours.
/// Each member's marks are one link to that member's households; uncovered households
/// are black crosses, each a link to the household (to give it a member).
pub fn render(
    groups: &[MemberGroup],
    uncovered: &[HouseholdBrief],
    title: &str,
    links: &Links,
) -> String {
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
    // One numbered dot per member, drawn by reference at each household: ~35 bytes a
    // household, so a village of 400 stays a small page.
    s.push_str("<defs>");
    for (i, g) in groups.iter().enumerate() {
        let _ = write!(
            s,
            "<g id=\"m{n}\"><circle r=\"7\" fill=\"{}\"/><text y=\"3\">{n}</text></g>",
            g.colour,
            n = i + 1
        );
    }
    // What the dots' numbers inherit (a <use> inherits from where it is used); the
    // page's style sheet draws homes and crosses (the map is only shown inline).
    s.push_str(
        "</defs><g fill=\"#fff\" font-size=\"8\" font-weight=\"700\" text-anchor=\"middle\">",
    );
    for (i, g) in groups.iter().enumerate() {
        let n = i + 1;
        let dots: Vec<(f64, f64)> = g
            .pairs
            .iter()
            .filter_map(|p| Some(frame.xy(p.latitude?, p.longitude?)))
            .collect();
        let home = match (g.member.latitude, g.member.longitude) {
            (Some(la), Some(lo)) => Some(frame.xy(la, lo)),
            _ => None,
        };
        if dots.is_empty() && home.is_none() {
            continue;
        }
        let _ = write!(
            s,
            "<a href=\"{}\"><title>{n}. {}</title>",
            links.member(&g.member.id),
            esc(&g.member.name),
        );
        if let Some((x, y)) = home {
            let _ = write!(
                s,
                "<rect class=\"home\" x=\"{:.0}\" y=\"{:.0}\" width=\"16\" height=\"16\" fill=\"{}\"/><text x=\"{x:.0}\" y=\"{:.0}\">{n}</text>",
                x - 8.0,
                y - 8.0,
                g.colour,
                y + 3.0
            );
        }
        for (x, y) in &dots {
            let _ = write!(s, "<use href=\"#m{n}\" x=\"{x:.0}\" y=\"{y:.0}\"/>");
        }
        s.push_str("</a>");
    }
    s.push_str("</g>");
    for h in uncovered {
        if let (Some(la), Some(lo)) = (h.latitude, h.longitude) {
            let (x, y) = frame.xy(la, lo);
            let _ = write!(
                s,
                "<a href=\"{}\" class=\"uncovered\"><title>{} chưa có người phụ trách</title><path d=\"M{:.0} {:.0}l12 12m0-12l-12 12\"/></a>",
                links.household(&h.id),
                esc(&h.code),
                x - 6.0,
                y - 6.0
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
            colour_class: "c0".into(),
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
        let uncovered = HouseholdBrief {
            id: "u".into(),
            code: "BN0404".into(),
            head_name: "Y".into(),
            address: String::new(),
            latitude: Some(20.742),
            longitude: Some(106.072),
        };
        let links = Links;
        let svg = render(&[g], &[uncovered], "Bản đồ", &links);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("<circle") && svg.contains("<rect x="));
        assert!(svg.contains("Lê &lt;Văn&gt; A") && !svg.contains("<Văn>"));
        // The member's marks link to their households and carry their number.
        assert!(svg.contains("<a href=\"members/m\"><title>1. Lê"));
        assert!(svg
            .contains("<g id=\"m1\"><circle r=\"7\" fill=\"#1f77b4\"/><text y=\"3\">1</text></g>"));
        assert!(svg.contains("<use href=\"#m1\" x="), "the household's dot");
        assert_eq!(svg.matches(">1</text>").count(), 2, "the dot and the home");
        // An uncovered household is a cross of its own, linked to the household.
        assert!(svg.contains(
            "<a href=\"households/u\" class=\"uncovered\"><title>BN0404 chưa có người phụ trách"
        ));
        assert!(render(&[], &[], "t", &links).contains("Chưa có hộ nào có tọa độ"));
    }
}
