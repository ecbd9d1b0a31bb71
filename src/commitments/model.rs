//! Yearly commitments, as pure rules: who signs (a household or a Party member), the
//! lines of the form (the plan's section II by default), what a valid record is, how a
//! record moves the counters, and how the commune committee edits the lines.
//!
//! A record says signed or not signed and the date signed; nothing else. No score, no
//! judgement of anyone's compliance (DESIGN.md §3).

use serde::{Deserialize, Serialize};
use time::Date;

/// Who signs a commitment.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Subject {
    Household,
    Member,
}

impl Subject {
    pub const ALL: [Subject; 2] = [Subject::Household, Subject::Member];

    pub fn code(self) -> &'static str {
        match self {
            Subject::Household => "household",
            Subject::Member => "member",
        }
    }

    pub fn parse(s: &str) -> Option<Subject> {
        Subject::ALL.into_iter().find(|k| k.code() == s)
    }

    /// A request's `subject`, households when absent.
    pub fn from_query(s: &str) -> Result<Subject, String> {
        match s.trim() {
            "" => Ok(Subject::Household),
            s => Subject::parse(s).ok_or_else(|| {
                "Đối tượng phải là household (hộ gia đình) hoặc member (đảng viên)".into()
            }),
        }
    }

    /// The plan's own lines for this subject.
    pub fn defaults(self) -> &'static [&'static str] {
        match self {
            Subject::Household => HOUSEHOLD_DEFAULTS,
            Subject::Member => MEMBER_DEFAULTS,
        }
    }

    /// The summary line under "BẢN CAM KẾT".
    pub fn summary(self, year: i32) -> String {
        match self {
            Subject::Household => {
                format!("Hộ gia đình thực hiện mô hình “Dân vận khéo 1+10” năm {year}")
            }
            Subject::Member => {
                format!("Đảng viên thực hiện mô hình “Dân vận khéo 1+10” năm {year}")
            }
        }
    }
}

/// Section II.2 of the plan ("Đối với các hộ gia đình"), paragraph by paragraph as written
/// (the fourth has no dash in the plan but is a paragraph of its own).
pub const HOUSEHOLD_DEFAULTS: &[&str] = &[
    "Chấp hành và thực hiện tốt các chủ trương của Đảng, chính sách pháp luật của Nhà nước, các quy định của địa phương. Tham dự sinh hoạt các câu lạc bộ, các chi tổ hội đoàn thể ở thôn, tổ dân phố và một số hoạt động của cộng đồng dân cư nơi cư trú. Các thành viên trong gia đình không tham gia tụ tập, khiếu kiện đông người, vượt cấp làm ảnh hưởng đến an ninh chính trị của địa phương.",
    "Tích cực tham gia và chấp hành công tác giải phóng mặt bằng, ủng hộ xây dựng các công trình dự án trên địa bàn; hưởng ứng các phong trào, các cuộc vận động do Mặt trận Tổ quốc và các tổ chức đoàn thể phát động.",
    "Thực hiện nếp sống văn hóa nơi công cộng, vứt rác đúng nơi quy định, giữ gìn, bảo vệ môi trường ở khu dân cư, đấu tranh với những hoạt động văn hóa không lành mạnh; các thành viên trong gia đình không tham gia các tệ nạn xã hội, không vi phạm pháp luật, không mê tín dị đoan, thực hiện tốt nếp sống văn minh trong việc cưới, việc tang, lễ hội.",
    "Tích cực tham gia ủng hộ các loại quỹ do Trung ương, tỉnh và cơ sở phát động, tham gia phong trào trồng cây bóng mát, hoa, cây cảnh; giữ gìn vệ sinh môi trường ở đô thị, nông thôn “sáng - xanh - sạch - đẹp”.",
    "Thực hiện quyền làm chủ của Nhân dân thông qua việc giám sát cán bộ, đảng viên, góp ý xây dựng Đảng, Chính quyền trong sạch, vững mạnh.",
];

