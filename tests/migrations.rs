//! Both engines' migration folders list the same versions, and a second migrate is a no-op.

use crate::both;
use crate::common::{self, Backend};

#[test]
fn both_folders_list_the_same_versions() {
    let list = |dir: &str| {
        let mut v: Vec<String> = std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".sql"))
            .collect();
        v.sort();
        v
    };
    let sqlite = list(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/sqlite"));
    let postgres = list(concat!(env!("CARGO_MANIFEST_DIR"), "/migrations/postgres"));
    assert!(!sqlite.is_empty());
    assert_eq!(sqlite, postgres);
}

both!(migrate_twice_is_a_no_op, migrate_twice_is_a_no_op);
async fn migrate_twice_is_a_no_op(b: Backend) {
    let app = common::spawn_with(
        b,
        common::Options {
            demo: false,
            ..Default::default()
        },
    )
    .await;
    let out = app.cli(&["migrate"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    app.db.migrate().await.unwrap();
}
