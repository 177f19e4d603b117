//! The benchmark's tenant: one org, team and key with generous rate limits and a large budget
//! (so quotas are exercised on every request without refusing any), and a priced model on an
//! OpenAI-compatible provider that points at the mock upstream.

use serde_json::json;
use sluice_domain::virtual_key::VirtualKeySecret;
use sluice_store::{Db, budgets, keys, models, orgs, providers, rate_limits, teams};
use uuid::Uuid;

#[derive(clap::Args)]
pub struct SetupArgs {
    #[arg(long, env = "DATABASE_URL")]
    database_url: String,
    /// The mock upstream's base URL, e.g. http://127.0.0.1:9100/v1
    #[arg(long)]
    upstream: String,
}

pub const MODEL: &str = "bench-model";

pub async fn run(args: SetupArgs) -> anyhow::Result<()> {
    let db = Db::connect(&args.database_url, 2).await?;
    let mut tx = db.begin().await?;
    let provider = providers::NewProvider {
        id: Uuid::now_v7(),
        name: "bench-upstream",
        kind: "openai_compatible",
        base_url: &args.upstream,
        trust_tier: "local",
        region: None,
        retention_days: None,
        trains_on_data: false,
        zero_data_retention: true,
        credentials: None,
        enabled: true,
    };
    let provider = providers::insert(&mut tx, &provider).await?.id;
    let model = models::NewModel {
        id: Uuid::now_v7(),
        provider_id: provider,
        name: MODEL,
        upstream_name: "mock",
        capability_tier: "small",
        mode: "chat",
        context_window: None,
        max_output_tokens: Some(256),
        enabled: true,
    };
    let model = models::insert(&mut tx, &model).await?.id;
    let price = models::NewPrice {
        id: Uuid::now_v7(),
        model_id: model,
        effective_from: None,
        input_nano_per_mtok: 150_000_000,
        output_nano_per_mtok: 600_000_000,
        cached_input_nano_per_mtok: None,
        cache_write_nano_per_mtok: None,
    };
    models::insert_price(&mut tx, &price).await?;
    let org = orgs::NewOrg { id: Uuid::now_v7(), name: "Bench", slug: "bench", time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false };
    let org = orgs::insert(&mut tx, &org).await?.id;
    let team = teams::insert(&mut tx, Uuid::now_v7(), org, "load", "load").await?.id;
    let secret = VirtualKeySecret::generate().map_err(|e| anyhow::anyhow!("{e}"))?;
    let metadata = json!({});
    let key = keys::NewKey { id: Uuid::now_v7(), org_id: org, team_id: team, user_id: None, name: "bench", allowed_models: &[], allowed_endpoints: &[], metadata: &metadata, expires_at: None, created_by: None };
    let stored = keys::NewSecret { id: Uuid::now_v7(), hash: &secret.hash().0, display_prefix: &secret.display_prefix(), last4: &secret.last4() };
    let key = keys::insert(&mut tx, &key, &stored).await?.id;
    // Limits and budgets on every level, so every request runs the full quota script.
    for (team_id, key_id) in [(None, None), (Some(team), None), (None, Some(key))] {
        let limits = rate_limits::Limits { rpm: Some(10_000_000), tpm: Some(1_000_000_000), max_parallel: Some(10_000) };
        rate_limits::insert(&mut tx, Uuid::now_v7(), org, team_id, key_id, &limits).await?;
        let budget = budgets::NewBudget {
            id: Uuid::now_v7(),
            org_id: org,
            team_id,
            key_id,
            amount_nano: 1_000_000_000_000_000,
            period: "monthly",
            hard: true,
            alert_thresholds: &[],
            on_exhaustion: "block",
        };
        budgets::insert(&mut tx, &budget).await?;
    }
    tx.commit().await?;
    println!("{}", secret.expose());
    Ok(())
}