/// Section II.1 of the plan ("Đối với Đảng viên được phân công phụ trách hộ gia đình"),
/// as written but for the plan's doubled word "số số".
pub const MEMBER_DEFAULTS: &[&str] = &[
    "Phải gương mẫu chấp hành tốt chủ trương của Đảng, chính sách pháp luật của Nhà nước; các quy định của địa phương. Tích cực vận động người thân và gia đình thực hiện tốt chủ trương của Đảng, chính sách, pháp luật của Nhà nước, các quy định của địa phương nơi cư trú.",
    "Chấp hành nghiêm Quy định số 37-QĐ/TW ngày 25/10/2021 quy định về những điều đảng viên không được làm và các nghị quyết, chỉ thị, quy định của Đảng, cấp ủy cấp trên và cấp ủy cơ sở. Không vi phạm 82 biểu hiện suy thoái về tư tưởng chính trị, đạo đức, lối sống, những biểu hiện “tự diễn biến”, “tự chuyển hóa”; không tham gia tụ tập, khiếu kiện đông người, vượt cấp làm ảnh hưởng đến an ninh chính trị của địa phương.",
    "Thông tin kịp thời các chủ trương của Đảng, chính sách pháp luật của Nhà nước, các nhiệm vụ chính trị trọng tâm của tỉnh, huyện và các quy định của địa phương đến các hộ gia đình được phân công phụ trách.",
    "Tích cực tham gia và vận động các hộ gia đình chấp hành tốt các chủ trương, đường lối của Đảng, chính sách pháp luật của Nhà nước; thường xuyên lắng nghe, theo dõi, nắm chắc tình hình hộ gia đình; gặp gỡ, tiếp xúc, trao đổi về tình hình đời sống; cung cấp thông tin thời sự, thông tin thị trường; phòng chống tai, tệ nạn xã hội, giữ gìn an ninh, trật tự; phát triển kinh tế hộ gia đình.",
    "Vận động các hộ gia đình được phân công phụ trách thực hiện tốt công tác giải phóng mặt bằng, các công trình, dự án, đặc biệt là dự án trọng điểm của tỉnh; thực hiện nếp sống văn hóa nơi công cộng, giữ gìn, bảo vệ môi trường ở khu dân cư góp phần xây dựng nông thôn mới nâng cao, nông thôn mới kiểu mẫu.",
    "Tổng hợp các ý kiến, kiến nghị, tâm tư, nguyện vọng của Nhân dân phản ánh với cấp ủy, chính quyền (qua chi bộ).",
];

/// The earliest year a commitment may be recorded for (the model began in 2024; older
/// years leave room for communes that ran similar commitments before).
pub const FIRST_YEAR: i32 = 2000;

/// The year of a request, checked: from [`FIRST_YEAR`] to next year (forms for the coming
/// year are printed in December).
pub fn check_year(raw: &str, today: Date) -> Result<i32, String> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(today.year());
    }
    let year: i32 = raw.parse().map_err(|_| {
        format!(
            "Năm “{raw}” không đọc được; hãy ghi bốn chữ số, vd. {}",
            today.year()
        )
    })?;
    if !(FIRST_YEAR..=today.year() + 1).contains(&year) {
        return Err(format!("Năm phải từ {FIRST_YEAR} đến {}", today.year() + 1));
    }
    Ok(year)
}

/// A date as people type it, dd/mm/yyyy (d/m/yyyy too), or the API's yyyy-mm-dd.
pub fn parse_date(raw: &str) -> Option<Date> {
    let raw = raw.trim();
    let (d, m, y) = if raw.contains('/') {
        let p: Vec<&str> = raw.split('/').collect();
        match p.as_slice() {
            [d, m, y] if y.len() == 4 => (*d, *m, *y),
            _ => return None,
        }
    } else {
        let p: Vec<&str> = raw.split('-').collect();
        match p.as_slice() {
            [y, m, d] if y.len() == 4 && m.len() == 2 && d.len() == 2 => (*d, *m, *y),
            _ => return None,
        }
    };
    let month = time::Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, month, d.parse().ok()?).ok()
}

/// The window a year's commitment may be signed in: from 1 October of the year before
/// (next year's forms are signed at the cell meetings of the last quarter) to the end of
/// the year, and never after today.
pub fn window(year: i32) -> Option<(Date, Date)> {
    Some((
        Date::from_calendar_date(year - 1, time::Month::October, 1).ok()?,
        Date::from_calendar_date(year, time::Month::December, 31).ok()?,
    ))
}

pub fn dmy(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// The state a record sets: signed on a date, or not signed (no date).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct State {
    pub signed: bool,
    pub signed_on: Option<Date>,
}

/// Checks a record's date against its year and today. Errors name the field ("Ngày ký").
pub fn check_state(signed: bool, raw_date: &str, year: i32, today: Date) -> Result<State, String> {
    let raw = raw_date.trim();
    if !signed {
        if !raw.is_empty() {
            return Err("Ngày ký: chỉ ghi khi đã ký; bản chưa ký thì để trống".into());
        }
        return Ok(State {
            signed: false,
            signed_on: None,
        });
    }
    if raw.is_empty() {
        return Err("Ngày ký: hãy ghi ngày ký dạng ngày/tháng/năm (vd. 15/01/2025)".into());
    }
    let d = parse_date(raw).ok_or_else(|| {
        format!("Ngày ký “{raw}” không đọc được; hãy ghi dạng ngày/tháng/năm (vd. 15/01/2025)")
    })?;
    if d > today {
        return Err(format!(
            "Ngày ký {} là ngày trong tương lai; hôm nay là {}",
            dmy(d),
            dmy(today)
        ));
    }
    let (from, to) = window(year).ok_or_else(|| "Năm không hợp lệ".to_owned())?;
    if d < from || d > to {
        return Err(format!(
            "Ngày ký {} không thuộc bản cam kết năm {year}: phải từ {} đến {}",
            dmy(d),
            dmy(from),
            dmy(to)
        ));
    }
    Ok(State {
        signed: true,
        signed_on: Some(d),
    })
}

