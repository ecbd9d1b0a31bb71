//! Bar charts drawn on the server as SVG, so that a phone without JavaScript sees them and
//! a printout keeps them: one row per unit (or stage), a label on the left, the bars, and
//! the figure written after them. Pure: rows in, markup out. Names are escaped text.

use crate::assignment::map_svg::esc;

/// Height of one overlaid row, and the width every chart is drawn in, in SVG units (the
/// page scales it to the screen).
const ROW: usize = 28;
const WIDTH: usize = 320;
/// The labels' column, and the room left after the bars for the figures.
const LABEL: usize = 120;
const FIGURE: usize = 52;
/// The longest label shown; longer names are cut.
const LABEL_CHARS: usize = 18;
/// Grouped bars: the row's label line, each series' bar, the gap under it, the space
/// after the row, the legend's line.
const HEADING: usize = 18;
const THIN: usize = 11;
const GAP: usize = 3;
const PAD: usize = 8;
const LEGEND: usize = 22;

const TRACK: &str = "#eef1f5";
const INK: &str = "#1b1f23";

/// What one bar of a row stands for, and its colour.
#[derive(Debug, Clone, Copy)]
pub struct Series<'a> {
    pub name: &'a str,
    pub colour: &'a str,
}

/// One row: its label, one value per series, the figure written after each bar (or after
/// the row, for overlaid bars: the first), and an optional mark across the row (a
/// deadline) on the same scale as the values.
#[derive(Debug, Clone, Default)]
pub struct Row {
    pub label: String,
    pub values: Vec<i64>,
    pub figures: Vec<String>,
    pub mark: Option<i64>,
}

fn open(height: usize, title: &str) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {WIDTH} {height}\" role=\"img\" aria-label=\"{}\" class=\"chart\">",
        esc(title)
    )
}

fn label(row: &Row) -> String {
    esc(&row.label.chars().take(LABEL_CHARS).collect::<String>())
}

/// The length of `value` on a bar of `bar` units where `scale` fills it.
fn length(bar: usize, value: i64, scale: i64) -> i64 {
    if scale <= 0 {
        0
    } else {
        bar as i64 * value.clamp(0, scale) / scale
    }
}

/// Overlaid bars: every series of a row starts at the same place, drawn in order over a
/// light track (the first behind, so it should be the largest), `scale` filling the bar.
/// Shares of a whole, such as households reached in the period over those reached in 90
/// days. The row's first figure is written after the bar.
pub fn overlaid(rows: &[Row], series: &[Series], scale: i64, title: &str) -> String {
    let height = ROW * rows.len().max(1) + 8;
    let bar = WIDTH - LABEL - FIGURE;
    let mut s = open(height, title);
    for (i, row) in rows.iter().enumerate() {
        let y = i * ROW + 4;
        s.push_str(&format!(
            "<text x=\"0\" y=\"{ty}\" font-size=\"11\">{name}</text>\
             <rect x=\"{LABEL}\" y=\"{y}\" width=\"{bar}\" height=\"18\" fill=\"{TRACK}\"/>",
            ty = y + 13,
            name = label(row),
        ));
        for (v, ser) in row.values.iter().zip(series) {
            s.push_str(&format!(
                "<rect x=\"{LABEL}\" y=\"{y}\" width=\"{w}\" height=\"18\" fill=\"{c}\"/>",
                w = length(bar, *v, scale),
                c = ser.colour,
            ));
        }
        if let Some(f) = row.figures.first() {
            s.push_str(&format!(
                "<text x=\"{tx}\" y=\"{ty}\" font-size=\"11\">{f}</text>",
                tx = LABEL + bar + 4,
                ty = y + 13,
                f = esc(f),
            ));
        }
    }
    s.push_str("</svg>");
    s
}

