//! Vietnamese first, English second. Keys are English words; the table is the whole UI.

use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use std::convert::Infallible;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Lang {
    #[default]
    Vi,
    En,
}

pub const LANG_COOKIE: &str = "danvan_lang";

impl Lang {
    pub fn code(self) -> &'static str {
        match self {
            Lang::Vi => "vi",
            Lang::En => "en",
        }
    }

    pub fn t(self, key: &str) -> &'static str {
        match TABLE.iter().find(|(k, _, _)| *k == key) {
            Some((_, vi, en)) => match self {
                Lang::Vi => vi,
                Lang::En => en,
            },
            None => {
                debug_assert!(false, "missing translation key {key}");
                "?"
            }
        }
    }
}

impl<S: Send + Sync> FromRequestParts<S> for Lang {
    type Rejection = Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(
            match crate::auth::session::cookie_value(parts, LANG_COOKIE) {
                Some("en") => Lang::En,
                _ => Lang::Vi,
            },
        )
    }
}

/// (key, Vietnamese, English)
pub static TABLE: &[(&str, &str, &str)] = &[
    (
        "app_name",
        "Dân vận khéo 1+10",
        "Skilled mass mobilisation 1+10",
    ),
    ("home", "Trang chủ", "Home"),
    ("login", "Đăng nhập", "Sign in"),
    ("logout", "Đăng xuất", "Sign out"),
    ("username", "Tên đăng nhập", "Username"),
    ("password", "Mật khẩu", "Password"),
    ("units", "Đơn vị hành chính", "Administrative units"),
    ("households", "Hộ gia đình", "Households"),
    ("members", "Đảng viên", "Party members"),
    ("cells", "Chi bộ", "Party cells"),
    ("audit", "Nhật ký truy cập", "Audit log"),
    ("users", "Người dùng", "Users"),
    ("tokens", "Khóa truy cập API", "API access tokens"),
    ("search", "Tìm kiếm", "Search"),
    (
        "search_hint",
        "Gõ có dấu hoặc không dấu",
        "With or without diacritics",
    ),
    ("new", "Thêm mới", "Add new"),
    ("edit", "Sửa", "Edit"),
    ("save", "Lưu", "Save"),
    ("cancel", "Hủy", "Cancel"),
    ("deactivate", "Ngừng theo dõi", "Deactivate"),
    ("status", "Trạng thái", "Status"),
    ("code", "Mã", "Code"),
    ("name", "Họ và tên", "Full name"),
    ("head_name", "Chủ hộ", "Head of household"),
    ("address", "Địa chỉ", "Address"),
    ("xom", "Xóm", "Hamlet (xóm)"),
    ("ngo", "Ngõ", "Lane (ngõ)"),
    ("house_no", "Số nhà", "House number"),
    ("phone", "Điện thoại", "Phone"),
    ("size", "Số nhân khẩu", "Household size"),
    ("support", "Diện hỗ trợ", "Support categories"),
    ("village", "Thôn", "Village"),
    ("commune", "Xã", "Commune"),
    ("cell", "Chi bộ", "Party cell"),
    ("sex", "Giới tính", "Sex"),
    ("male", "Nam", "Male"),
    ("female", "Nữ", "Female"),
    ("birth_year", "Năm sinh", "Birth year"),
    ("latitude", "Vĩ độ", "Latitude"),
    ("longitude", "Kinh độ", "Longitude"),
    ("citizen_id", "Số CCCD", "Citizen ID"),
    (
        "own_household",
        "Hộ của đảng viên",
        "Member's own household",
    ),
    ("count", "Số lượng", "Count"),
    ("page", "Trang", "Page"),
    ("prev", "Trang trước", "Previous"),
    ("next", "Trang sau", "Next"),
    ("none_found", "Không có kết quả", "Nothing found"),
    ("your_roles", "Vai trò của bạn", "Your roles"),
    ("language", "English", "Tiếng Việt"),
    (
        "sensitive_reminder",
        "Không ghi tôn giáo, dân tộc, quan điểm chính trị hay thông tin nhạy cảm.",
        "Do not record religion, ethnicity, political views or other sensitive data.",
    ),
    ("all_villages", "Tất cả thôn", "All villages"),
    ("when", "Thời gian", "When"),
    ("who", "Người thực hiện", "Who"),
    ("action", "Thao tác", "Action"),
    ("record", "Bản ghi", "Record"),
    ("created", "Đã lưu", "Saved"),
    ("active", "Đang hoạt động", "Active"),
    ("error", "Có lỗi", "Error"),
    ("back", "Quay lại", "Back"),
    ("kind", "Cấp", "Level"),
    ("valid", "Hiệu lực", "Valid"),
    ("history", "Lịch sử", "History"),
    ("create_token", "Tạo khóa mới", "Create token"),
    ("revoke", "Thu hồi", "Revoke"),
    (
        "token_once",
        "Sao chép khóa này ngay: nó chỉ hiện một lần.",
        "Copy this token now: it is shown once.",
    ),
    ("grant", "Cấp quyền", "Grant"),
    ("disable", "Khóa tài khoản", "Disable"),
    ("role", "Vai trò", "Role"),
    ("unit", "Đơn vị", "Unit"),
    ("display_name", "Tên hiển thị", "Display name"),
    ("disabled", "Đã khóa", "Disabled"),
    ("summary", "Tổng quan", "Overview"),
    ("skip", "Chuyển đến nội dung", "Skip to content"),
];

#[cfg(test)]
mod tests {
    #[test]
    fn keys_are_unique_and_both_languages_filled() {
        let mut seen = std::collections::HashSet::new();
        for (k, vi, en) in super::TABLE {
            assert!(seen.insert(k), "duplicate key {k}");
            assert!(!vi.is_empty() && !en.is_empty(), "{k}");
        }
    }
}
