//! `ledger_daily` prices each request's parts like the gateway (rounded up per request) with the
//! price in force, the org's own price first; `invoices` inserts each natural key once per org.

use chrono::{TimeZone, Utc};
use sluice_store::ledger::{self, LedgerRow};
use sluice_store::{Db, invoices, ledger_daily, migrate, org_prices, orgs};
use uuid::Uuid;

async fn db() -> Db {
    let db = Db::connect(&sluice_testkit::fresh_database().await, 2).await.unwrap();
    migrate::run(&db).await.unwrap();
    db
}

async fn org(db: &Db, slug: &str) -> Uuid {
    let mut conn = db.acquire().await.unwrap();
    let new = orgs::NewOrg { id: Uuid::now_v7(), name: slug, slug, time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false };
    orgs::insert(&mut conn, &new).await.unwrap().id
}

fn request(org: Uuid, provider: Uuid, model: &str, hour: u32, tokens: (i64, i64, i64)) -> LedgerRow {
    let at = Utc.with_ymd_and_hms(2025, 11, 3, hour, 0, 0).unwrap();
    LedgerRow {
        input_tokens: tokens.0,
        cached_input_tokens: tokens.1,
        output_tokens: tokens.2,
        cost_nano: 1,
        ..sluice_testkit::ledger_row(org, provider, model, at)
    }
}

#[tokio::test]
async fn daily_groups_round_each_request_up_and_prefer_the_orgs_price() {
    let db = db().await;
    let (acme, other) = (org(&db, "acme").await, org(&db, "globex").await);
    let mut conn = db.acquire().await.unwrap();
    let openai = invoices_provider(&mut conn, "openai").await;
    // gpt-4o at the seeded $2.50 / $1.25 cached / $10 per million tokens.
    let rows = vec![
        request(acme, openai, "gpt-4o", 1, (1, 0, 0)),
        request(acme, openai, "gpt-4o", 2, (1, 0, 0)),
        request(acme, openai, "gpt-4o", 3, (1_001, 400, 10)),
        request(acme, openai, "gpt-4o", 4, (1, 0, 0)),
        request(other, openai, "gpt-4o", 4, (5, 0, 0)),
        // No model of this name in the catalogue: its parts have no price.
        request(acme, openai, "gpt-retired", 5, (100, 0, 0)),
    ];
    ledger::insert_batch(&mut conn, &rows).await.unwrap();
    let from = Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap();
    let until = Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap();
    let groups = ledger_daily::daily_groups(&mut conn, acme, from, until, None).await.unwrap();
    assert_eq!(groups.len(), 2);
    let gpt = &groups[0];
    assert_eq!((gpt.model.as_str(), gpt.requests, gpt.uncached_input_tokens, gpt.cached_input_tokens, gpt.output_tokens), ("gpt-4o", 4, 604, 400, 10));
    assert_eq!((gpt.uncached_input_nano, gpt.cached_input_nano, gpt.output_nano), (Some(604 * 2_500), Some(400 * 1_250), Some(10 * 10_000)));
    assert_eq!(gpt.cost_nano, 4, "the recorded cost, summed");
    assert_eq!((groups[1].model.as_str(), groups[1].uncached_input_nano), ("gpt-retired", None));

    let gpt4o: Uuid = models_id(&mut conn, "gpt-4o").await;
    let negotiated = org_prices::NewOrgPrice {
        id: Uuid::now_v7(),
        org_id: acme,
        model_id: gpt4o,
        effective_from: Utc.with_ymd_and_hms(2025, 11, 3, 2, 30, 0).unwrap(),
        // 2.5 nano-USD per token: a fraction the per-request rounding must round up.
        input_nano_per_mtok: 2_500_000,
        output_nano_per_mtok: 8_000_000_000,
        cached_input_nano_per_mtok: None,
        cache_write_nano_per_mtok: None,
    };
    org_prices::insert(&mut conn, &negotiated).await.unwrap();
    let groups = ledger_daily::daily_groups(&mut conn, acme, from, until, Some("openai")).await.unwrap();
    // Requests after 02:30 get the negotiated price, rounded up per request (601 × 2.5 → 1503,
    // 1 × 2.5 → 3) like the gateway; without a cached price of its own the org's input price
    // applies to cached tokens too (400 × 2.5).
    assert_eq!(
        (groups[0].uncached_input_nano, groups[0].cached_input_nano, groups[0].output_nano),
        (Some(2_500 + 2_500 + 1_503 + 3), Some(1_000), Some(10 * 8_000))
    );
    assert!(ledger_daily::daily_groups(&mut conn, acme, from, until, Some("anthropic")).await.unwrap().is_empty());
}

