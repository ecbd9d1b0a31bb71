//! Comparing stored counters with a recount, as pure data: each counter table becomes
//! a map from its key columns to its value columns, both as text, and the differences
//! are the keys missing on either side or holding other values. `recount.rs` fills the
//! maps from the database.

use std::collections::BTreeMap;

/// One counter table's rows: key columns to value columns.
pub type Rows = BTreeMap<Vec<String>, Vec<String>>;

/// One counter table: its name, the names of its key and value columns.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Table {
    pub name: &'static str,
    pub keys: &'static [&'static str],
    pub values: &'static [&'static str],
}

/// A row that the recount and the table disagree on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    pub table: &'static str,
    pub key: Vec<String>,
    /// What the recount finds; `None`: the table has a row the contacts do not explain.
    pub expected: Option<Vec<String>>,
    /// What the table holds; `None`: the row is missing.
    pub stored: Option<Vec<String>>,
}

impl Difference {
    /// The difference in Vietnamese, naming the table, the row and the values.
    pub fn describe(&self, t: &Table) -> String {
        let key: Vec<String> = t
            .keys
            .iter()
            .zip(&self.key)
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        let values = |v: &[String]| -> String {
            t.values
                .iter()
                .zip(v)
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(", ")
        };
        let at = format!("{} [{}]", self.table, key.join(", "));
        match (&self.expected, &self.stored) {
            (Some(e), None) => format!("{at}: thiếu dòng; đếm lại được {}", values(e)),
            (None, Some(s)) => format!(
                "{at}: thừa dòng ({}); không có lần tiếp xúc nào ứng với nó",
                values(s)
            ),
            (Some(e), Some(s)) => {
                format!("{at}: đang ghi {}, đếm lại được {}", values(s), values(e))
            }
            (None, None) => at,
        }
    }
}

/// Every key on which `expected` and `stored` disagree, in key order. Strict: a row left
/// at zero is a difference too, since the store deletes those (`contact_recency`).
pub fn differences(table: &'static str, expected: &Rows, stored: &Rows) -> Vec<Difference> {
    let mut out = Vec::new();
    for (k, e) in expected {
        match stored.get(k) {
            Some(s) if s == e => {}
            s => out.push(Difference {
                table,
                key: k.clone(),
                expected: Some(e.clone()),
                stored: s.cloned(),
            }),
        }
    }
    for (k, s) in stored {
        if !expected.contains_key(k) {
            out.push(Difference {
                table,
                key: k.clone(),
                expected: None,
                stored: Some(s.clone()),
            });
        }
    }
    out.sort_by(|a, b| a.key.cmp(&b.key));
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(items: &[(&[&str], &[&str])]) -> Rows {
        items
            .iter()
            .map(|(k, v)| {
                (
                    k.iter().map(|s| s.to_string()).collect(),
                    v.iter().map(|s| s.to_string()).collect(),
                )
            })
            .collect()
    }

    const COUNTS: Table = Table {
        name: "contact_counts",
        keys: &["village_id", "period"],
        values: &["contacts", "households"],
    };

    #[test]
    fn equal_tables_have_no_differences() {
        let a = rows(&[(&["v1", "Y2026"], &["3", "2"])]);
        assert!(differences("contact_counts", &a, &a.clone()).is_empty());
    }

    #[test]
    fn missing_extra_and_changed_rows_are_each_named() {
        let expected = rows(&[
            (&["v1", "Y2026"], &["3", "2"]),
            (&["v2", "Y2026"], &["1", "1"]),
        ]);
        let stored = rows(&[
            (&["v1", "Y2026"], &["4", "2"]),
            (&["v3", "Y2026"], &["1", "1"]),
        ]);
        let d = differences("contact_counts", &expected, &stored);
        assert_eq!(d.len(), 3);
        let text: Vec<String> = d.iter().map(|d| d.describe(&COUNTS)).collect();
        assert_eq!(
            text[0],
            "contact_counts [village_id=v1, period=Y2026]: đang ghi contacts=4, households=2, đếm lại được contacts=3, households=2"
        );
        assert!(text[1].contains("thiếu dòng"), "{}", text[1]);
        assert!(text[2].contains("thừa dòng"), "{}", text[2]);
    }

    #[test]
    fn a_row_left_at_zero_or_an_extra_marker_is_a_difference() {
        let stored = rows(&[(&["c1", "v1", "2026-01-01"], &["0"])]);
        assert_eq!(
            differences("contact_recency", &Rows::new(), &stored).len(),
            1
        );
        let stored = rows(&[(&["c1", "h1", "Y2026"], &[])]);
        assert_eq!(differences("contact_reach", &Rows::new(), &stored).len(), 1);
    }
}
