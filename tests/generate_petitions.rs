//! `danvan generate --petitions` carries a year of petitions along their real path
//! through the store: every generated commune gets its agencies and a handler, each
//! petition ends where its days ran out (many closed, some still with the cell, the
//! commune, an agency or the member), and `danvan counters verify` finds the petition
//! counters equal to a recount — on both engines.

use crate::both;
use crate::common::{self, Backend};

both!(
    generated_petitions_follow_the_path,
    generated_petitions_follow_the_path
);
async fn generated_petitions_follow_the_path(b: Backend) {
    let app = common::spawn(b).await;
    let out = app.cli(&[
        "generate",
        "--households",
        "900",
        "--communes",
        "2",
        "--petitions",
        "300",
    ]);
    let said = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        out.status.success(),
        "{said}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(said.contains("300 kiến nghị"), "{said}");
    let generated = |sql: &str| {
        format!("SELECT COUNT(*) FROM petitions WHERE commune_id <> 'c-12280' AND {sql}")
    };
    assert_eq!(app.count(&generated("1 = 1"), &[]).await, 300);
    // Where their days ran out: closed ones (confirmed by the household) and open ones
    // at several stages, so that inboxes and dashboards have something to show.
    let closed = app.count(&generated("status = 'closed'"), &[]).await;
    assert!((150..300).contains(&closed), "{closed} of 300 closed");
    for status in ["assigned", "delivered"] {
        assert!(
            app.count(&generated("status = ?"), &[status.into()]).await > 0,
            "no generated petition is {status}"
        );
    }
    // Each petition's step count matches its timeline, which starts with its receipt.
    assert_eq!(
        app.count(
            &generated(
                "steps <> (SELECT COUNT(*) FROM petition_steps s WHERE s.commune_id = petitions.commune_id AND s.petition_id = petitions.id)"
            ),
            &[]
        )
        .await,
        0
    );
    // Answers by an agency came from the commune's generated handler, linked to it.
    assert_eq!(
        app.count(
            "SELECT COUNT(DISTINCT commune_id) FROM agency_handlers WHERE commune_id <> 'c-12280'",
            &[]
        )
        .await,
        2
    );
    let verify = app.cli(&["counters", "verify"]);
    let said = String::from_utf8_lossy(&verify.stdout).into_owned();
    assert!(verify.status.success(), "{said}");
    assert!(
        said.contains("Các bộ đếm kiến nghị khớp với các kiến nghị đã ghi"),
        "{said}"
    );
}