async fn invoices_provider(conn: &mut sluice_store::Conn, name: &str) -> Uuid {
    let page = sluice_store::Page { after: None, limit: 50 };
    sluice_store::providers::list(conn, &Default::default(), page).await.unwrap().into_iter().find(|p| p.name == name).unwrap().id
}

async fn models_id(conn: &mut sluice_store::Conn, name: &str) -> Uuid {
    let filter = sluice_store::models::Filter { name_contains: Some(name), ..Default::default() };
    let page = sluice_store::Page { after: None, limit: 50 };
    sluice_store::models::list(conn, &filter, page).await.unwrap().into_iter().find(|m| m.name == name).unwrap().id
}

fn line(key: u8, amount: i64) -> invoices::LineRow {
    invoices::LineRow {
        natural_key: vec![key; 32],
        occurrence: 0,
        provider: "openai".into(),
        bucket_start: Utc.with_ymd_and_hms(2025, 11, 3, 0, 0, 0).unwrap(),
        model: "gpt-4o".into(),
        token_type: "input".into(),
        quantity: None,
        amount_nano: Some(amount),
        project: None,
        api_key: None,
    }
}

#[tokio::test]
async fn invoice_lines_and_batches_are_stored_once_per_org() {
    let db = db().await;
    let (acme, other) = (org(&db, "acme").await, org(&db, "globex").await);
    let mut conn = db.acquire().await.unwrap();
    const HASHES: [[u8; 32]; 3] = [[0; 32], [1; 32], [2; 32]];
    let batch = |org_id, hash: usize| invoices::NewImport {
        id: Uuid::now_v7(),
        org_id,
        provider: "openai",
        format: "csv",
        content_sha256: &HASHES[hash],
        lines_total: 2,
        imported_by: None,
    };
    let first = invoices::insert_import(&mut conn, &batch(acme, 1)).await.unwrap().unwrap();
    assert_eq!(invoices::insert_lines(&mut conn, acme, first.id, &[line(1, 10), line(2, 20)]).await.unwrap(), 2);
    assert!(invoices::insert_import(&mut conn, &batch(acme, 1)).await.unwrap().is_none(), "the same document again");
    let second = invoices::insert_import(&mut conn, &batch(acme, 2)).await.unwrap().unwrap();
    assert_eq!(invoices::insert_lines(&mut conn, acme, second.id, &[line(2, 20), line(3, 30)]).await.unwrap(), 1);
    assert_eq!(invoices::import_by_content(&mut conn, acme, &[2; 32]).await.unwrap().unwrap().lines_new, 1);
    // Another org imports the same document and lines: they are its own.
    let theirs = invoices::insert_import(&mut conn, &batch(other, 1)).await.unwrap().unwrap();
    assert_eq!(invoices::insert_lines(&mut conn, other, theirs.id, &[line(1, 10)]).await.unwrap(), 1);

    let from = Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap();
    let until = Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap();
    let ours = invoices::lines_in(&mut conn, acme, from, until, None).await.unwrap();
    assert_eq!(ours.iter().map(|l| l.amount_nano).collect::<Vec<_>>(), [Some(10), Some(20), Some(30)]);
    assert!(invoices::lines_in(&mut conn, acme, from, until, Some("anthropic")).await.unwrap().is_empty());
    assert_eq!(invoices::invoiced_providers(&mut conn, acme).await.unwrap(), ["openai"]);
    assert_eq!(invoices::list_imports(&mut conn, acme, 10).await.unwrap().len(), 2);
}

#[tokio::test]
async fn daily_groups_price_cache_writes_as_their_own_token_type() {
    let db = db().await;
    let acme = org(&db, "acme").await;
    let mut conn = db.acquire().await.unwrap();
    let anthropic = invoices_provider(&mut conn, "anthropic").await;
    // claude-sonnet-4-5 as seeded: $3 input, $0.30 cache reads, $3.75 cache writes, $15 output per million.
    let row = LedgerRow { cache_write_input_tokens: 300, ..request(acme, anthropic, "claude-sonnet-4-5", 1, (1_000, 200, 10)) };
    ledger::insert_batch(&mut conn, &[row]).await.unwrap();
    let from = Utc.with_ymd_and_hms(2025, 11, 1, 0, 0, 0).unwrap();
    let until = Utc.with_ymd_and_hms(2025, 12, 1, 0, 0, 0).unwrap();
    let groups = ledger_daily::daily_groups(&mut conn, acme, from, until, None).await.unwrap();
    let g = &groups[0];
    assert_eq!((g.uncached_input_tokens, g.cached_input_tokens, g.cache_write_input_tokens, g.output_tokens), (500, 200, 300, 10));
    assert_eq!(
        (g.uncached_input_nano, g.cached_input_nano, g.cache_write_input_nano, g.output_nano),
        (Some(500 * 3_000), Some(200 * 300), Some(300 * 3_750), Some(10 * 15_000))
    );
}
