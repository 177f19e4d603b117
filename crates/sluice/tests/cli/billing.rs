//! `sluice billing import | reconcile | prices refresh | report` as an operator runs them, against
//! a fresh database: idempotent imports, the reconciliation in JSON and as a table, a price
//! refresh that adds a version only where the file differs, and the usage and egress reports in
//! each format.

use chrono::{TimeZone, Utc};
use serde_json::Value;
use sluice_store::{Db, Page, models, orgs};
use uuid::Uuid;

use crate::harness::*;

const INVOICE: &str = "date,provider,model,token_type,quantity,amount_usd\n\
2025-11-03,openai,gpt-4o-2024-08-06,input,1000000,2.50\n\
2025-11-03,openai,gpt-4o-2024-08-06,output,100000,1.00\n";

fn run(url: &str, args: &[&str]) -> (bool, String, String) {
    let out = sluice(args).env("DATABASE_URL", url).output().unwrap();
    (out.status.success(), String::from_utf8_lossy(&out.stdout).into_owned(), String::from_utf8_lossy(&out.stderr).into_owned())
}

async fn migrated_with_org() -> (String, Db) {
    let (url, db, _) = migrated_with_org_id().await;
    (url, db)
}

async fn migrated_with_org_id() -> (String, Db, Uuid) {
    let url = fresh_database().await;
    let (ok, _, stderr) = run(&url, &["migrate"]);
    assert!(ok, "{stderr}");
    let db = Db::connect(&url, 2).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let org = orgs::NewOrg { id: Uuid::now_v7(), name: "Acme", slug: "acme", time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false };
    orgs::insert(&mut conn, &org).await.unwrap();
    (url, db, org.id)
}

#[tokio::test]
async fn import_is_idempotent_and_reconcile_reports_in_json_and_as_a_table() {
    let (url, _db) = migrated_with_org().await;
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("invoice.csv");
    std::fs::write(&file, INVOICE).unwrap();
    let import = ["billing", "import", "--org", "acme", "--provider", "openai", "--format", "csv", file.to_str().unwrap()];
    let (ok, stdout, stderr) = run(&url, &import);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("imported 2 lines (2 new)"), "{stdout}");
    let (ok, stdout, _) = run(&url, &import);
    assert!(ok && stdout.contains("already imported"), "{stdout}");

    let (ok, _, stderr) = run(&url, &["billing", "import", "--org", "nobody", "--provider", "openai", "--format", "csv", file.to_str().unwrap()]);
    assert!(!ok && stderr.contains("--org"), "{stderr}");
    let (ok, _, stderr) = run(&url, &["billing", "import", "--org", "acme", "--provider", "openai", "--format", "xlsx", file.to_str().unwrap()]);
    assert!(!ok && stderr.contains("--format"), "{stderr}");

    // The ledger is empty: everything billed is spend that did not go through Sluice.
    let reconcile = ["billing", "reconcile", "--org", "acme", "--from", "2025-11-01", "--to", "2025-11-30", "--format", "json"];
    let (ok, stdout, stderr) = run(&url, &reconcile);
    assert!(ok, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!(report["totals"]["invoice_amount_usd"], "3.50");
    assert_eq!(report["totals"]["amount_difference_usd"], "3.50");
    let classes: Vec<&str> = report["findings"].as_array().unwrap().iter().map(|f| f["class"].as_str().unwrap()).collect();
    assert_eq!(classes, ["missing_in_ledger", "missing_in_ledger"]);

    let (ok, stdout, stderr) = run(&url, &[&reconcile[..8], &["--format", "table"]].concat());
    assert!(ok, "{stderr}");
    assert!(stdout.contains("missing_in_ledger") && stdout.contains("gpt-4o") && stdout.contains("difference 3.50"), "{stdout}");
    let (ok, _, stderr) = run(&url, &["billing", "reconcile", "--org", "acme", "--from", "2025-11-30", "--to", "2025-11-01"]);
    assert!(!ok && stderr.contains("to:"), "{stderr}");
}

