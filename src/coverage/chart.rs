//! The coverage chart: one horizontal bar per line (`web::chart`, drawn on the server as
//! SVG). Pure: lines in, markup out.

use super::model::Line;
use crate::web::chart::{overlaid, Row, Series};

/// Bars of the share reached in the period (dark) over the share whose latest contact is
/// at most 90 days old (light), per line. `title` names the chart for screen readers.
pub fn reach_bars(lines: &[Line], title: &str) -> String {
    let rows: Vec<Row> = lines
        .iter()
        .map(|l| Row {
            label: l.name.clone(),
            values: vec![
                Line::permille(l.recent_90, l.households),
                l.reach_permille(),
            ],
            figures: vec![l.reach_percent()],
            mark: None,
        })
        .collect();
    let series = [
        Series {
            name: "Lần tiếp xúc gần nhất trong 90 ngày",
            colour: "#c9d6e8",
        },
        Series {
            name: "Đã tiếp xúc trong kỳ",
            colour: "#8c1d18",
        },
    ];
    overlaid(&rows, &series, 1000, title)
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
