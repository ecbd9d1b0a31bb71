//! `danvan generate` with contacts (issue 8, item 6) writes its counters in bulk; `danvan
//! counters verify` recounts them from the contacts and finds them equal, still equal
//! after contacts logged live through the API on top, and names a counter row changed
//! behind its back — on both engines.

use crate::both;
use crate::common::{self, Backend, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::json;
use time::{Duration, OffsetDateTime, UtcOffset};

const MEMBER: &str = "dv.bangngang";

fn today() -> time::Date {
    OffsetDateTime::now_utc()
        .to_offset(UtcOffset::from_hms(7, 0, 0).unwrap())
        .date()
}

fn iso(d: time::Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Runs `danvan` and returns (succeeded, stdout and stderr).
fn run(app: &TestApp, args: &[&str]) -> (bool, String) {
    let out = app.cli(args);
    (
        out.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ),
    )
}

fn verify(app: &TestApp) -> (bool, String) {
    run(app, &["counters", "verify"])
}

/// Logs contacts through the API as the demo member, for the first `n` of their households
/// (`household` when given), `back` days before today each.
async fn log_contacts(app: &TestApp, households: &[String], back: &[i64]) {
    let c = app.login(MEMBER).await;
    for (i, days) in back.iter().enumerate() {
        let h = &households[i % households.len()];
        let mut body = json!({"channel": "visit", "topics": ["law", "household_concerns"], "contacted_on": iso(today() - Duration::days(*days))});
        if i % 2 == 0 {
            body["follow_up_on"] = json!(iso(today() + Duration::days(7)));
        }
        let res = c
            .json(
                Method::POST,
                &format!("/api/v1/households/{h}/contacts"),
                Some(body),
            )
            .await;
        assert_eq!(
            res.status(),
            StatusCode::CREATED,
            "{}",
            res.text().await.unwrap()
        );
    }
}

both!(
    generated_counters_equal_a_recount,
    generated_counters_equal_a_recount
);
async fn generated_counters_equal_a_recount(b: Backend) {
    let app = common::spawn(b).await;
    let (ok, out) = run(
        &app,
        &[
            "generate",
            "--households",
            "900",
            "--communes",
            "2",
            "--contacts-per-household-year",
            "5",
        ],
    );
    assert!(ok, "{out}");
    assert!(out.contains("lần tiếp xúc"), "{out}");
    let generated = app
        .count(
            "SELECT COUNT(*) FROM contacts WHERE recorded_by = 'system:generate'",
            &[],
        )
        .await;
    assert!(generated > 2_000, "{generated} contacts generated");
    assert!(
        app.count(
            "SELECT COUNT(*) FROM contacts WHERE follow_up_on IS NOT NULL",
            &[]
        )
        .await
            > 0
    );
    let (ok, out) = verify(&app);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!("khớp với {generated} lần tiếp xúc")),
        "{out}"
    );

    // The live path on top: the member's own households (no history yet), then generated
    // households with a year of history, some logged late (before their latest contact).
    let pilot: Vec<String> = app
        .rows(
            "SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             JOIN users u ON u.member_id = p.member_id WHERE a.status = 'approved' AND u.username = ? \
             ORDER BY p.household_id LIMIT 3",
            &[MEMBER.into()],
        )
        .await
        .iter()
        .map(|r| r.str("household_id").unwrap())
        .collect();
    log_contacts(&app, &pilot, &[0, 2, 0]).await;
    let member = app
        .one_str(
            "SELECT p.member_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             JOIN household_contact_state s ON s.household_id = p.household_id \
             WHERE a.status = 'approved' AND a.commune_id <> 'c-12280' ORDER BY p.member_id LIMIT 1",
            &[],
        )
        .await;
    let theirs: Vec<String> = app
        .rows(
            "SELECT p.household_id FROM assignment_pairs p JOIN assignment_plans a ON a.id = p.plan_id \
             WHERE a.status = 'approved' AND p.member_id = ? ORDER BY p.household_id LIMIT 4",
            &[member.clone().into()],
        )
        .await
        .iter()
        .map(|r| r.str("household_id").unwrap())
        .collect();
    // The demo account stands in for that generated member (whose own account would
    // first need its one-time password changed).
    app.exec(
        "UPDATE users SET member_id = ? WHERE username = ?",
        &[member.into(), MEMBER.into()],
    )
    .await;
    log_contacts(&app, &theirs, &[0, 60, 1, 85, 0, 30]).await;
    let (ok, out) = verify(&app);
    assert!(ok, "{out}");
    assert!(
        out.contains(&format!("khớp với {} lần tiếp xúc", generated + 9)),
        "{out}"
    );

    // A counter changed behind the store's back is found and named.
    let village = app
        .one_str(
            "SELECT village_id FROM contact_counts WHERE period LIKE 'Y%' ORDER BY village_id LIMIT 1",
            &[],
        )
        .await;
    app.exec(
        "UPDATE contact_counts SET contacts = contacts + 1 WHERE village_id = ? AND period LIKE 'Y%'",
        &[village.clone().into()],
    )
    .await;
    let (ok, out) = verify(&app);
    assert!(!ok, "{out}");
    assert!(out.contains("contact_counts"), "{out}");
    assert!(out.contains(&village), "{out}");
    assert!(out.contains("chỗ lệch"), "{out}");
}
