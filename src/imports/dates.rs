//! Dates as communes type them: dd/mm/yyyy, d/m/yy, an Excel serial number, or a year
//! alone (most registers only know the year of birth).

use super::table::Cell;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartialDate {
    pub year: i32,
    pub month: Option<u8>,
    pub day: Option<u8>,
}

impl PartialDate {
    fn year(year: i32) -> Self {
        PartialDate {
            year,
            month: None,
            day: None,
        }
    }
}

fn bad(raw: &str) -> String {
    format!("Ngày \"{raw}\" không đọc được; hãy ghi dạng ngày/tháng/năm (vd. 05/03/1962) hoặc chỉ năm (vd. 1962)")
}

/// Days since 1899-12-30, Excel's epoch (the 1900 leap-year bug is before March 1900).
pub fn from_serial(serial: f64) -> Option<PartialDate> {
    if !(1.0..=2_958_465.0).contains(&serial) {
        return None;
    }
    let epoch = time::Date::from_calendar_date(1899, time::Month::December, 30).ok()?;
    let d = epoch.checked_add(time::Duration::days(serial.floor() as i64))?;
    Some(PartialDate {
        year: d.year(),
        month: Some(d.month() as u8),
        day: Some(d.day()),
    })
}

/// A two-digit year means the most recent such year not in the future.
fn expand_year(y: i32, this_year: i32) -> i32 {
    if y >= 100 {
        return y;
    }
    let century = this_year / 100 * 100;
    if century + y <= this_year {
        century + y
    } else {
        century - 100 + y
    }
}

fn valid(year: i32, month: u32, day: u32) -> bool {
    u8::try_from(month)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .zip(u8::try_from(day).ok())
        .is_some_and(|(m, d)| time::Date::from_calendar_date(year, m, d).is_ok())
}

pub fn parse(cell: &Cell, this_year: i32) -> Result<Option<PartialDate>, String> {
    match cell {
        Cell::Empty => Ok(None),
        Cell::Date(f) => from_serial(*f).map(Some).ok_or_else(|| bad(&cell.text())),
        Cell::Number(f) => {
            if f.fract() == 0.0 && (1000.0..=2100.0).contains(f) {
                Ok(Some(PartialDate::year(*f as i32)))
            } else {
                from_serial(*f).map(Some).ok_or_else(|| bad(&cell.text()))
            }
        }
        Cell::Text(s) => parse_text(s, this_year),
        Cell::Formula(_) | Cell::Error => Err(bad(&cell.text())),
    }
}

pub fn parse_text(raw: &str, this_year: i32) -> Result<Option<PartialDate>, String> {
    let s = raw.trim();
    if s.is_empty() {
        return Ok(None);
    }
    // "2024-03-05" (ISO, what calamine gives for some date cells, and our own CSVs).
    let s = s.split(['T', ' ']).next().unwrap_or(s);
    let parts: Vec<&str> = s.split(['/', '-', '.']).map(str::trim).collect();
    let nums: Option<Vec<u32>> = parts.iter().map(|p| p.parse::<u32>().ok()).collect();
    let Some(nums) = nums else {
        return Err(bad(raw));
    };
    let date = match (nums.as_slice(), parts.first().map(|p| p.len())) {
        ([y], _) if (1000..=2100).contains(y) => PartialDate::year(*y as i32),
        ([y], _) if parts[0].len() == 2 => PartialDate::year(expand_year(*y as i32, this_year)),
        ([y, m, d], Some(4)) if valid(*y as i32, *m, *d) => PartialDate {
            year: *y as i32,
            month: Some(*m as u8),
            day: Some(*d as u8),
        },
        ([d, m, y], _) => {
            let year = expand_year(*y as i32, this_year);
            if !(parts[2].len() == 2 || parts[2].len() == 4) || !valid(year, *m, *d) {
                return Err(bad(raw));
            }
            PartialDate {
                year,
                month: Some(*m as u8),
                day: Some(*d as u8),
            }
        }
        ([m, y], _) if (1..=12).contains(m) && parts[1].len() == 4 => PartialDate {
            year: *y as i32,
            month: Some(*m as u8),
            day: None,
        },
        _ => return Err(bad(raw)),
    };
    Ok(Some(date))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn year(c: Cell) -> i32 {
        parse(&c, 2026).unwrap().unwrap().year
    }

    #[test]
    fn every_usual_form_gives_the_date() {
        assert_eq!(
            parse_text("05/03/1962", 2026).unwrap(),
            Some(PartialDate {
                year: 1962,
                month: Some(3),
                day: Some(5)
            })
        );
        assert_eq!(year(Cell::Text("5/3/62".into())), 1962);
        assert_eq!(year(Cell::Text("1/1/05".into())), 2005);
        assert_eq!(year(Cell::Text("1962".into())), 1962);
        assert_eq!(year(Cell::Number(1962.0)), 1962);
        // 22710 is 05/03/1962 as an Excel serial.
        assert_eq!(
            parse(&Cell::Number(22710.0), 2026).unwrap(),
            Some(PartialDate {
                year: 1962,
                month: Some(3),
                day: Some(5)
            })
        );
        assert_eq!(year(Cell::Date(22710.0)), 1962);
        assert_eq!(year(Cell::Text("1962-03-05".into())), 1962);
        assert_eq!(parse(&Cell::Empty, 2026).unwrap(), None);
    }

    #[test]
    fn nonsense_is_refused_with_a_hint() {
        for bad in [
            "31/02/1962",
            "ngày 5",
            "5/13/1962",
            "1/1/196",
            "99999999999",
        ] {
            assert!(parse_text(bad, 2026).is_err(), "{bad}");
        }
    }
}