/// Grouped bars: in each row its label on a line of its own (a phone has no room beside
/// the bars for a village's name), then one bar per series, all on one scale (the largest
/// value or mark of the chart), each followed by its figure, with a legend of the series
/// on top. Counts that are not parts of one whole, such as petitions received, answered
/// and resolved in a period. A row's mark is drawn as a dark tick across its bars.
pub fn grouped(rows: &[Row], series: &[Series], title: &str) -> String {
    let bars = series.len().max(1) * (THIN + GAP);
    let per_row = HEADING + bars + PAD;
    let height = LEGEND + per_row * rows.len().max(1);
    let bar = WIDTH - FIGURE;
    let scale = rows
        .iter()
        .flat_map(|r| r.values.iter().copied().chain(r.mark))
        .max()
        .unwrap_or(0)
        .max(1);
    let mut s = open(height, title);
    // The legend: a swatch and the name of each series, in one line.
    let mut x = 0;
    for ser in series {
        s.push_str(&format!(
            "<rect x=\"{x}\" y=\"3\" width=\"11\" height=\"11\" fill=\"{c}\"/>\
             <text x=\"{tx}\" y=\"13\" font-size=\"12\">{n}</text>",
            c = ser.colour,
            tx = x + 15,
            n = esc(ser.name),
        ));
        x += 15 + ser.name.chars().count() * 7 + 12;
    }
    for (i, row) in rows.iter().enumerate() {
        let top = LEGEND + i * per_row;
        s.push_str(&format!(
            "<text x=\"0\" y=\"{ty}\" font-size=\"13\">{name}</text>",
            ty = top + HEADING - 4,
            name = esc(&row.label),
        ));
        let mark = row.mark.map(|m| length(bar, m, scale));
        for (j, ser) in series.iter().enumerate() {
            let y = top + HEADING + j * (THIN + GAP);
            let w = length(bar, row.values.get(j).copied().unwrap_or(0), scale);
            s.push_str(&format!(
                "<rect x=\"0\" y=\"{y}\" width=\"{w}\" height=\"{THIN}\" fill=\"{c}\"/>",
                c = ser.colour,
            ));
            if let Some(f) = row.figures.get(j) {
                // After the bar, and after the mark when the bar stops short of it.
                let after = mark.map_or(w, |m| w.max(m + 2));
                s.push_str(&format!(
                    "<text x=\"{tx}\" y=\"{ty}\" font-size=\"11\">{f}</text>",
                    tx = after + 4,
                    ty = y + THIN - 1,
                    f = esc(f),
                ));
            }
        }
        if let Some(m) = mark {
            s.push_str(&format!(
                "<rect x=\"{m}\" y=\"{y}\" width=\"2\" height=\"{h}\" fill=\"{INK}\"/>",
                y = top + HEADING - 2,
                h = bars + 2,
            ));
        }
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    const TWO: [Series; 2] = [
        Series {
            name: "a",
            colour: "#111111",
        },
        Series {
            name: "b",
            colour: "#222222",
        },
    ];

    fn row(label: &str, values: &[i64]) -> Row {
        Row {
            label: label.into(),
            values: values.to_vec(),
            figures: values.iter().map(|v| v.to_string()).collect(),
            mark: None,
        }
    }

    #[test]
    fn overlaid_bars_share_their_origin_and_scale() {
        let svg = overlaid(&[row("A", &[1000, 500])], &TWO, 1000, "t");
        // The bars are 148 units long: all of it, then half, from the same x.
        assert!(svg.contains("x=\"120\" y=\"4\" width=\"148\" height=\"18\" fill=\"#111111\""));
        assert!(svg.contains("x=\"120\" y=\"4\" width=\"74\" height=\"18\" fill=\"#222222\""));
        // A value beyond the scale fills the bar and no more.
        let svg = overlaid(&[row("A", &[5000])], &TWO, 1000, "t");
        assert!(svg.contains("width=\"148\" height=\"18\" fill=\"#111111\""));
    }

    #[test]
    fn grouped_bars_scale_to_the_largest_and_say_their_figures() {
        let svg = grouped(&[row("Thôn <A>", &[10, 5]), row("B", &[0, 2])], &TWO, "t");
        assert_eq!(
            svg.matches("fill=\"#111111\"").count(),
            3,
            "legend + two rows"
        );
        // 10 fills the 268-unit bar; 5 is half of it; 0 is no bar.
        assert!(
            svg.contains("width=\"268\" height=\"11\" fill=\"#111111\""),
            "{svg}"
        );
        assert!(
            svg.contains("width=\"134\" height=\"11\" fill=\"#222222\""),
            "{svg}"
        );
        assert!(
            svg.contains("width=\"0\" height=\"11\" fill=\"#111111\""),
            "{svg}"
        );
        assert!(svg.contains(">10</text>") && svg.contains(">2</text>"));
        assert!(svg.contains("Thôn &lt;A&gt;") && !svg.contains("<A>"));
        // Nothing to draw still makes a chart, with no bar longer than nothing.
        let empty = grouped(&[row("A", &[0, 0])], &TWO, "t");
        assert!(!empty.contains("width=\"268\" height=\"11\""));
    }

    #[test]
    fn a_mark_is_drawn_on_the_same_scale() {
        let mut r = row("Trả lời", &[5]);
        r.mark = Some(10);
        let svg = grouped(&[r], &TWO[..1], "t");
        // The mark (10) is the largest: it sits at the end of the bar, the value halfway,
        // and the figure after the mark.
        assert!(svg.contains("<rect x=\"268\""), "{svg}");
        assert!(svg.contains("width=\"134\" height=\"11\""), "{svg}");
        assert!(svg.contains("<text x=\"274\""), "{svg}");
    }
}
