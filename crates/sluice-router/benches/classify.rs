//! The router's cost on the request path.
//!
//! - `sensitivity_scan`: a 1 KB English prompt without entities, a 1 KB prompt with an e-mail,
//!   a phone, a card and an API key, and a 10 KB code file;
//! - `route`: the whole decision (request view, sensitivity, complexity, policy) for the two
//!   1 KB prompts, plus its latency distribution: the target is p99 ≤ 50 µs for 1 KB, and
//!   criterion reports means, so `route` also times 20,000 single calls and prints p50/p99/p99.9.
//!
//! cargo bench -p sluice-router --bench classify

use std::collections::BTreeMap;
use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput, criterion_group, criterion_main};
use sluice_domain::provider::TrustTier;
use sluice_router::classify::route;
use sluice_router::policy::RoutePolicy;
use sluice_router::request::RequestView;
use sluice_router::sensitivity;

const ENGLISH: &str = "I am planning a three-week trip through northern Italy next spring and would like \
some help putting together an itinerary. We will fly into Milan on a Tuesday and leave from Venice, and \
we would like to spend about four nights in each of five places. We enjoy walking, small museums, local \
markets and food, but we are not interested in nightlife. Our budget is roughly 150 euros per night for \
accommodation and we prefer small family-run hotels over big chains. Could you suggest which towns to \
visit, in what order, and how to travel between them by train? Please also mention two or three dishes \
we should try in each region, any festivals that usually happen in April or May, and whether it is worth \
renting a car for a couple of days to see the lakes. One of us has a bad knee, so very steep hill towns \
should be kept to a minimum. Finally, give a rough estimate of the total cost of trains for two adults, \
and tell us which museums need tickets booked in advance. Thanks a lot for your help with this plan!!";

fn with_entities() -> String {
    let mut s = String::from(
        "Hi, please update my billing details before Friday. You can reach me at maria.keller@mailbox.org or \
call +1-415-555-0193 during office hours. The new card is 4539 1488 0343 6467, expiry 09/27. Also our \
deployment script still has OPENAI_API_KEY=sk-proj-qa25MV9c7Qu0EjDIEWdcT3BlbkFJ83uCF0K4yw7RzpY39bio in it; \
",
    );
    while s.len() < 1024 {
        s.push_str("please make sure the renewal goes through and send me a short confirmation afterwards. ");
    }
    s.truncate(1024);
    s
}

fn code_file() -> String {
    let unit = r##"
use std::collections::HashMap;

/// Aggregates order totals per customer and returns the top `n` by revenue.
pub fn top_customers(orders: &[(u64, f64)], n: usize) -> Vec<(u64, f64)> {
    let mut totals: HashMap<u64, f64> = HashMap::new();
    for &(customer, amount) in orders {
        *totals.entry(customer).or_insert(0.0) += amount;
    }
    let mut v: Vec<(u64, f64)> = totals.into_iter().collect();
    v.sort_by(|a, b| b.1.partial_cmp(&a.1).unwrap_or(std::cmp::Ordering::Equal));
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    #[test]
    fn picks_the_biggest() {
        let orders = [(1, 10.0), (2, 25.5), (1, 20.0), (3, 5.25)];
        assert_eq!(super::top_customers(&orders, 1), vec![(1, 30.0)]);
        let color = "#ff8800"; let version = "1.2.3"; let id = "123e4567-e89b-12d3-a456-426614174000";
        let _ = (color, version, id, 0x3f3f_u32, 3.14159_f64);
    }
}
"##;
    let mut s = String::new();
    while s.len() < 10 * 1024 {
        s.push_str(unit);
    }
    s
}

fn bench(c: &mut Criterion) {
    let entities = with_entities();
    let code = code_file();
    // Sanity: the fixtures mean what their names say.
    assert!(sensitivity::scan(&RequestView::from_prompt(ENGLISH), None).is_empty());
    assert!(sensitivity::scan(&RequestView::from_prompt(&entities), None).len() >= 4);

    let mut group = c.benchmark_group("sensitivity_scan");
    for (name, text) in [("english_1kb_no_entities", ENGLISH), ("mixed_1kb_email_phone_card_key", entities.as_str()), ("code_10kb", code.as_str())] {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_function(name, |b| {
            let view = RequestView::from_prompt(text);
            b.iter(|| sensitivity::scan(black_box(&view), None));
        });
    }
    group.finish();
}

fn policy() -> (RoutePolicy, BTreeMap<String, TrustTier>) {
    let doc = serde_json::json!({
        "default_model": "big",
        "matrix": {"public": {"simple": ["small"], "complex": ["big"]}, "pii": {"simple": ["local"]}, "secret": {"simple": ["local"]}}
    });
    let policy = RoutePolicy::compile(serde_json::from_value(doc).unwrap_or_default()).unwrap_or_else(|_| RoutePolicy::empty());
    let catalog = [("small", TrustTier::External), ("big", TrustTier::External), ("local", TrustTier::Local)].into_iter().map(|(m, t)| (m.to_owned(), t)).collect();
    (policy, catalog)
}

/// Single-call latency quantiles over many calls (criterion only gives central estimates).
fn quantiles(name: &str, f: impl Fn()) {
    const CALLS: usize = 20_000;
    let mut ns: Vec<u128> = Vec::with_capacity(CALLS);
    for _ in 0..CALLS {
        let started = Instant::now();
        f();
        ns.push(started.elapsed().as_nanos());
    }
    ns.sort_unstable();
    let q = |p: f64| ns[((CALLS as f64 * p) as usize).min(CALLS - 1)] as f64 / 1000.0;
    println!("{name}: p50 {:.1} µs, p99 {:.1} µs, p99.9 {:.1} µs over {CALLS} calls", q(0.50), q(0.99), q(0.999));
}

fn route_bench(c: &mut Criterion) {
    sluice_router::warm_up();
    let entities = with_entities();
    let (policy, catalog) = policy();
    let mut group = c.benchmark_group("route");
    for (name, text) in [("english_1kb_no_entities", ENGLISH), ("mixed_1kb_email_phone_card_key", entities.as_str())] {
        let run = || {
            let view = RequestView::from_prompt(black_box(text));
            black_box(route(&view, &policy, &catalog, "auto", None));
        };
        quantiles(&format!("route/{name}"), run);
        group.bench_function(name, |b| b.iter(run));
    }
    group.finish();
}

criterion_group!(benches, bench, route_bench);
criterion_main!(benches);
