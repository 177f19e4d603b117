//! `complexity::assess` on a 1 KB prompt (budget: 15 µs p99 of the router's 50 µs).
//!
//! `cargo bench -p sluice-router --bench complexity`

use std::hint::black_box;

use criterion::{Criterion, criterion_group, criterion_main};
use sluice_router::complexity;
use sluice_router::request::RequestView;

/// About 1 KB of a typical technical request: prose, a list of requirements and a code snippet.
const PROMPT: &str = "I am building a small web service in Rust with axum and sqlx. Requests sometimes time out \
under load and I cannot work out why. Please review the handler below and explain what is wrong, then suggest a fix.\n\
Requirements:\n1. Keep the public API unchanged.\n2. The fix must not hold a database connection across an await \
on another service.\n3. Add a test that reproduces the problem.\n\n```rust\nasync fn create_order(State(db): State<PgPool>, \
Json(order): Json<NewOrder>) -> Result<Json<Order>, AppError> {\n    let mut tx = db.begin().await?;\n    \
let price = pricing::quote(&order).await?;\n    let row = sqlx::query_as!(Order, \"insert into orders (sku, qty, price) \
values ($1, $2, $3) returning *\", order.sku, order.qty, price).fetch_one(&mut *tx).await?;\n    tx.commit().await?;\n    \
Ok(Json(row))\n}\n```\nThe pool has 10 connections and the pricing service takes up to 2 seconds to answer. What is the \
best way to restructure this, and why? I would also like to know whether raising the pool size would only hide the problem.";

fn assess(c: &mut Criterion) {
    complexity::warm_up();
    let view = RequestView::from_prompt(PROMPT);
    assert!((1000..1200).contains(&PROMPT.len()), "{} bytes", PROMPT.len());
    c.bench_function("complexity::assess 1 KB prompt", |b| b.iter(|| complexity::assess(black_box(&view))));
}

criterion_group!(benches, assess);
criterion_main!(benches);
