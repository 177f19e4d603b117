//! Usage, savings and egress reports over HTTP: ledger rows carrying the real router's reasons,
//! grouped every way the API offers, with exact money, labels, order, totals and CSV; each bad
//! parameter refused by name; and tenant isolation (another org's rows never appear, another
//! org's id answers 404).

use std::collections::BTreeMap;

use chrono::{TimeZone, Utc};
use reqwest::StatusCode;
use serde_json::{Value, json};
use sluice_domain::policy::{DataClass, PolicyDocument};
use sluice_domain::provider::TrustTier;
use sluice_router::policy::{Facts, RoutePolicy, decide};
use sluice_store::ledger::{self, LedgerRow};
use sluice_store::providers;
use uuid::Uuid;

use crate::helpers::*;

/// The reasons the router gives for a request, as the gateway stores them.
fn router_reasons(requested: &str, class: DataClass, score: f64, budget_used_percent: Option<u8>) -> Value {
    let document: PolicyDocument = serde_json::from_value(json!({
        "default_model": "gpt-4o",
        "matrix": {"public": {"simple": ["gpt-4o-mini"], "complex": ["gpt-4o"]}, "pii": {"simple": ["llama-local"], "complex": ["llama-local"]}},
        "degradation": {"threshold_percent": 80, "to_tier": "simple"}
    }))
    .unwrap();
    let policy = RoutePolicy::compile(document).unwrap();
    let catalog: BTreeMap<String, TrustTier> =
        [("gpt-4o".into(), TrustTier::External), ("gpt-4o-mini".into(), TrustTier::External), ("llama-local".into(), TrustTier::Local)].into();
    let facts = Facts { data_class: class, complexity_score: score, findings: &[], signals: &[], reasoning: false, budget_used_percent };
    serde_json::to_value(decide(&policy, &catalog, requested, facts).unwrap().reasons).unwrap()
}

fn terms(tier: &str, region: &str, retention_days: i32, zdr: bool) -> Value {
    json!({"provider": "x", "trust_tier": tier, "region": region, "retention_days": retention_days, "trains_on_data": false, "zero_data_retention": zdr})
}

struct Setup {
    app: TestApp,
    acme: Uuid,
    globex: Uuid,
    viewer: Session,
    outsider: Session,
    core: Uuid,
    search: Uuid,
    svc1: Uuid,
    openai: Uuid,
    local: Uuid,
}

