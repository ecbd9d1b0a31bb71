//! The coverage chart: one horizontal bar per line, drawn on the server as SVG, so a phone
//! without JavaScript sees it and a printout keeps it. Pure: lines in, markup out.

use super::model::Line;
use crate::assignment::map_svg::esc;

/// Height of one bar's row and the width the bars share, in SVG units.
const ROW: usize = 28;
const WIDTH: usize = 320;
const LABEL: usize = 120;

/// Bars of the share reached in the period (dark) over the share whose latest contact is
/// at most 90 days old (light), per line. `title` names the chart for screen readers.
pub fn reach_bars(lines: &[Line], title: &str) -> String {
    let height = ROW * lines.len().max(1) + 8;
    let bar = WIDTH - LABEL - 52;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\" class=\"chart\">",
        esc(title)
    );
    for (i, l) in lines.iter().enumerate() {
        let y = i * ROW + 4;
        let reached = bar as i64 * l.reach_permille() / 1000;
        let recent = bar as i64 * Line::permille(l.recent_90, l.households) / 1000;
        let name: String = l.name.chars().take(18).collect();
        s.push_str(&format!(
            "<text x=\"0\" y=\"{ty}\" font-size=\"11\">{name}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{bar}\" height=\"18\" fill=\"#eef1f5\"/>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{recent}\" height=\"18\" fill=\"#c9d6e8\"/>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{reached}\" height=\"18\" fill=\"#8c1d18\"/>\
             <text x=\"{tx}\" y=\"{ty}\" font-size=\"11\">{pct}</text>",
            ty = y + 13,
            name = esc(&name),
            tx = LABEL + bar + 4,
            pct = l.reach_percent(),
        ));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn line(name: &str, households: i64, reached: i64) -> Line {
        Line {
            name: name.into(),
            households,
            reached,
            recent_90: reached,
            ..Line::default()
        }
    }

    #[test]
    fn a_bar_per_line_sized_by_its_share() {
        let svg = reach_bars(
            &[line("Thôn A", 100, 50), line("Thôn <B>", 10, 10)],
            "Độ phủ",
        );
        assert_eq!(svg.matches("fill=\"#8c1d18\"").count(), 2);
        // Half of the 148-unit bar, then all of it.
        assert!(
            svg.contains("width=\"74\" height=\"18\" fill=\"#8c1d18\""),
            "{svg}"
        );
        assert!(
            svg.contains("width=\"148\" height=\"18\" fill=\"#8c1d18\""),
            "{svg}"
        );
        assert!(svg.contains("50,0%") && svg.contains("100,0%"));
        // Names are text, never markup.
        assert!(svg.contains("Thôn &lt;B&gt;") && !svg.contains("<B>"));
    }
}
