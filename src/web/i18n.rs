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
    ("search_hint", "vd. nguyen van an", "e.g. nguyen van an"),
    ("sort", "Sắp xếp", "Sort by"),
    ("kind_merged", "sáp nhập", "merged"),
    ("kind_split", "chia tách", "split"),
    ("kind_renamed", "đổi tên", "renamed"),
    ("main_part", "phần chính", "main part"),
    ("list", "danh sách", "list"),
    ("rollout", "Các xã đã triển khai mô hình", "Communes running the model"),
    ("import_all_or_nothing", "Tệp có dòng bị từ chối. Nhập là tất cả hoặc không: sửa các dòng lỗi rồi tải lên lại, hoặc đánh dấu ô dưới đây để chỉ nhập các dòng hợp lệ.", "Some rows were rejected. An import is all or nothing: fix those rows and upload again, or tick the box below to import only the valid rows."),
    ("import_skip_rejected", "Chỉ nhập các dòng hợp lệ, bỏ qua các dòng lỗi", "Import only the valid rows, leave out the rejected ones"),
    ("status_active", "Đang theo dõi", "Active"),
    ("status_moved", "Đã chuyển đi", "Moved away"),
    ("status_dissolved", "Không còn hộ", "Dissolved"),
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
    // assignment (issue 4)
    ("assignment", "Phân công 1+10", "1+10 assignment"),
    ("my_households", "Hộ tôi phụ trách", "My households"),
    ("alerts", "Cần xử lý", "Needs attention"),
    ("plan_in_force", "Danh sách đang áp dụng", "Plan in force"),
    ("open_plan", "Danh sách đang lập", "Plan in progress"),
    ("version", "Phiên bản", "Version"),
    ("capacity", "Số hộ tối đa mỗi đảng viên", "Most households per member"),
    ("run_solver", "Lập danh sách đề xuất", "Propose a plan"),
    ("submit_plan", "Gửi xã duyệt", "Submit for approval"),
    ("approve_plan", "Duyệt danh sách", "Approve"),
    ("return_plan", "Trả lại chi bộ", "Return to the cell"),
    ("return_reason", "Lý do trả lại", "Reason for returning"),
    ("move_household", "Chuyển hộ cho đảng viên khác", "Give a household to another member"),
    ("lock", "Khóa", "Lock"),
    ("unlock", "Bỏ khóa", "Unlock"),
    ("locked", "Đã khóa", "Locked"),
    ("reason", "Lý do", "Reason"),
    ("distance", "Khoảng cách", "Distance"),
    ("load", "Số hộ", "Households"),
    ("warnings", "Cảnh báo", "Warnings"),
    ("uncovered", "Hộ chưa có người phụ trách", "Households without a member"),
    ("members_needed", "Cần thêm đảng viên", "More members needed"),
    ("over_capacity", "Đảng viên vượt số hộ tối đa", "Members above the maximum"),
    ("no_coordinates", "Hộ chưa có tọa độ", "Households without coordinates"),
    ("inactive_members", "Đảng viên không còn sinh hoạt vẫn được giao hộ", "Inactive members still holding households"),
    ("diff", "So với danh sách đang áp dụng", "Compared with the plan in force"),
    ("added", "Hộ mới được giao", "Newly assigned"),
    ("moved_pairs", "Hộ đổi người phụ trách", "Changed member"),
    ("removed", "Hộ không còn trong danh sách", "No longer listed"),
    ("unchanged", "Giữ nguyên", "Unchanged"),
    ("map", "Bản đồ", "Map"),
    ("download_docx", "Tải danh sách (Word)", "Download list (Word)"),
    ("download_xlsx", "Tải danh sách (Excel)", "Download list (Excel)"),
    ("card", "Phiếu đảng viên", "Member card"),
    ("print", "In", "Print"),
    ("responsible_member", "Đảng viên phụ trách", "Responsible member"),
    ("total_distance", "Tổng quãng đường", "Total distance"),
    ("drafted", "Người lập, thời gian", "Drafted by, at"),
    ("no_plan", "Chưa có danh sách", "No plan yet"),
    ("none_alerts", "Không có gì cần xử lý.", "Nothing needs attention."),
    // imports and exports (issue 3)
    ("import", "Nhập danh sách từ Excel", "Import from Excel"),
    ("import_help", "Tải lên danh sách hộ gia đình hoặc đảng viên (.xlsx, .xls, .csv). Hệ thống đọc thử và cho xem trước; chỉ khi bấm xác nhận mới ghi vào sổ.", "Upload a list of households or Party members (.xlsx, .xls, .csv). It is read and previewed first; nothing is written until you confirm."),
    ("template_households", "Tải tệp mẫu danh sách hộ", "Download the households template"),
    ("template_members", "Tải tệp mẫu danh sách đảng viên", "Download the members template"),
    ("import_kind", "Loại danh sách", "List of"),
    ("import_unit", "Nhập cho", "Import into"),
    ("import_file", "Tệp danh sách", "File"),
    ("import_preview", "Đọc thử và xem trước", "Read and preview"),
    ("import_preview_note", "Xem trước: chưa ghi gì vào sổ. Kiểm tra rồi bấm xác nhận.", "Preview: nothing written yet. Check, then confirm."),
    ("import_done", "Đã nhập xong.", "Imported."),
    ("import_new", "Dòng mới", "New"),
    ("import_updated", "Dòng cập nhật", "Updated"),
    ("import_unchanged", "Dòng không đổi", "Unchanged"),
    ("import_rejected", "Dòng không nhập được", "Rejected rows"),
    ("import_converted", "Đã chuyển phông chữ cũ sang Unicode ở cột", "Converted from a legacy font in column"),
    ("import_apply", "Xác nhận nhập", "Confirm import"),
    ("import_rejected_xlsx", "Tải các dòng lỗi (Excel) để sửa và nhập lại", "Download the rejected rows (Excel) to fix and re-import"),
    ("import_row", "Dòng", "Row"),
    ("import_column", "Cột", "Column"),
    ("import_reason", "Lý do", "Reason"),
    ("import_another", "Nhập tệp khác", "Import another file"),
    ("export", "Xuất danh sách ra Excel", "Export to Excel"),
    // --- assignment pages ---
    ("drafted_by", "Người lập", "Drafted by"),
    ("approved_on", "Xã duyệt ngày", "Approved on"),
    ("approved_by", "người duyệt", "by"),
    ("returned_on", "Xã trả lại ngày", "Returned on"),
    ("approved_col", "Ngày duyệt, người duyệt", "Approved on, by"),
    ("diff_before", "Trước", "Before"),
    ("diff_after", "Sau", "After"),
    ("diff_more", "Còn nữa, xem đủ trong tệp tải về", "More, listed in full in the downloads"),
    ("plan_edit", "Sửa danh sách", "Edit the list"),
    ("plan_edit_hint", "Để chuyển hoặc khóa một hộ: mở tên đảng viên, rồi bấm \"Chuyển / khóa\" ở dòng của hộ. Hộ chưa có người phụ trách ở cuối trang.", "To move or lock a household: open the member, then \"Move / lock\" on the household's row. Households without a member are at the end of the page."),
    ("map_number", "Số trên bản đồ", "Number on the map"),
    ("map_legend", "Chú giải", "Legend"),
    ("map_caption", "Mỗi chấm là một hộ, mang số và màu của đảng viên phụ trách; ô vuông viền đen là nhà đảng viên; dấu ✕ đen là hộ chưa có người phụ trách. Bấm vào chấm hoặc dòng chú giải để xem danh sách hộ. Có thể phóng to bản đồ.", "Each dot is a household with its member's number and colour; black-edged squares are members' homes; black ✕ marks households without a member. Tap a dot or a legend entry to see the households. The map can be zoomed."),
    ("back_to_plan", "Về danh sách phân công", "Back to the plan"),
    ("no_households_yet", "Chưa được giao hộ nào trong danh sách này.", "No household in this list yet."),
    ("move_or_lock", "Chuyển / khóa", "Move / lock"),
    ("move_submit", "Chuyển hộ", "Move"),
    ("move_to", "Giao hộ cho đảng viên (số hộ đang phụ trách)", "Give the household to (households now)"),
    ("move_hint", "Hộ chuyển tay được khóa lại, để lần lập lại sau vẫn giữ quyết định của chi bộ.", "A household moved by hand is locked, so that re-planning keeps the cell's decision."),
    ("lock_hint", "Hộ đã khóa giữ nguyên người phụ trách khi lập lại đề xuất.", "A locked household keeps its member when the plan is drafted again."),
    ("moved_done", "Đã chuyển hộ", "Moved household"),
    ("moved_to_member", "sang đảng viên", "to"),
    ("locked_done", "Đã khóa hộ", "Locked household"),
    ("unlocked_done", "Đã bỏ khóa hộ", "Unlocked household"),
    // --- audit log ---
    ("audit_user", "Tên đăng nhập", "Username"),
    ("audit_all", "Tất cả", "All"),
    ("audit_global", "Toàn quốc (người dùng, danh mục)", "Nationwide (users, catalogue)"),
    ("audit_from", "Từ ngày", "From"),
    ("audit_to", "Đến ngày", "To"),
    ("audit_filter", "Lọc", "Filter"),
    ("audit_clear", "Bỏ lọc", "Clear filters"),
    ("audit_empty", "Không có dòng nhật ký nào khớp bộ lọc.", "No log entries match the filters."),
    ("audit_also_shown", "kèm", "with"),
    ("audit_cli", "Dòng lệnh máy chủ", "Server command line"),
    ("audit_system", "Hệ thống", "System"),
    ("audit_version", "phiên bản", "version"),
    (
        "audit_bad_date",
        "Ngày chưa đúng; hãy viết theo dạng ngày/tháng/năm, ví dụ 30/11/2026:",
        "Not a date; write it as day/month/year, e.g. 30/11/2026:",
    ),
    (
        "audit_bad_range",
        "“Từ ngày” phải trước hoặc trùng “Đến ngày”.",
        "“From” must not be after “To”.",
    ),
    ("audit_bad_page", "Số trang phải là số nguyên dương:", "The page must be a positive whole number:"),
    ("audit_bad_action", "Không có thao tác này:", "No such action:"),
    // --- phone layout, menu and access tokens ---
    ("menu", "Menu chính", "Main menu"),
    // The menu's short name of the import page, so a keeper's menu takes three rows on a phone.
    ("nav_import", "Nhập từ Excel", "Import"),
    ("token_name", "Tên khóa", "Key name"),
    (
        "token_name_hint",
        "vd. \"Máy tính văn phòng\": để nhận ra khóa khi cần thu hồi.",
        "e.g. \"Office computer\": to tell the key apart when you revoke it.",
    ),
    (
        "no_tokens",
        "Chưa có khóa nào. Khóa truy cập cho phép một chương trình khác (vd. bảng tính của văn phòng) đọc dữ liệu qua API thay cho bạn; tạo khóa ở dưới khi cần.",
        "No keys yet. An access key lets another program (e.g. the office spreadsheet) read data through the API on your behalf; create one below when you need it.",
    ),
    // --- security and robustness at the door ---
    ("query_param_invalid", "Tham số “{}” trên địa chỉ trang không hợp lệ. Hãy sửa lại địa chỉ, hoặc quay lại trang trước rồi chọn lại.", "The “{}” parameter in the page address is not valid. Correct the address, or go back and choose again."),
    ("query_invalid", "Địa chỉ trang có tham số không hợp lệ. Hãy sửa lại địa chỉ, hoặc quay lại trang trước rồi chọn lại.", "The page address has a parameter that is not valid. Correct the address, or go back and choose again."),
    ("form_field_invalid", "Ô “{}” của biểu mẫu không đúng dạng. Hãy sửa rồi gửi lại.", "The “{}” field of the form is not in the expected form. Correct it and send again."),
    ("form_invalid", "Không đọc được biểu mẫu gửi lên. Hãy tải lại trang rồi gửi lại.", "The form could not be read. Reload the page and send it again."),
    ("input_not_utf8", "Dữ liệu gửi lên có ký tự không hợp lệ (không phải Unicode), nên chưa được lưu. Hãy gõ lại bằng bộ gõ tiếng Việt Unicode rồi gửi lại.", "What was sent contains characters that are not valid Unicode, so nothing was saved. Type it again with a Unicode keyboard and send again."),
    ("form_expired", "Biểu mẫu đã hết hạn (trang được mở trước lần đăng nhập gần nhất), nên chưa được lưu. Những gì bạn đã nhập vẫn còn dưới đây: hãy kiểm tra rồi gửi lại.", "The form had expired (the page was opened before your latest sign-in), so nothing was saved. What you typed is still below: check it and send it again."),
    ("form_expired_page", "Biểu mẫu đã hết hạn (trang được mở trước lần đăng nhập gần nhất), nên chưa được lưu. Hãy quay lại trang trước, tải lại trang rồi làm lại.", "The form had expired (the page was opened before your latest sign-in), so nothing was saved. Go back, reload the page and do it again."),
    ("login_form_expired", "Trang đăng nhập đã hết hạn hoặc không được mở từ trang này. Hãy nhập lại mật khẩu rồi bấm Đăng nhập.", "The sign-in page had expired or was not opened from this site. Type your password again and sign in."),
    ("request_invalid", "Địa chỉ hoặc dữ liệu gửi lên không hợp lệ. Hãy quay lại trang trước rồi thử lại.", "The address or the data sent is not valid. Go back and try again."),
    // --- registry and imports ---
    ("all_statuses", "Tất cả", "All"),
    ("member_status_active", "Đang sinh hoạt", "Active"),
    ("member_status_exempt", "Miễn sinh hoạt", "Exempt"),
    ("member_status_moved", "Đã chuyển đi", "Moved away"),
    ("member_status_deceased", "Đã từ trần", "Deceased"),
    ("support_ho_ngheo", "Hộ nghèo", "Poor household"),
    ("support_can_ngheo", "Hộ cận nghèo", "Near-poor household"),
    ("support_chinh_sach", "Gia đình chính sách", "Family of merit (policy family)"),
    ("support_cao_tuoi_neo_don", "Người cao tuổi neo đơn", "Elderly person living alone"),
    ("support_khuyet_tat", "Có người khuyết tật", "Person with a disability"),
    ("household_status_confirm_title", "Xác nhận đổi trạng thái hộ", "Confirm the household's new status"),
    ("household_status_confirm_note", "Hộ sẽ không còn trong danh sách mặc định và trong các lần phân công sau; vẫn xem được khi lọc theo trạng thái.", "The household leaves the default list and future assignments; it can still be found by filtering on its status."),
    ("household_status_confirm_button", "Xác nhận đổi trạng thái", "Confirm the change"),
    ("households_status_filter", "Tình trạng", "Status"),
    ("household_add_anyway", "Vẫn thêm", "Add it anyway"),
    ("household_history_from", "Từ ngày", "From"),
    ("household_history_to", "Đến ngày", "Until"),
    ("household_history_now", "nay", "now"),
    ("member_household_none", "Chưa chọn hộ", "No household"),
    ("member_household_chosen", "Hộ đã chọn", "The chosen household"),
    ("member_household_search", "Tìm hộ theo mã hoặc tên chủ hộ", "Find a household by code or head's name"),
    ("member_household_find", "Tìm hộ", "Find"),
    ("member_household_hint", "Tìm trong thôn đã chọn ở trên (tối đa 20 hộ); những gì đã nhập được giữ lại.", "Searches the village chosen above (at most 20 households); what you typed is kept."),
    ("members_default_note", "Danh sách mặc định gồm người đang sinh hoạt và miễn sinh hoạt; trang chủ và chi bộ chỉ đếm người đang sinh hoạt", "The default list holds active and exempt members; the home page and the cells count active members only"),
    // --- import preview ---
    ("import_skipped_rows", "Bỏ qua dòng", "Skipped row"),
    ("import_skipped_footer", "dòng ký tên/ghi chú cuối bảng", "a signature or note line under the list"),
    ("import_ignored_columns", "Các cột không nhập", "Columns not imported"),
    ("import_ignored_why", "danvan không lưu tôn giáo, dân tộc hay quan điểm của ai", "danvan never stores anyone's religion, ethnicity or opinions"),
    ("import_mapped_read", "Đã hiểu", "Read"),
    ("import_mapped_as", "là", "as"),
    ("import_mapped_rows", "dòng", "rows"),
    ("import_added_will", "Các hộ sẽ thêm", "Households to be added"),
    ("import_added_done", "Các hộ đã thêm", "Households added"),
    ("import_added_more_pre", "và", "and"),
    ("import_added_more_post", "hộ nữa", "more households"),
    ("import_title_case", "Viết hoa chữ cái đầu mỗi tiếng (NGUYỄN VĂN A → Nguyễn Văn A)", "Capitalise each word (NGUYỄN VĂN A → Nguyễn Văn A)"),
    ("import_title_case_count", "tên viết toàn chữ hoa hoặc toàn chữ thường", "names typed all in capitals or all in lowercase"),
    ("import_title_case_done", "Đã viết hoa chữ cái đầu mỗi tiếng ở các tên viết toàn chữ hoa hoặc chữ thường", "Capitalised each word of names typed all in capitals or lowercase"),
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
