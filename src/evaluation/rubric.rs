//! A province's rubric: the weights of the indicators, the thresholds of the levels, and
//! the share of members allowed "Hoàn thành xuất sắc nhiệm vụ". Pure: the store keeps it
//! as JSON per province; the built-in defaults apply until the province sets its own.
//!
//! The defaults, and why:
//! - Villages: reach 35, petitions resolved with the household's confirmation 20, stages
//!   on time 15, households' commitments signed 15, monthly cell meetings 15. Reaching every
//!   household is the model's first aim, so it weighs most; the petition loop comes next.
//!   Tốt from 85%, Khá from 70%, Trung bình from 50%, Yếu below.
//! - Members: reach of their own households 50, follow-ups kept 15, campaign deliveries 20,
//!   their own commitment signed 15. Xuất sắc from 90%, Tốt from 75%, Hoàn thành from 50%,
//!   Không hoàn thành below.
//! - "Xuất sắc" at most 20% of the members evaluated, QĐ 124-QĐ/TW's rule of thumb.

use serde::{Deserialize, Serialize};

use super::model::{Indicator, Subject, Weighting};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rubric {
    pub village: Weighting,
    pub member: Weighting,
    /// The most members that may be "xuất sắc", in percent of those evaluated.
    pub excellent_percent: u8,
}

impl Default for Rubric {
    fn default() -> Self {
        Rubric {
            village: Weighting {
                weights: vec![
                    (Indicator::Reach, 35),
                    (Indicator::Resolved, 20),
                    (Indicator::OnTime, 15),
                    (Indicator::Commitments, 15),
                    (Indicator::Meetings, 15),
                ],
                thresholds: [850, 700, 500],
            },
            member: Weighting {
                weights: vec![
                    (Indicator::Reach, 50),
                    (Indicator::FollowUps, 15),
                    (Indicator::Deliveries, 20),
                    (Indicator::OwnCommitment, 15),
                ],
                thresholds: [900, 750, 500],
            },
            excellent_percent: 20,
        }
    }
}

impl Rubric {
    pub fn of(&self, s: Subject) -> &Weighting {
        match s {
            Subject::Village => &self.village,
            Subject::Member => &self.member,
        }
    }

    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// A stored rubric; the defaults when it cannot be read (an older shape).
    pub fn from_json(s: &str) -> Rubric {
        serde_json::from_str(s).unwrap_or_default()
    }
}

/// The rubric form as posted: one field per weight (`village_reach`), per threshold
/// (`village_t1`, in percent, one decimal allowed: "85" or "72,5"), and the cap.
pub type Fields = std::collections::HashMap<String, String>;

fn whole(raw: &str) -> Option<i64> {
    let t = raw.trim();
    if t.is_empty() || t.len() > 6 || !t.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    t.parse().ok()
}

/// "85" → 850, "72,5" → 725 (per mille).
fn percent_permille(raw: &str) -> Option<i64> {
    let t = raw.trim().replace('.', ",");
    let (w, d) = t.split_once(',').unwrap_or((&t, "0"));
    let (w, d) = (whole(w)?, whole(d)?);
    if d > 9 || w > 100 {
        return None;
    }
    let v = w * 10 + d;
    (v <= 1000).then_some(v)
}

/// Checks the form; every mistake named by its field, in Vietnamese.
pub fn check(f: &Fields) -> Result<Rubric, Vec<(String, String)>> {
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let mut errors = Vec::new();
    let mut weighting = |s: Subject| -> Weighting {
        let mut weights = Vec::new();
        for i in Indicator::of(s) {
            let key = format!("{}_{}", s.code(), i.code());
            match whole(get(&key)).filter(|w| *w <= 100) {
                Some(w) => weights.push((*i, u32::try_from(w).unwrap_or(0))),
                None => errors.push((key, "Trọng số là số nguyên từ 0 đến 100".to_owned())),
            }
        }
        if !weights.is_empty() && weights.iter().all(|(_, w)| *w == 0) {
            errors.push((
                format!("{}_reach", s.code()),
                "Cần ít nhất một chỉ tiêu có trọng số lớn hơn 0".to_owned(),
            ));
        }
        let mut thresholds = [0i64; 3];
        for (n, t) in thresholds.iter_mut().enumerate() {
            let key = format!("{}_t{}", s.code(), n + 1);
            match percent_permille(get(&key)) {
                Some(v) => *t = v,
                None => errors.push((key, "Ngưỡng là tỷ lệ phần trăm từ 0 đến 100".to_owned())),
            }
        }
        if !(thresholds[0] >= thresholds[1] && thresholds[1] >= thresholds[2]) {
            errors.push((
                format!("{}_t1", s.code()),
                "Ngưỡng của mức cao phải không thấp hơn ngưỡng của mức dưới".to_owned(),
            ));
        }
        Weighting {
            weights,
            thresholds,
        }
    };
    let village = weighting(Subject::Village);
    let member = weighting(Subject::Member);
    let excellent_percent = match whole(get("excellent_percent")).filter(|p| *p <= 100) {
        Some(p) => u8::try_from(p).unwrap_or(100),
        None => {
            errors.push((
                "excellent_percent".into(),
                "Tỷ lệ “xuất sắc” tối đa là số nguyên từ 0 đến 100".into(),
            ));
            0
        }
    };
    if errors.is_empty() {
        Ok(Rubric {
            village,
            member,
            excellent_percent,
        })
    } else {
        Err(errors)
    }
}

/// The form's fields for a rubric (the page shows them filled in).
pub fn fields(r: &Rubric) -> Fields {
    let mut f = Fields::new();
    for s in [Subject::Village, Subject::Member] {
        let w = r.of(s);
        for i in Indicator::of(s) {
            f.insert(
                format!("{}_{}", s.code(), i.code()),
                w.weight(*i).to_string(),
            );
        }
        for (n, t) in w.thresholds.iter().enumerate() {
            let text = if t % 10 == 0 {
                (t / 10).to_string()
            } else {
                format!("{},{}", t / 10, t % 10)
            };
            f.insert(format!("{}_t{}", s.code(), n + 1), text);
        }
    }
    f.insert("excellent_percent".into(), r.excellent_percent.to_string());
    f
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_read_back_from_their_own_form() {
        let d = Rubric::default();
        assert_eq!(check(&fields(&d)), Ok(d.clone()));
        assert_eq!(Rubric::from_json(&d.to_json()), d);
    }

    #[test]
    fn a_threshold_with_a_decimal_comma_is_per_mille() {
        let mut f = fields(&Rubric::default());
        f.insert("village_t2".into(), "72,5".into());
        assert_eq!(check(&f).unwrap().village.thresholds, [850, 725, 500]);
    }

    #[test]
    fn mistakes_are_named_by_field() {
        let mut f = fields(&Rubric::default());
        f.insert("member_reach".into(), "nhiều".into());
        f.insert("village_t1".into(), "40".into());
        f.insert("excellent_percent".into(), "120".into());
        let e = check(&f).unwrap_err();
        let names: Vec<&str> = e.iter().map(|(k, _)| k.as_str()).collect();
        assert!(names.contains(&"member_reach"), "{names:?}");
        assert!(names.contains(&"village_t1"), "{names:?}");
        assert!(names.contains(&"excellent_percent"), "{names:?}");
    }

    #[test]
    fn an_unreadable_stored_rubric_falls_back_to_the_defaults() {
        assert_eq!(Rubric::from_json("{\"old\":1}"), Rubric::default());
    }
}