/// Acme: six requests on 2025-11-03/04 from two teams, through OpenAI and a local model, one for
/// each route reason; Globex: one request of its own on the same day.
async fn setup() -> Setup {
    let app = spawn_app().await;
    let root = app.platform_admin().await;
    let acme = app.create_org(&root, "Acme").await;
    let globex = app.create_org(&root, "Globex").await;
    let viewer = app.org_member(&root, acme, "viewer@acme.test", "viewer").await;
    let outsider = app.org_member(&root, globex, "admin@globex.test", "admin").await;
    let (core, search) = (app.create_team(acme, "core").await, app.create_team(acme, "search").await);
    let (svc1, svc2) = (app.create_key(acme, core, "svc1").await, app.create_key(acme, search, "svc2").await);
    let globex_team = app.create_team(globex, "core").await;
    let globex_key = app.create_key(globex, globex_team, "gx").await;
    let mut conn = app.db.acquire().await.unwrap();
    let openai: Uuid = sqlx::query_scalar("select id from providers where name = 'openai'").fetch_one(&mut *conn).await.unwrap();
    let new = providers::NewProvider {
        id: Uuid::now_v7(),
        name: "local-llm",
        kind: "openai_compatible",
        base_url: "http://127.0.0.1:8000/v1",
        trust_tier: "local",
        region: Some("on-prem"),
        retention_days: Some(0),
        trains_on_data: false,
        zero_data_retention: true,
        credentials: None,
        enabled: true,
    };
    let local = providers::insert(&mut conn, &new).await.unwrap().id;

    let openai_terms = terms("external", "us", 30, false);
    let local_terms = terms("local", "on-prem", 0, true);
    #[allow(clippy::too_many_arguments)]
    let row = |org, team, key, (model, provider, terms): (&str, Uuid, &Value), day, class: &str, reasons: Value, tokens: (i64, i64), cost: (i64, Option<i64>)| LedgerRow {
        team_id: team,
        key_id: key,
        data_class: class.into(),
        decision_reasons: reasons,
        input_tokens: tokens.0,
        output_tokens: tokens.1,
        cost_nano: cost.0,
        counterfactual_cost_nano: cost.1,
        data_terms: Some(terms.clone()),
        ..sluice_testkit::ledger_row(org, provider, model, Utc.with_ymd_and_hms(2025, 11, day, 12, 0, 0).unwrap())
    };
    let (gpt4o, mini, llama) = (("gpt-4o", openai, &openai_terms), ("gpt-4o-mini", openai, &openai_terms), ("llama-local", local, &local_terms));
    const USD: i64 = 1_000_000_000;
    let mut rows = vec![
        // Named gpt-4o, allowed: explicit; it is the default model, so no counterfactual.
        row(acme, core, svc1, gpt4o, 3, "public", router_reasons("gpt-4o", DataClass::Public, 0.2, None), (1_000, 200), (3 * USD, None)),
        // auto, simple public task: complexity picked gpt-4o-mini.
        row(acme, core, svc1, mini, 3, "public", router_reasons("auto", DataClass::Public, 0.2, None), (2_000, 100), (15 * USD / 100, Some(5 * USD / 2))),
        // auto, personal data: sensitivity picked the local model.
        row(acme, search, svc2, llama, 3, "pii", router_reasons("auto", DataClass::Pii, 0.2, None), (500, 50), (0, Some(USD))),
        // Named gpt-4o with personal data: rerouted to the local model.
        row(acme, search, svc2, llama, 4, "pii", router_reasons("gpt-4o", DataClass::Pii, 0.2, None), (300, 30), (0, Some(USD / 2))),
        // auto, complex task, budget at 95 %: degraded to the simple tier.
        row(acme, core, svc1, mini, 4, "public", router_reasons("auto", DataClass::Public, 0.9, Some(95)), (100, 10), (USD / 100, Some(USD / 10))),
        // Refused before anything was sent: usage, but no egress.
        LedgerRow { status: "invalid_request".into(), ..row(acme, core, svc1, gpt4o, 4, "public", router_reasons("gpt-4o", DataClass::Public, 0.2, None), (40, 0), (0, None)) },
        row(globex, globex_team, globex_key, gpt4o, 3, "public", router_reasons("gpt-4o", DataClass::Public, 0.2, None), (9_000, 900), (999 * USD / 100, None)),
    ];
    rows[1].usage_estimated = true;
    rows[2].cached_input_tokens = 100;
    rows[2].cache_write_input_tokens = 50;
    ledger::insert_batch(&mut conn, &rows).await.unwrap();
    // A redelivery of the same batch changes nothing.
    assert_eq!(ledger::insert_batch(&mut conn, &rows).await.unwrap(), 0);
    Setup { app, acme, globex, viewer, outsider, core, search, svc1, openai, local }
}

fn usage_path(org: Uuid, query: &str) -> String {
    format!("/api/v1/orgs/{org}/reports/usage?from=2025-11-01&to=2025-11-30&{query}")
}

/// (key, requests, cost, counterfactual, saved) of each row.
fn brief(report: &Value) -> Vec<(String, i64, String, String, String)> {
    report["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            let s = |f: &str| r[f].as_str().unwrap().to_owned();
            (s("key"), r["requests"].as_i64().unwrap(), s("cost_usd"), s("counterfactual_cost_usd"), s("saved_usd"))
        })
        .collect()
}

fn row(key: impl ToString, requests: i64, cost: &str, counterfactual: &str, saved: &str) -> (String, i64, String, String, String) {
    (key.to_string(), requests, cost.into(), counterfactual.into(), saved.into())
}

