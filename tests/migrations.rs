//! Both engines' migration folders list the same versions, and a second migrate is a no-op.

use crate::both;
use crate::common::{self, Backend, IntoText};

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

/// Tables that Citus would copy to every node: the unit tree, accounts and access,
/// settings, the audit log, per-user staging. Everything else that has a `commune_id`
/// column is field data, distributed by commune.
const REFERENCE_TABLES: &[&str] = &[
    "_sqlx_migrations",
    "units",
    "unit_lineage",
    "users",
    "grants",
    "sessions",
    "api_tokens",
    "login_failures",
    "audit_heads",
    "audit_log",
    "audit_anchors",
    "audit_queue",
    "idempotency_keys",
    "settings",
    "import_batches",
    // campaigns (issue 8): a campaign may target a whole province; its counters and
    // deliveries are field data.
    "campaigns",
    "campaign_files",
    // contacts (issue 8): a province's list of topics.
    "contact_topics",
    // petitions (issue 9): the holiday table, a province's categories and deadlines.
    "petition_holidays",
    "petition_categories",
    "petition_deadlines",
    // petitions: the counters rolled up above the village (a commune, a province, the
    // country), no personal data; a province's rows span its communes.
    "petition_totals",
    // reports (issue 10): one report per commune or province and period (a province's
    // has no commune), its steps, targets and format.
    "reports",
    "report_steps",
    "report_targets",
    "report_profiles",
    // evaluation (issue 10): a province's rubric; the evaluations are field data.
    "evaluation_rubrics",
];

/// The sharding rule, read from PostgreSQL's catalogue so that a table a later change adds
/// cannot drift from it: every field-data table has a primary key, and every unique
/// constraint and every foreign key between field-data tables includes `commune_id`;
/// reference tables never point at field data; every table is classified.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn field_data_is_keyed_by_commune_on_postgres() {
    if common::postgres_admin_url().is_none() {
        return;
    }
    let app = common::spawn_with(
        Backend::Postgres,
        common::Options {
            demo: false,
            ..Default::default()
        },
    )
    .await;
    let text = |rows: Vec<danvan::db::Row>| -> Vec<Vec<String>> {
        rows.iter()
            .map(|r| r.values().iter().map(|v| v.clone().into_text()).collect())
            .collect()
    };
    let tables = text(
        app.rows(
            "SELECT c.relname::text,
                    CASE WHEN EXISTS (SELECT 1 FROM pg_attribute a WHERE a.attrelid = c.oid
                                      AND a.attname = 'commune_id' AND NOT a.attisdropped)
                         THEN 'yes' ELSE 'no' END
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'p') AND NOT c.relispartition
             ORDER BY 1",
            &[],
        )
        .await,
    );
    let is_reference = |t: &str| REFERENCE_TABLES.contains(&t);
    let field: Vec<&str> = tables
        .iter()
        .filter(|r| r[1] == "yes" && !is_reference(&r[0]))
        .map(|r| r[0].as_str())
        .collect();
    let mut problems = Vec::new();
    for r in &tables {
        if r[1] == "no" && !is_reference(&r[0]) {
            problems.push(format!(
                "{}: neither field data (no commune_id) nor a listed reference table",
                r[0]
            ));
        }
    }
    for want in [
        "cells",
        "households",
        "members",
        "assignment_plans",
        "assignment_pairs",
    ] {
        assert!(field.contains(&want), "{want} should be field data");
    }

    // Primary keys and unique indexes (constraints are backed by indexes).
    let uniques = text(
        app.rows(
            "SELECT t.relname::text, i.relname::text, CASE WHEN x.indisprimary THEN 'pk' ELSE 'unique' END,
                    COALESCE((SELECT string_agg(a.attname::text, ',' ORDER BY k.ord)
                              FROM unnest(x.indkey) WITH ORDINALITY AS k(attnum, ord)
                              JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum), '')
             FROM pg_index x
             JOIN pg_class t ON t.oid = x.indrelid
             JOIN pg_class i ON i.oid = x.indexrelid
             JOIN pg_namespace n ON n.oid = t.relnamespace
             WHERE n.nspname = current_schema() AND x.indisunique",
            &[],
        )
        .await,
    );
    for f in &field {
        if !uniques.iter().any(|u| u[0] == *f && u[2] == "pk") {
            problems.push(format!("{f}: no primary key"));
        }
    }
    for u in uniques.iter().filter(|u| field.contains(&u[0].as_str())) {
        if !u[3].split(',').any(|c| c == "commune_id") {
            problems.push(format!(
                "{}: {} {} ({}) lacks commune_id",
                u[0], u[2], u[1], u[3]
            ));
        }
    }

    // Foreign keys: between field tables they carry commune_id on both sides, at the same
    // position; reference tables never point at field data.
    let fks = text(
        app.rows(
            "SELECT c.conname::text, s.relname::text, d.relname::text,
                    (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord)
                     FROM unnest(c.conkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.attnum),
                    (SELECT string_agg(a.attname::text, ',' ORDER BY k.ord)
                     FROM unnest(c.confkey) WITH ORDINALITY AS k(attnum, ord)
                     JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.attnum)
             FROM pg_constraint c
             JOIN pg_class s ON s.oid = c.conrelid
             JOIN pg_class d ON d.oid = c.confrelid
             JOIN pg_namespace n ON n.oid = s.relnamespace
             WHERE n.nspname = current_schema() AND c.contype = 'f'",
            &[],
        )
        .await,
    );
    let mut checked_between_field_tables = 0;
    for fk in &fks {
        let (name, from, to) = (&fk[0], fk[1].as_str(), fk[2].as_str());
        let (from_field, to_field) = (field.contains(&from), field.contains(&to));
        if to_field && !from_field {
            problems.push(format!(
                "{from} -> {to} ({name}): a reference table points at field data"
            ));
        }
        if from_field && to_field {
            checked_between_field_tables += 1;
            let (src, dst): (Vec<&str>, Vec<&str>) =
                (fk[3].split(',').collect(), fk[4].split(',').collect());
            let aligned = src
                .iter()
                .zip(&dst)
                .any(|(s, d)| *s == "commune_id" && *d == "commune_id");
            if !aligned {
                problems.push(format!(
                    "{from} ({}) -> {to} ({}) [{name}]: the foreign key does not carry commune_id on both sides",
                    fk[3], fk[4]
                ));
            }
        }
    }
    assert!(
        checked_between_field_tables >= 5,
        "expected the field tables' own foreign keys, found {checked_between_field_tables}"
    );
    assert!(
        problems.is_empty(),
        "sharding rule broken:\n{}",
        problems.join("\n")
    );
}