#[tokio::test]
async fn prices_refresh_adds_versions_only_for_changed_prices() {
    let (url, db) = migrated_with_org().await;
    // gpt-4o as seeded; claude-haiku-4-5 cheaper than seeded.
    let file = r#"{
        "gpt-4o": {"input_cost_per_token": 2.5e-06, "output_cost_per_token": 1e-05, "cache_read_input_token_cost": 1.25e-06, "litellm_provider": "openai", "mode": "chat"},
        "claude-haiku-4-5": {"input_cost_per_token": 8e-07, "output_cost_per_token": 4e-06, "cache_read_input_token_cost": 8e-08,
                             "cache_creation_input_token_cost": 1e-06, "litellm_provider": "anthropic", "mode": "chat"}
    }"#;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prices.json");
    std::fs::write(&path, file).unwrap();
    // Price versions of the two models in the file.
    let versions = || async {
        let mut conn = db.acquire().await.unwrap();
        let mut n = 0;
        for name in ["gpt-4o", "claude-haiku-4-5"] {
            let filter = models::Filter { name_contains: Some(name), ..Default::default() };
            let found = models::list(&mut conn, &filter, Page { after: None, limit: 50 }).await.unwrap();
            let model = found.iter().find(|m| m.name == name).unwrap();
            n += models::list_prices(&mut conn, model.id).await.unwrap().len();
        }
        n
    };
    let before = versions().await;
    let (ok, stdout, stderr) = run(&url, &["billing", "prices", "refresh", path.to_str().unwrap(), "--dry-run"]);
    assert!(ok, "{stderr}");
    assert!(stdout.contains("claude-haiku-4-5: 1.00 / 5.00 -> 0.80 / 4.00") && stdout.contains("would change 1 of"), "{stdout}");
    assert_eq!(versions().await, before, "a dry run changes nothing");
    let (ok, stdout, stderr) = run(&url, &["billing", "prices", "refresh", path.to_str().unwrap()]);
    assert!(ok && stdout.contains("changed 1 of"), "{stdout}{stderr}");
    assert_eq!(versions().await, before + 1);
    let (ok, stdout, _) = run(&url, &["billing", "prices", "refresh", path.to_str().unwrap()]);
    assert!(ok && stdout.contains("changed 0 of"), "a second refresh finds nothing to change: {stdout}");
}

