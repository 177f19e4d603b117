//! Invoice import and reconciliation over HTTP: idempotent imports with their audit row, a
//! reconciliation of seeded ledger rows against an imported CSV (exact totals, each class), the
//! org's negotiated price taking effect, and tenant isolation.

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_store::ledger::{self, LedgerRow};
use uuid::Uuid;

use crate::helpers::*;

const HEADER: &str = "date,provider,model,token_type,quantity,amount_usd\n";

#[allow(clippy::too_many_arguments)]
fn row(org: Uuid, team: Uuid, key: Uuid, provider: Uuid, model: &str, day: u32, tokens: (i64, i64, i64), cost_nano: i64) -> LedgerRow {
    let at = Utc.with_ymd_and_hms(2025, 11, day, 12, 0, 0).unwrap();
    LedgerRow {
        team_id: team,
        key_id: key,
        input_tokens: tokens.0,
        cached_input_tokens: tokens.1,
        output_tokens: tokens.2,
        cost_nano,
        ..sluice_testkit::ledger_row(org, provider, model, at)
    }
}

struct Setup {
    app: TestApp,
    root: Session,
    org: Uuid,
    admin: Session,
    viewer: Session,
}

/// An org with two gpt-4o requests on 2025-11-03 and one gpt-4o-mini request on 2025-11-04,
/// priced with the seeded price book (gpt-4o: $2.50 / $1.25 cached / $10 per million).
async fn setup() -> Setup {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let org = app.create_org(&root, "Acme").await;
    let admin = app.org_member(&root, org, "admin@acme.test", "admin").await;
    let viewer = app.org_member(&root, org, "viewer@acme.test", "viewer").await;
    let team = app.create_team(org, "core").await;
    let key = app.create_key(org, team, "svc").await;
    let mut conn = app.db.acquire().await.unwrap();
    let openai: Uuid = sqlx::query_scalar("select id from providers where name = 'openai'").fetch_one(&mut *conn).await.unwrap();
    let rows = vec![
        row(org, team, key, openai, "gpt-4o", 3, (600_000, 0, 200_000), 3_500_000_000),
        row(org, team, key, openai, "gpt-4o", 3, (400_000, 100_000, 200_000), 2_875_000_000),
        row(org, team, key, openai, "gpt-4o-mini", 4, (1_000_000, 0, 0), 150_000_000),
    ];
    ledger::insert_batch(&mut conn, &rows).await.unwrap();
    Setup { app, root, org, admin, viewer }
}

fn import_body(content: &str) -> Value {
    json!({"provider": "openai", "format": "csv", "content": content})
}

/// The invoice: gpt-4o input and cached input as recorded, output billed at $11 instead of $10
/// per million, and spend on a model Sluice never called.
fn invoice() -> String {
    format!(
        "{HEADER}2025-11-03,openai,gpt-4o-2024-08-06,input,900000,2.25\n2025-11-03,openai,gpt-4o-2024-08-06,cached_input,100000,0.125\n\
         2025-11-03,openai,gpt-4o-2024-08-06,output,400000,4.40\n2025-11-03,openai,gpt-4.1,input,1000000,2.00\n"
    )
}

fn classes(report: &Value) -> Vec<(String, String, String, Option<String>)> {
    let mut out: Vec<_> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["class"].as_str().unwrap().to_owned(), f["model"].as_str().unwrap().to_owned(), f["token_type"].as_str().unwrap().to_owned(), f["amount_difference_usd"].as_str().map(str::to_owned)))
        .collect();
    out.sort();
    out
}

