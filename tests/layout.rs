//! What every page shares: the header and the menu. (How they look on a phone is checked in
//! a real browser by `e2e/run.mjs`.)

use crate::both;
use crate::common::{self, Backend};
use reqwest::StatusCode;

/// The menu's links, in order, each with whether it is marked as the current page.
fn menu(html: &str) -> Vec<(String, bool)> {
    let start = html.find("<nav class=\"menu\"").expect("a menu");
    let nav = &html[start..start + html[start..].find("</nav>").expect("menu closed")];
    nav.split("<a href=\"")
        .skip(1)
        .map(|a| {
            let href = a[..a.find('"').unwrap()].to_owned();
            let tag = &a[..a.find('>').unwrap()];
            (href, tag.contains("aria-current=\"page\""))
        })
        .collect()
}

fn hrefs(html: &str) -> Vec<String> {
    menu(html).into_iter().map(|(h, _)| h).collect()
}

/// (user, the menu they get): each role sees the pages of its own work.
const MENUS: &[(&str, &[&str])] = &[
    (
        "dv.bangngang",
        &[
            "/",
            "/my-households",
            "/campaigns",
            "/petitions",
            "/account/password",
        ],
    ),
    (
        "bt.bangngang",
        &[
            "/",
            "/households",
            "/members",
            "/cells",
            "/imports",
            "/assignment",
            "/campaigns",
            "/coverage",
            "/commitments",
            "/events",
            "/indicators",
            "/evaluations",
            "/petitions",
            "/account/tokens",
            "/account/password",
        ],
    ),
    (
        "xa.luongbang",
        &[
            "/",
            "/households",
            "/members",
            "/cells",
            "/imports",
            "/assignment",
            "/campaigns",
            "/coverage",
            "/commitments",
            "/events",
            "/funding",
            "/indicators",
            "/reports",
            "/evaluations",
            "/petitions",
            "/petitions/dashboard",
            "/petitions/agencies",
            "/units",
            "/account/tokens",
            "/account/password",
        ],
    ),
    (
        "ubnd.luongbang",
        &["/", "/petitions", "/units", "/account/password"],
    ),
    (
        "bdv.hungyen",
        &[
            "/",
            "/campaigns",
            "/coverage",
            "/commitments/summary",
            "/funding/summary",
            "/indicators",
            "/reports",
            "/evaluations",
            "/petitions",
            "/petitions/dashboard",
            "/units",
            "/contacts/topics",
            "/petitions/settings",
            "/evaluations/rubric",
            "/account/password",
        ],
    ),
    (
        "mttq.luongbang",
        &[
            "/",
            "/campaigns",
            "/coverage",
            "/commitments/summary",
            "/indicators",
            "/evaluations",
            "/petitions",
            "/petitions/dashboard",
            "/units",
            "/account/password",
        ],
    ),
    (
        "kiemtra.hungyen",
        &[
            "/",
            "/units",
            "/audit",
            "/account/tokens",
            "/account/password",
        ],
    ),
    (
        "admin",
        &[
            "/",
            "/campaigns",
            "/petitions/dashboard",
            "/units",
            "/admin/users",
            "/account/tokens",
            "/contacts/topics",
            "/petitions/settings",
            "/evaluations/rubric",
            "/petitions/holidays",
            "/account/password",
        ],
    ),
];

both!(menu_belongs_to_the_role, menu_belongs_to_the_role);
async fn menu_belongs_to_the_role(b: Backend) {
    let app = common::spawn(b).await;
    for (user, expected) in MENUS {
        let c = app.login(user).await;
        let got = hrefs(&c.get_text("/").await);
        assert_eq!(&got, expected, "menu of {user}");
        // Whatever the menu offers, the user may open.
        for href in got {
            assert_eq!(c.get(&href).await.status(), StatusCode::OK, "{user} {href}");
        }
    }
}

both!(menu_marks_the_current_page, menu_marks_the_current_page);
async fn menu_marks_the_current_page(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let current = |html: &str| -> Vec<String> {
        menu(html)
            .into_iter()
            .filter(|(_, cur)| *cur)
            .map(|(h, _)| h)
            .collect()
    };
    assert_eq!(current(&c.get_text("/").await), ["/"]);
    assert_eq!(current(&c.get_text("/households").await), ["/households"]);
    // A page under a menu entry marks that entry.
    assert_eq!(
        current(&c.get_text("/households/new").await),
        ["/households"]
    );
    assert_eq!(
        current(&c.get_text("/account/tokens").await),
        ["/account/tokens"]
    );
    // The member's list is the member's own entry.
    let m = app.login("dv.bangngang").await;
    assert_eq!(
        current(&m.get_text("/my-households").await),
        ["/my-households"]
    );
}

both!(header_names_the_user, header_names_the_user);
async fn header_names_the_user(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.dongly").await;
    let home = c.get_text("/").await;
    let header = &home[home.find("<header").unwrap()..home.find("</header>").unwrap()];
    assert!(
        header.contains("<span class=\"who\">Bí thư chi bộ Đồng Lý</span>"),
        "{header}"
    );
}

both!(token_page_names_the_key, token_page_names_the_key);
async fn token_page_names_the_key(b: Backend) {
    let app = common::spawn(b).await;
    let c = app.login("bt.bangngang").await;
    let page = c.get_text("/account/tokens").await;
    assert!(page.contains("Chưa có khóa nào."), "empty state: {page}");
    assert!(page.contains(">Tên khóa</label>"), "{page}");
    assert!(
        !page.contains("Họ và tên"),
        "a key has a name, not a full name"
    );
    assert_eq!(
        c.post_form("/account/tokens", &[("name", "Bảng tính văn phòng")])
            .await
            .status(),
        StatusCode::OK
    );
    let page = c.get_text("/account/tokens").await;
    assert!(!page.contains("Chưa có khóa nào."), "{page}");
    assert!(
        page.contains("<th>Tên khóa</th>") && page.contains("Bảng tính văn phòng"),
        "{page}"
    );
}
