//! An org's negotiated prices replace the price book's for that org only: in the reservation, in
//! the charge, and in the savings figure — and a new price version reaches the gateway without a
//! restart (the table notifies the snapshot refresher).

use chrono::Utc;
use reqwest::StatusCode;
use serde_json::json;
use sluice_store::org_prices::{self, NewOrgPrice};
use uuid::Uuid;

use crate::harness::*;

/// The price book's demo-small: $0.15 / $0.60 per million tokens (nano-USD per token).
const BOOK: (i64, i64) = (150, 600);
/// The discount one org negotiated: $0.10 / $0.30 per million tokens.
const NEGOTIATED: (i64, i64) = (100, 300);
const MAX_TOKENS: i64 = 100;

#[tokio::test]
async fn a_negotiated_price_is_reserved_and_charged_for_its_org_only() {
    let gw = spawn().await;
    let (discounted, list_price) = (gw.tenant().await, gw.tenant().await);
    let mut conn = gw.db.acquire().await.unwrap();
    let model: Uuid = sqlx::query_scalar("select id from models where name = 'demo-small'").fetch_one(&mut *conn).await.unwrap();
    org_prices::insert(
        &mut conn,
        &NewOrgPrice {
            id: Uuid::now_v7(),
            org_id: discounted.org,
            model_id: model,
            effective_from: Utc::now() - chrono::Duration::seconds(1),
            input_nano_per_mtok: NEGOTIATED.0 * 1_000_000,
            output_nano_per_mtok: NEGOTIATED.1 * 1_000_000,
            cached_input_nano_per_mtok: None,
            cache_write_nano_per_mtok: None,
        },
    )
    .await
    .unwrap();
    drop(conn);
    gw.settle_config().await;

    let mut body = chat_body("demo-small", "Summarise the plot of Hamlet");
    body["max_tokens"] = json!(MAX_TOKENS);
    for t in [&discounted, &list_price] {
        assert_eq!(gw.chat(&t.secret, body.clone()).await.status(), StatusCode::OK);
    }
    let (cheap, full) = (&gw.ledger_rows(discounted.key, 1).await[0], &gw.ledger_rows(list_price.key, 1).await[0]);
    assert_eq!(cheap.cost_nano, cheap.input_tokens * NEGOTIATED.0 + cheap.output_tokens * NEGOTIATED.1);
    assert_eq!(full.cost_nano, full.input_tokens * BOOK.0 + full.output_tokens * BOOK.1);

    // Both reservations cover the same estimated prompt and MAX_TOKENS of output, each at its price.
    let estimated_prompt = (full.reserved_nano - MAX_TOKENS * BOOK.1) / BOOK.0;
    assert_eq!(full.reserved_nano, estimated_prompt * BOOK.0 + MAX_TOKENS * BOOK.1, "{full:?}");
    assert_eq!(cheap.reserved_nano, estimated_prompt * NEGOTIATED.0 + MAX_TOKENS * NEGOTIATED.1, "{cheap:?}");
}