#[tokio::test]
async fn importing_the_same_document_twice_adds_nothing() {
    let s = setup().await;
    let path = format!("/api/v1/orgs/{}/billing/invoice-imports", s.org);
    let first = s.app.post_ok(&path, &s.admin, import_body(&invoice()), StatusCode::CREATED).await;
    assert_eq!((first["lines_total"].as_i64(), first["lines_new"].as_i64(), first["created"].as_bool()), (Some(4), Some(4), Some(true)));
    let again = s.app.post_ok(&path, &s.admin, import_body(&invoice()), StatusCode::OK).await;
    assert_eq!((again["id"].clone(), again["created"].as_bool()), (first["id"].clone(), Some(false)));
    // An overlapping document: only its one new line is added.
    let overlapping = invoice() + "2025-11-04,openai,gpt-4o-mini,input,1000000,0.15\n";
    let third = s.app.post_ok(&path, &s.admin, import_body(&overlapping), StatusCode::CREATED).await;
    assert_eq!((third["lines_total"].as_i64(), third["lines_new"].as_i64()), (Some(5), Some(1)));
    let audits: Vec<_> = s.app.audit_entries(s.org).await.into_iter().filter(|(action, _, _)| action == "invoice_import.create").collect();
    assert_eq!(audits.len(), 2, "one audit row per document that added a batch");
    assert_eq!(audits[1].2, json!({"provider": "openai", "format": "csv", "lines_total": 5, "lines_new": 1, "via": "api"}));
    let mut conn = s.app.db.acquire().await.unwrap();
    let stored: i64 = sqlx::query_scalar("select count(*) from invoice_lines").fetch_one(&mut *conn).await.unwrap();
    assert_eq!(stored, 5);
}

