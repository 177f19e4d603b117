//! Refreshing the price book from a LiteLLM price file: the seeded prices (migration 0009) came
//! from such a file, and providers change prices, so `sluice billing prices refresh FILE` adds
//! a new version — effective now, never an edit of a past one — for every model whose price in
//! the file differs from its current version. Models are matched by provider kind and upstream
//! name (see `sluice_billing::litellm::plan_refresh`); each new version is inserted with the
//! store's `insert_price`, like a version added through the admin API, and audited like one
//! (no actor: the command line), all in one transaction.

use sluice_billing::litellm::{self, BookModel, PriceChange, Prices};
use sluice_domain::PricePerMTok;
use sluice_store::models::{self, Filter, PriceRow};
use sluice_store::{Db, Page, snapshot};
use uuid::Uuid;

use crate::error::ApiError;

/// What a refresh changed: (model name, old prices, new prices).
pub struct Refreshed {
    pub changes: Vec<(String, Option<Prices>, Prices)>,
    /// Models of providers whose prices LiteLLM lists (OpenAI, Anthropic) that were compared.
    pub models_checked: usize,
}

fn prices_of(row: &PriceRow) -> Option<Prices> {
    let price = |n: i64| PricePerMTok::from_nanos(n).ok();
    Some(Prices {
        input: price(row.input_nano_per_mtok)?,
        output: price(row.output_nano_per_mtok)?,
        cached_input: row.cached_input_nano_per_mtok.and_then(price),
        cache_write: row.cache_write_nano_per_mtok.and_then(price),
    })
}

/// Applies the file's prices; `dry_run` only reports what would change.
pub async fn refresh(db: &Db, file: &str, dry_run: bool) -> Result<Refreshed, ApiError> {
    let entries = litellm::parse(file).map_err(|e| ApiError::field("file", e.to_string()))?;
    let mut tx = db.begin().await?;
    let kinds: std::collections::HashMap<Uuid, String> = snapshot::providers(&mut tx).await?.into_iter().map(|p| (p.id, p.kind)).collect();
    let mut page = Page { after: None, limit: 200 };
    let mut book = Vec::new();
    loop {
        let rows = models::list(&mut tx, &Filter::default(), page).await?;
        let (rows, next) = page.finish(rows, |m| m.id);
        for m in rows {
            let kind = kinds.get(&m.provider_id).cloned().unwrap_or_default();
            book.push((m.name.clone(), BookModel { id: m.id, provider_kind: kind, upstream_name: m.upstream_name, current: m.price.as_ref().and_then(prices_of) }));
        }
        match next {
            Some(after) => page.after = Some(after),
            None => break,
        }
    }
    let names: std::collections::HashMap<Uuid, String> = book.iter().map(|(name, m)| (m.id, name.clone())).collect();
    let models_checked = book.iter().filter(|(_, m)| m.provider_kind == "openai" || m.provider_kind == "anthropic").count();
    let plan: Vec<PriceChange<Uuid>> = litellm::plan_refresh(&book.into_iter().map(|(_, m)| m).collect::<Vec<_>>(), &entries);
    let mut changes = Vec::new();
    for change in plan {
        if !dry_run {
            let new = models::NewPrice {
                id: Uuid::now_v7(),
                model_id: change.id,
                effective_from: None,
                input_nano_per_mtok: change.new.input.nanos(),
                output_nano_per_mtok: change.new.output.nanos(),
                cached_input_nano_per_mtok: change.new.cached_input.map(PricePerMTok::nanos),
                cache_write_nano_per_mtok: change.new.cache_write.map(PricePerMTok::nanos),
            };
            let row = models::insert_price(&mut tx, &new).await?;
            let entry = sluice_store::audit::NewEntry {
                org_id: None,
                actor_user_id: None,
                action: "model_price.create",
                target_type: "model_price",
                target_id: Some(row.id),
                details: serde_json::json!({
                    "model_id": change.id,
                    "effective_from": row.effective_from,
                    "input_usd_per_mtok": change.new.input,
                    "output_usd_per_mtok": change.new.output,
                    "cached_input_usd_per_mtok": change.new.cached_input,
                    "cache_write_usd_per_mtok": change.new.cache_write,
                    "via": "litellm price file",
                }),
            };
            sluice_store::audit::record(&mut tx, &entry).await?;
        }
        changes.push((names.get(&change.id).cloned().unwrap_or(change.upstream_name), change.old, change.new));
    }
    tx.commit().await.map_err(ApiError::internal)?;
    Ok(Refreshed { changes, models_checked })
}