/// How a record moves the signed counter of its (village, year, subject): +1 when it
/// becomes signed, −1 when a signed record becomes not signed.
pub fn counter_delta(before: Option<bool>, after: bool) -> i64 {
    i64::from(after) - i64::from(before.unwrap_or(false))
}

/// A record's id given by an API client: a UUIDv7 (time-ordered, made on the phone).
pub fn check_client_id(raw: Option<&str>) -> Result<String, String> {
    let Some(raw) = raw.map(str::trim).filter(|s| !s.is_empty()) else {
        return Ok(crate::clock::new_id());
    };
    let id = uuid::Uuid::parse_str(raw)
        .map_err(|_| format!("id “{raw}” không phải UUID; hãy tạo một UUIDv7 (hoặc bỏ trống)"))?;
    if id.get_version_num() != 7 {
        return Err(format!(
            "id phải là UUID phiên bản 7 (theo thời gian); “{raw}” là phiên bản {}",
            id.get_version_num()
        ));
    }
    Ok(id.hyphenated().to_string())
}

/// The longest line of a form.
pub const MAX_ITEM: usize = 1000;
/// The most lines a form has.
pub const MAX_ITEMS: usize = 30;

/// A line's text, cleaned, or why it cannot be one.
pub fn check_text(raw: &str) -> Result<String, String> {
    let t = crate::text::clean(raw);
    let t = t.trim_start_matches(['-', '–', '•', ' ']).trim().to_owned();
    if t.is_empty() {
        return Err("Nội dung điều cam kết: không được để trống".into());
    }
    if t.chars().count() > MAX_ITEM {
        return Err(format!(
            "Nội dung điều cam kết: tối đa {MAX_ITEM} ký tự (hiện có {})",
            t.chars().count()
        ));
    }
    Ok(t)
}

/// One line of a commune's form as it stands (`id` is `None` for a line not yet stored).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Line {
    pub id: Option<String>,
    pub text: String,
}

/// What the commune committee does to its lines; `at` is the line's place (0-based).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Edit {
    Add(String),
    Reword(usize, String),
    Up(usize),
    Down(usize),
    Retire(usize),
}