#[tokio::test]
async fn bad_documents_are_refused_by_field() {
    let s = setup().await;
    let path = format!("/api/v1/orgs/{}/billing/invoice-imports", s.org);
    let bad = s.app.post(&path, &s.admin, import_body(&format!("{HEADER}2025-11-03,openai,gpt-4o,input,abc,1\n"))).await;
    let body = expect_status(bad, StatusCode::BAD_REQUEST).await;
    assert_eq!(error_fields(&body), ["content"]);
    assert!(body["error"]["message"].as_str().unwrap().contains("line 2"));
    let unknown = s.app.post(&path, &s.admin, json!({"provider": "nope", "format": "csv", "content": invoice().replace("openai", "nope")})).await;
    assert_eq!(error_fields(&expect_status(unknown, StatusCode::BAD_REQUEST).await), ["provider"]);
    let format = s.app.post(&path, &s.admin, json!({"provider": "openai", "format": "pdf", "content": ""})).await;
    assert_eq!(format.status(), StatusCode::BAD_REQUEST);
    let viewer = s.app.post(&path, &s.viewer, import_body(&invoice())).await;
    assert_eq!(viewer.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn reconciliation_reports_each_class_with_exact_totals() {
    let s = setup().await;
    s.app.post_ok(&format!("/api/v1/orgs/{}/billing/invoice-imports", s.org), &s.admin, import_body(&invoice()), StatusCode::CREATED).await;
    let url = format!("/api/v1/orgs/{}/billing/reconciliation?from=2025-11-01&to=2025-11-30", s.org);
    let report = s.app.get_ok(&url, &s.viewer).await;
    assert_eq!(
        classes(&report),
        [
            ("matched".into(), "gpt-4o".into(), "cached_input".into(), Some("0.00".into())),
            ("matched".into(), "gpt-4o".into(), "input".into(), Some("0.00".into())),
            ("missing_in_invoice".into(), "gpt-4o-mini".into(), "input".into(), Some("-0.15".into())),
            ("missing_in_ledger".into(), "gpt-4.1".into(), "input".into(), Some("2.00".into())),
            ("price_mismatch".into(), "gpt-4o".into(), "output".into(), Some("0.40".into())),
        ]
    );
    let totals = &report["totals"];
    assert_eq!(totals["ledger_amount_usd"], "6.525");
    assert_eq!(totals["ledger_charged_usd"], "6.525");
    assert_eq!(totals["invoice_amount_usd"], "8.775");
    assert_eq!(totals["amount_difference_usd"], "2.25");
    assert_eq!(report["providers"], json!(["openai"]));
    let order: Vec<bool> = report["findings"].as_array().unwrap().iter().map(|f| f["class"] == "matched").collect();
    assert_eq!(order, [false, false, false, true, true], "mismatches come first");

    // A period without the 3rd sees only the gpt-4o-mini request.
    let later = s.app.get_ok(&format!("/api/v1/orgs/{}/billing/reconciliation?from=2025-11-04&to=2025-11-04&provider=openai", s.org), &s.viewer).await;
    assert_eq!(classes(&later), [("missing_in_invoice".into(), "gpt-4o-mini".into(), "input".into(), Some("-0.15".into()))]);
    let backwards = s.app.get(&format!("/api/v1/orgs/{}/billing/reconciliation?from=2025-11-04&to=2025-11-01", s.org), &s.viewer).await;
    assert_eq!(error_fields(&expect_status(backwards, StatusCode::BAD_REQUEST).await), ["to"]);
}

#[tokio::test]
async fn the_orgs_negotiated_price_is_what_the_invoice_is_checked_against() {
    let s = setup().await;
    s.app.post_ok(&format!("/api/v1/orgs/{}/billing/invoice-imports", s.org), &s.admin, import_body(&invoice()), StatusCode::CREATED).await;
    let mut conn = s.app.db.acquire().await.unwrap();
    let gpt4o: Uuid = sqlx::query_scalar("select id from models where name = 'gpt-4o'").fetch_one(&mut *conn).await.unwrap();
    let price = |org_id| sluice_store::org_prices::NewOrgPrice {
        id: Uuid::now_v7(),
        org_id,
        model_id: gpt4o,
        effective_from: Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap(),
        input_nano_per_mtok: 2_500_000_000,
        output_nano_per_mtok: 11_000_000_000,
        cached_input_nano_per_mtok: Some(1_250_000_000),
        cache_write_nano_per_mtok: None,
    };
    sluice_store::org_prices::insert(&mut conn, &price(s.org)).await.unwrap();
    let report = s.app.get_ok(&format!("/api/v1/orgs/{}/billing/reconciliation?from=2025-11-03&to=2025-11-03", s.org), &s.admin).await;
    let output = report["findings"].as_array().unwrap().iter().find(|f| f["token_type"] == "output").unwrap();
    assert_eq!((output["class"].as_str(), output["ledger_amount_usd"].as_str()), (Some("matched"), Some("4.40")));
    assert_eq!(report["totals"]["ledger_charged_usd"], "6.375", "budgets were charged the list price");
}

#[tokio::test]
async fn another_orgs_invoices_and_ledger_stay_out_of_sight() {
    let s = setup().await;
    let other = s.app.create_org(&s.root, "Globex").await;
    let outsider = s.app.org_member(&s.root, other, "admin@globex.test", "admin").await;
    s.app.post_ok(&format!("/api/v1/orgs/{other}/billing/invoice-imports"), &outsider, import_body(&invoice()), StatusCode::CREATED).await;
    let theirs = s.app.get(&format!("/api/v1/orgs/{}/billing/reconciliation?from=2025-11-01&to=2025-11-30", s.org), &outsider).await;
    assert_eq!(theirs.status(), StatusCode::NOT_FOUND);
    let import = s.app.post(&format!("/api/v1/orgs/{}/billing/invoice-imports", s.org), &outsider, import_body(&invoice())).await;
    assert_eq!(import.status(), StatusCode::NOT_FOUND);
    // Our org imported nothing: no provider is under reconciliation, so the report is empty.
    let ours = s.app.get_ok(&format!("/api/v1/orgs/{}/billing/reconciliation?from=2025-11-01&to=2025-11-30", s.org), &s.viewer).await;
    assert_eq!(ours["findings"], json!([]));
    // Their report has their invoice but none of our ledger rows.
    let report = s.app.get_ok(&format!("/api/v1/orgs/{other}/billing/reconciliation?from=2025-11-01&to=2025-11-30"), &outsider).await;
    assert!(classes(&report).iter().all(|(class, _, _, _)| class == "missing_in_ledger"), "{report}");
}