#[tokio::test]
async fn usage_by_team_has_labels_totals_and_savings_in_exact_money() {
    let s = setup().await;
    let report = s.app.get_ok(&usage_path(s.acme, "group_by=team"), &s.viewer).await;
    assert_eq!((report["from"].as_str(), report["to"].as_str(), report["group_by"].as_str()), (Some("2025-11-01"), Some("2025-11-30"), Some("team")));
    assert_eq!(brief(&report), vec![row(s.core, 4, "3.16", "5.60", "2.44"), row(s.search, 2, "0.00", "1.50", "1.50")]);
    assert_eq!((report["rows"][0]["label"].as_str(), report["rows"][1]["label"].as_str()), (Some("core"), Some("search")));
    let core = &report["rows"][0];
    assert_eq!((core["input_tokens"].as_i64(), core["output_tokens"].as_i64(), core["estimated_requests"].as_i64()), (Some(3_140), Some(310), Some(1)));
    let search = &report["rows"][1];
    assert_eq!((search["cached_input_tokens"].as_i64(), search["cache_write_input_tokens"].as_i64()), (Some(100), Some(50)));
    assert_eq!(
        report["totals"],
        json!({"requests": 6, "estimated_requests": 1, "input_tokens": 3_940, "output_tokens": 390, "cached_input_tokens": 100,
               "cache_write_input_tokens": 50, "cost_usd": "3.16", "counterfactual_cost_usd": "7.10", "saved_usd": "3.94"})
    );
}

#[tokio::test]
async fn usage_by_every_dimension_and_filters() {
    let s = setup().await;
    let (app, viewer, acme) = (&s.app, &s.viewer, s.acme);
    let get = |query: &str| {
        let path = usage_path(acme, query);
        async move { app.get_ok(&path, viewer).await }
    };
    let by_day = get("group_by=day").await;
    assert_eq!(brief(&by_day), vec![row("2025-11-03", 3, "3.15", "6.50", "3.35"), row("2025-11-04", 3, "0.01", "0.60", "0.59")]);
    let by_reason = get("group_by=route_reason").await;
    assert_eq!(
        brief(&by_reason),
        vec![
            row("explicit", 2, "3.00", "3.00", "0.00"),
            row("complexity", 1, "0.15", "2.50", "2.35"),
            row("degraded", 1, "0.01", "0.10", "0.09"),
            // Equal costs in key order.
            row("rerouted", 1, "0.00", "0.50", "0.50"),
            row("sensitivity", 1, "0.00", "1.00", "1.00"),
        ]
    );
    let by_model = get("group_by=model").await;
    assert_eq!(brief(&by_model).iter().map(|r| (r.0.as_str(), r.1)).collect::<Vec<_>>(), [("gpt-4o", 2), ("gpt-4o-mini", 2), ("llama-local", 2)]);
    assert!(by_model["rows"].as_array().unwrap().iter().all(|r| r["label"].is_null()));
    let by_provider = get("group_by=provider").await;
    let providers: Vec<(String, String)> =
        by_provider["rows"].as_array().unwrap().iter().map(|r| (r["key"].as_str().unwrap().to_owned(), r["label"].as_str().unwrap().to_owned())).collect();
    assert_eq!(providers, [(s.openai.to_string(), "openai".to_owned()), (s.local.to_string(), "local-llm".to_owned())]);
    let by_key = get("group_by=key").await;
    assert_eq!((by_key["rows"][0]["key"].as_str(), by_key["rows"][0]["label"].as_str()), (Some(s.svc1.to_string().as_str()), Some("svc1")));
    let by_class = get("group_by=data_class").await;
    assert_eq!(brief(&by_class).iter().map(|r| (r.0.as_str(), r.1)).collect::<Vec<_>>(), [("public", 4), ("pii", 2)]);

    // Filters: one team, one model, one provider, one class — and their combination.
    let search_only = get(&format!("group_by=model&team_id={}", s.search)).await;
    assert_eq!(brief(&search_only), vec![row("llama-local", 2, "0.00", "1.50", "1.50")]);
    let mini = get("group_by=team&model=gpt-4o-mini").await;
    assert_eq!(brief(&mini), vec![row(s.core, 2, "0.16", "2.60", "2.44")]);
    let local = get(&format!("group_by=day&provider_id={}&data_class=pii", s.local)).await;
    assert_eq!(brief(&local), vec![row("2025-11-03", 1, "0.00", "1.00", "1.00"), row("2025-11-04", 1, "0.00", "0.50", "0.50")]);
    let key = get(&format!("group_by=team&key_id={}&data_class=pii", s.svc1)).await;
    assert_eq!(key["rows"], json!([]));
    assert_eq!(key["totals"]["cost_usd"], "0.00");
    // Days outside the period are not counted.
    let narrow = s.app.get_ok(&format!("/api/v1/orgs/{}/reports/usage?from=2025-11-04&to=2025-11-04&group_by=day", s.acme), &s.viewer).await;
    assert_eq!(brief(&narrow), vec![row("2025-11-04", 3, "0.01", "0.60", "0.59")]);
}