/// The lines after `edit`, and the id of the line it retired, if any.
pub fn apply(mut lines: Vec<Line>, edit: &Edit) -> Result<(Vec<Line>, Option<String>), String> {
    let missing = || "Không còn điều cam kết này; hãy tải lại trang".to_owned();
    let mut retired = None;
    match edit {
        Edit::Add(text) => {
            if lines.len() >= MAX_ITEMS {
                return Err(format!("Bản cam kết có tối đa {MAX_ITEMS} điều"));
            }
            lines.push(Line {
                id: None,
                text: check_text(text)?,
            });
        }
        Edit::Reword(at, text) => {
            let text = check_text(text)?;
            lines.get_mut(*at).ok_or_else(missing)?.text = text;
        }
        Edit::Up(at) => {
            if *at >= lines.len() {
                return Err(missing());
            }
            if *at > 0 {
                lines.swap(at - 1, *at);
            }
        }
        Edit::Down(at) => {
            if *at >= lines.len() {
                return Err(missing());
            }
            if at + 1 < lines.len() {
                lines.swap(*at, at + 1);
            }
        }
        Edit::Retire(at) => {
            if *at >= lines.len() {
                return Err(missing());
            }
            if lines.len() == 1 {
                return Err("Bản cam kết phải còn ít nhất một điều".into());
            }
            retired = lines.remove(*at).id;
        }
    }
    Ok((lines, retired))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u8, d: u8) -> Date {
        Date::from_calendar_date(y, time::Month::try_from(m).unwrap(), d).unwrap()
    }

    #[test]
    fn defaults_are_the_plans_sections() {
        assert_eq!(HOUSEHOLD_DEFAULTS.len(), 5);
        assert_eq!(MEMBER_DEFAULTS.len(), 6);
        assert!(HOUSEHOLD_DEFAULTS[0].starts_with("Chấp hành và thực hiện tốt"));
        assert!(HOUSEHOLD_DEFAULTS[4].starts_with("Thực hiện quyền làm chủ"));
        assert!(MEMBER_DEFAULTS[1].contains("Quy định số 37-QĐ/TW"));
        assert!(MEMBER_DEFAULTS[5].contains("(qua chi bộ)"));
        for t in HOUSEHOLD_DEFAULTS.iter().chain(MEMBER_DEFAULTS) {
            assert_eq!(check_text(t).as_deref(), Ok(*t), "defaults are clean text");
        }
    }

    #[test]
    fn dates_are_read_as_people_type_them() {
        assert_eq!(parse_date("05/03/2025"), Some(day(2025, 3, 5)));
        assert_eq!(parse_date("5/3/2025"), Some(day(2025, 3, 5)));
        assert_eq!(parse_date("2025-03-05"), Some(day(2025, 3, 5)));
        assert_eq!(parse_date("31/02/2025"), None);
        assert_eq!(parse_date("05/03/25"), None);
        assert_eq!(parse_date("hôm qua"), None);
    }

    #[test]
    fn a_signed_date_lies_in_its_window_and_not_ahead() {
        let today = day(2025, 6, 10);
        assert!(check_state(true, "15/01/2025", 2025, today).is_ok());
        assert!(check_state(true, "20/10/2024", 2025, today).is_ok());
        let e = check_state(true, "30/09/2024", 2025, today).unwrap_err();
        assert!(e.contains("01/10/2024") && e.contains("31/12/2025"), "{e}");
        let e = check_state(true, "11/06/2025", 2025, today).unwrap_err();
        assert!(e.contains("tương lai"), "{e}");
        assert!(check_state(true, "", 2025, today)
            .unwrap_err()
            .starts_with("Ngày ký"));
        assert!(check_state(true, "99/99/2025", 2025, today).is_err());
        assert!(check_state(false, "15/01/2025", 2025, today).is_err());
        assert_eq!(
            check_state(false, " ", 2025, today),
            Ok(State {
                signed: false,
                signed_on: None
            })
        );
    }

    #[test]
    fn years_run_to_next_year() {
        let today = day(2025, 12, 20);
        assert_eq!(check_year("", today), Ok(2025));
        assert_eq!(check_year("2026", today), Ok(2026));
        assert!(check_year("2027", today).is_err());
        assert!(check_year("1999", today).is_err());
        assert!(check_year("năm nay", today).is_err());
    }

    #[test]
    fn counters_move_with_the_state() {
        assert_eq!(counter_delta(None, true), 1);
        assert_eq!(counter_delta(None, false), 0);
        assert_eq!(counter_delta(Some(true), true), 0);
        assert_eq!(counter_delta(Some(true), false), -1);
        assert_eq!(counter_delta(Some(false), true), 1);
    }

    #[test]
    fn client_ids_are_uuid_v7() {
        let v7 = crate::clock::new_id();
        assert_eq!(check_client_id(Some(&v7)), Ok(v7));
        assert!(check_client_id(None).is_ok());
        let e = check_client_id(Some("a1a2a3a4-b1b2-41c2-8d1d-2d3d4d5d6d7d")).unwrap_err();
        assert!(e.contains("phiên bản 4"), "{e}");
        assert!(check_client_id(Some("không-phải-uuid")).is_err());
    }

    fn lines(texts: &[&str]) -> Vec<Line> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Line {
                id: Some(format!("i{i}")),
                text: (*t).into(),
            })
            .collect()
    }

    fn texts(l: &[Line]) -> Vec<&str> {
        l.iter().map(|l| l.text.as_str()).collect()
    }

    #[test]
    fn the_committee_adds_rewords_reorders_and_retires() {
        let (l, _) = apply(lines(&["A", "B", "C"]), &Edit::Add("- D  mới".into())).unwrap();
        assert_eq!(texts(&l), ["A", "B", "C", "D mới"]);
        assert_eq!(l[3].id, None);
        let (l, _) = apply(l, &Edit::Reword(1, "B2".into())).unwrap();
        assert_eq!(texts(&l), ["A", "B2", "C", "D mới"]);
        let (l, _) = apply(l, &Edit::Up(2)).unwrap();
        assert_eq!(texts(&l), ["A", "C", "B2", "D mới"]);
        let (l, _) = apply(l, &Edit::Down(0)).unwrap();
        assert_eq!(texts(&l), ["C", "A", "B2", "D mới"]);
        let (l, _) = apply(l, &Edit::Up(0)).unwrap();
        assert_eq!(texts(&l), ["C", "A", "B2", "D mới"]);
        let (l, retired) = apply(l, &Edit::Retire(1)).unwrap();
        assert_eq!(texts(&l), ["C", "B2", "D mới"]);
        assert_eq!(retired.as_deref(), Some("i0"));
        assert!(apply(l.clone(), &Edit::Reword(0, "  ".into())).is_err());
        assert!(apply(l.clone(), &Edit::Retire(9)).is_err());
        assert!(apply(lines(&["A"]), &Edit::Retire(0)).is_err());
    }
}