#[tokio::test]
async fn forecast_and_drift_commands_report_every_budget() {
    let (url, db) = migrated_with_org().await;
    let mut conn = db.acquire().await.unwrap();
    let org = orgs::get_by_slug(&mut conn, "acme").await.unwrap().unwrap().id;
    let budget = sluice_store::budgets::NewBudget {
        id: Uuid::now_v7(),
        org_id: org,
        team_id: None,
        key_id: None,
        amount_nano: 50_000_000_000,
        period: "total",
        hard: true,
        alert_thresholds: &[],
        on_exhaustion: "block",
    };
    sluice_store::budgets::insert(&mut conn, &budget).await.unwrap();
    // 48 USD over the last 24 hours: 2 USD an hour, one hour left.
    let row = sluice_store::ledger::LedgerRow {
        cost_nano: 48_000_000_000,
        ..sluice_testkit::ledger_row(org, Uuid::now_v7(), "gpt-4o", chrono::Utc::now() - chrono::TimeDelta::hours(2))
    };
    sluice_store::ledger::insert_batch(&mut conn, &[row]).await.unwrap();

    let (ok, stdout, stderr) = run(&url, &["billing", "forecast", "--org", "acme", "--format", "json"]);
    assert!(ok, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    let item = &report["items"][0];
    assert_eq!((item["budget_id"].as_str(), item["spent_usd"].as_str(), item["velocity_usd_per_hour"].as_str()), (Some(budget.id.to_string().as_str()), Some("48.00"), Some("2.00")));
    assert_eq!(item["exhausts_before_period_end"], true);
    let (ok, stdout, stderr) = run(&url, &["billing", "forecast", "--org", "acme"]);
    assert!(ok && stdout.contains(&budget.id.to_string()) && stdout.contains("48.00") && stdout.contains("yes"), "{stdout}{stderr}");

    // Without REDIS_URL there is no shared counter to compare.
    let (ok, _, stderr) = run(&url, &["billing", "drift", "--org", "acme"]);
    assert!(!ok && stderr.contains("no redis_url"), "{stderr}");
    let redis = sluice_testkit::PrivateRedis::start();
    let out = sluice(&["billing", "drift", "--org", "acme", "--format", "json"]).env("DATABASE_URL", &url).env("REDIS_URL", redis.url()).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let drift: Value = serde_json::from_slice(&out.stdout).unwrap();
    // Redis has no counter yet: it lags the ledger by everything.
    assert_eq!((drift[0]["counter_usd"].as_str(), drift[0]["ledger_usd"].as_str(), drift[0]["difference_usd"].as_str()), (Some("0.00"), Some("48.00"), Some("-48.00")));
    assert_eq!(drift[0]["exceeds_tolerance"], true);
}

#[tokio::test]
async fn reports_print_usage_and_egress_as_table_json_and_csv() {
    let (url, db, org) = migrated_with_org_id().await;
    let mut conn = db.acquire().await.unwrap();
    let openai: Uuid = provider_id(&mut conn, "openai").await;
    let at = Utc.with_ymd_and_hms(2025, 11, 3, 12, 0, 0).unwrap();
    let terms = serde_json::json!({"provider": "openai", "trust_tier": "external", "region": "us", "retention_days": 30, "trains_on_data": false, "zero_data_retention": false});
    let rows: Vec<_> = [(2_500_000_000, Some(10_000_000_000)), (500_000_000, None)]
        .into_iter()
        .map(|(cost, counterfactual)| sluice_store::ledger::LedgerRow {
            input_tokens: 1_000,
            output_tokens: 100,
            cost_nano: cost,
            counterfactual_cost_nano: counterfactual,
            data_terms: Some(terms.clone()),
            ..sluice_testkit::ledger_row(org, openai, "gpt-4o", at)
        })
        .collect();
    sluice_store::ledger::insert_batch(&mut conn, &rows).await.unwrap();

    let usage = ["billing", "report", "usage", "--org", "acme", "--from", "2025-11-01", "--to", "2025-11-30", "--group-by", "model"];
    let (ok, stdout, stderr) = run(&url, &[&usage[..], &["--format", "json"]].concat());
    assert!(ok, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((report["rows"][0]["key"].as_str(), report["rows"][0]["requests"].as_i64()), (Some("gpt-4o"), Some(2)));
    assert_eq!((report["totals"]["cost_usd"].as_str(), report["totals"]["counterfactual_cost_usd"].as_str(), report["totals"]["saved_usd"].as_str()), (Some("3.00"), Some("10.50"), Some("7.50")));
    let (ok, stdout, _) = run(&url, &[&usage[..], &["--format", "csv"]].concat());
    assert!(ok);
    assert_eq!(stdout.lines().nth(1), Some("gpt-4o,,2,0,2000,200,0,0,3.00,10.50,7.50"));
    assert_eq!(stdout.lines().last(), Some("total,,2,0,2000,200,0,0,3.00,10.50,7.50"));
    let (ok, stdout, _) = run(&url, &usage);
    assert!(ok && stdout.contains("usage by model 2025-11-01 .. 2025-11-30") && stdout.contains("gpt-4o") && stdout.contains("7.50"), "{stdout}");

    let egress = ["billing", "report", "egress", "--org", "acme", "--from", "2025-11-01", "--to", "2025-11-30"];
    let (ok, stdout, stderr) = run(&url, &[&egress[..], &["--format", "json"]].concat());
    assert!(ok, "{stderr}");
    let report: Value = serde_json::from_str(&stdout).unwrap();
    assert_eq!((report["rows"][0]["provider_name"].as_str(), report["rows"][0]["left_environment"].as_bool()), (Some("openai"), Some(true)));
    let (ok, stdout, _) = run(&url, &egress);
    assert!(ok && stdout.contains("openai") && stdout.contains("total: 2 requests, 2000 input tokens, 200 output tokens"), "{stdout}");

    // Bad flags get the API's field messages.
    let (ok, _, stderr) = run(&url, &["billing", "report", "usage", "--org", "acme", "--from", "2025-11-01", "--to", "2025-11-30", "--group-by", "week"]);
    assert!(!ok && stderr.contains("group_by: must be one of day"), "{stderr}");
    let (ok, _, stderr) = run(&url, &[&egress[..], &["--format", "pdf"]].concat());
    assert!(!ok && stderr.contains("--format"), "{stderr}");
}

async fn provider_id(conn: &mut sluice_store::Conn, name: &str) -> Uuid {
    let page = sluice_store::Page { after: None, limit: 50 };
    sluice_store::providers::list(conn, &Default::default(), page).await.unwrap().into_iter().find(|p| p.name == name).unwrap().id
}