#[tokio::test]
async fn usage_as_csv_has_the_same_columns_and_a_total_line() {
    let s = setup().await;
    let res = s.app.get(&usage_path(s.acme, "group_by=team&format=csv"), &s.viewer).await;
    assert_eq!(res.status(), StatusCode::OK);
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    assert!(res.headers()["content-disposition"].to_str().unwrap().contains("usage-by-team-2025-11-01-2025-11-30.csv"));
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(
        lines,
        [
            "key,label,requests,estimated_requests,input_tokens,output_tokens,cached_input_tokens,cache_write_input_tokens,cost_usd,counterfactual_cost_usd,saved_usd",
            &format!("{},core,4,1,3140,310,0,0,3.16,5.60,2.44", s.core),
            &format!("{},search,2,0,800,80,100,50,0.00,1.50,1.50", s.search),
            "total,,6,1,3940,390,100,50,3.16,7.10,3.94",
        ]
    );
}

#[tokio::test]
async fn egress_lists_providers_terms_and_what_left_the_environment() {
    let s = setup().await;
    let report = s.app.get_ok(&format!("/api/v1/orgs/{}/reports/egress?from=2025-11-01&to=2025-11-30", s.acme), &s.viewer).await;
    assert_eq!(
        report["rows"],
        json!([
            {"provider_id": s.local, "provider_name": "local-llm", "trust_tier": "local", "region": "on-prem", "retention_days": 0,
             "trains_on_data": false, "zero_data_retention": true, "left_environment": false, "data_class": "pii",
             "requests": 2, "input_tokens": 800, "output_tokens": 80},
            {"provider_id": s.openai, "provider_name": "openai", "trust_tier": "external", "region": "us", "retention_days": 30,
             "trains_on_data": false, "zero_data_retention": false, "left_environment": true, "data_class": "public",
             "requests": 3, "input_tokens": 3_100, "output_tokens": 310},
        ])
    );
    assert_eq!(report["totals"], json!({"requests": 5, "input_tokens": 3_900, "output_tokens": 390}), "the refused request never left");
    let res = s.app.get(&format!("/api/v1/orgs/{}/reports/egress?from=2025-11-01&to=2025-11-30&format=csv", s.acme), &s.viewer).await;
    assert_eq!(res.headers()["content-type"], "text/csv; charset=utf-8");
    let body = res.text().await.unwrap();
    let lines: Vec<&str> = body.lines().collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0], "provider_id,provider_name,trust_tier,region,retention_days,trains_on_data,zero_data_retention,left_environment,data_class,requests,input_tokens,output_tokens");
    assert_eq!(lines[2], format!("{},openai,external,us,30,false,false,true,public,3,3100,310", s.openai));
    assert_eq!(lines[3], "total,,,,,,,,,5,3900,390");
}

#[tokio::test]
async fn bad_parameters_are_refused_by_name() {
    let s = setup().await;
    let fields = |query: &'static str| {
        let app = &s.app;
        let (org, viewer) = (s.acme, &s.viewer);
        async move {
            let res = app.get(&format!("/api/v1/orgs/{org}/reports/{query}"), viewer).await;
            let body = expect_status(res, StatusCode::BAD_REQUEST).await;
            assert_eq!(body["error"]["code"], "validation_failed", "{body}");
            error_fields(&body)
        }
    };
    assert_eq!(fields("usage?to=2025-11-30&group_by=day").await, ["from"]);
    assert_eq!(fields("usage?from=2025-11-31&to=2025-11-30&group_by=day").await, ["from"]);
    assert_eq!(fields("usage?from=2025-11-30&to=2025-11-01&group_by=day").await, ["to"]);
    assert_eq!(fields("usage?from=2025-01-01&to=2026-01-02&group_by=day").await, ["to"], "more than 366 days");
    assert_eq!(fields("usage?from=2025-11-01&to=2025-11-30&group_by=week").await, ["group_by"]);
    assert_eq!(fields("usage?from=2025-11-01&to=2025-11-30").await, ["group_by"]);
    assert_eq!(fields("usage?from=2025-11-01&to=2025-11-30&group_by=day&team_id=core").await, ["team_id"]);
    assert_eq!(fields("usage?from=2025-11-01&to=2025-11-30&group_by=day&data_class=top-secret").await, ["data_class"]);
    assert_eq!(fields("usage?from=2025-11-01&to=2025-11-30&group_by=day&format=xlsx").await, ["format"]);
    assert_eq!(fields("usage?from=yesterday&to=2025-11-30&group_by=month&key_id=1&provider_id=2").await, ["from", "group_by", "key_id", "provider_id"]);
    assert_eq!(fields("usage?from=2025-11-01&to=2025-11-30&group_by=day&colour=red").await, ["query"]);
    assert_eq!(fields("egress?from=2025-11-01").await, ["to"]);
    assert_eq!(fields("egress?from=2025-11-01&to=2025-11-30&format=pdf").await, ["format"]);
    // A full year (366 days inclusive of a leap year) is allowed.
    s.app.get_ok(&format!("/api/v1/orgs/{}/reports/usage?from=2024-01-01&to=2024-12-31&group_by=day", s.acme), &s.viewer).await;
}

#[tokio::test]
async fn reports_are_tenant_isolated() {
    let s = setup().await;
    // Another org's admin: 404 on Acme's reports, whatever the parameters.
    for path in [usage_path(s.acme, "group_by=team"), usage_path(s.acme, "group_by=nonsense"), format!("/api/v1/orgs/{}/reports/egress?from=2025-11-01&to=2025-11-30", s.acme)] {
        expect_status(s.app.get(&path, &s.outsider).await, StatusCode::NOT_FOUND).await;
    }
    // Globex's own reports hold only its request, even filtered by Acme's team or provider.
    let own = s.app.get_ok(&usage_path(s.globex, "group_by=model"), &s.outsider).await;
    assert_eq!(brief(&own), vec![row("gpt-4o", 1, "9.99", "9.99", "0.00")]);
    let filtered = s.app.get_ok(&usage_path(s.globex, &format!("group_by=team&team_id={}", s.core)), &s.outsider).await;
    assert_eq!(filtered["rows"], json!([]));
    let egress = s.app.get_ok(&format!("/api/v1/orgs/{}/reports/egress?from=2025-11-01&to=2025-11-30", s.globex), &s.outsider).await;
    assert_eq!(egress["rows"].as_array().unwrap().len(), 1);
    assert_eq!((egress["rows"][0]["provider_name"].as_str(), egress["totals"]["requests"].as_i64()), (Some("openai"), Some(1)));
    // And Acme's totals do not include Globex's request.
    let acme = s.app.get_ok(&usage_path(s.acme, "group_by=team"), &s.viewer).await;
    assert_eq!(acme["totals"]["requests"], 6);
}
