//! The daily roll-ups against the ledger they summarise. Random ledger batches — new rows,
//! redeliveries of earlier rows, duplicates inside one batch, two connections inserting
//! overlapping batches at once — must leave the roll-ups equal to a GROUP BY over the ledger,
//! and the report reads must equal the same sums computed here in Rust from the distinct rows.

use std::collections::{BTreeMap, HashMap};

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};
use serde_json::{Value, json};
use sluice_domain::report::UsageGroupBy;
use sluice_store::ledger::{self, LedgerRow};
use sluice_store::rollups::{self, UsageFilter, UsageGroupRow};
use sluice_store::{Conn, Db, migrate, orgs, providers, teams};
use uuid::Uuid;

/// SplitMix64: a seeded generator, so a failure replays exactly.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

struct World {
    orgs: [Uuid; 2],
    /// Per org: (team, its keys).
    teams: Vec<Vec<(Uuid, [Uuid; 2])>>,
    team_names: HashMap<Uuid, String>,
    /// (provider id, routed model, name, current trust tier)
    providers: Vec<(Uuid, &'static str, &'static str, &'static str)>,
}

async fn world(conn: &mut Conn) -> World {
    let mut org_ids = [Uuid::nil(); 2];
    let mut all_teams = Vec::new();
    let mut team_names = HashMap::new();
    for (i, slug) in ["acme", "globex"].into_iter().enumerate() {
        let new = orgs::NewOrg { id: Uuid::now_v7(), name: slug, slug, time_zone: "UTC", quota_failure_mode: "deny", prompt_logging: false };
        org_ids[i] = orgs::insert(conn, &new).await.unwrap().id;
        let mut org_teams = Vec::new();
        for t in ["core", "search", "ops"] {
            let name = format!("{slug} {t}");
            let team = teams::insert(conn, Uuid::now_v7(), org_ids[i], &name, t).await.unwrap().id;
            team_names.insert(team, name);
            org_teams.push((team, [Uuid::now_v7(), Uuid::now_v7()]));
        }
        all_teams.push(org_teams);
    }
    let mut providers = Vec::new();
    for (name, model, tier) in [("ext-a", "gpt-4o", "external"), ("ext-b", "gpt-4o-mini", "private"), ("local-llm", "llama-local", "local")] {
        let new = providers::NewProvider {
            id: Uuid::now_v7(),
            name,
            kind: "openai_compatible",
            base_url: "http://127.0.0.1:8000/v1",
            trust_tier: tier,
            region: Some("eu"),
            retention_days: Some(30),
            trains_on_data: false,
            zero_data_retention: false,
            credentials: None,
            enabled: true,
        };
        providers.push((providers::insert(conn, &new).await.unwrap().id, model, name, tier));
    }
    World { orgs: org_ids, teams: all_teams, team_names, providers }
}

/// The router's reasons for one route reason, shaped as the gateway writes them, and the route
/// reason the roll-up must file them under.
fn reasons(rng: &mut Rng, data_class: &str) -> (Value, &'static str) {
    let complexity = json!({"kind": "complexity", "score": 0.31, "threshold": 0.5, "tier": "simple", "signals": []});
    let matrix = json!({"kind": "matrix", "data_class": data_class, "tier": "simple"});
    match rng.below(5) {
        0 => (json!([complexity, {"kind": "explicit", "model": "gpt-4o"}]), "explicit"),
        1 => (json!([{"kind": "detected", "entity": "email", "count": 1}, complexity, {"kind": "rerouted", "from": "gpt-4o", "trust_tier": "external"}, matrix]), "rerouted"),
        2 => (json!([complexity, {"kind": "degraded", "from": "complex", "to": "simple", "budget_used_percent": 91}, matrix]), "degraded"),
        3 => (json!([complexity, matrix]), if data_class == "public" { "complexity" } else { "sensitivity" }),
        _ => (json!([]), "none"),
    }
}

/// A random ledger row; returns it with the route reason it must be counted under.
fn random_row(rng: &mut Rng, w: &World, base: DateTime<Utc>) -> (LedgerRow, &'static str) {
    let org_index = rng.below(2) as usize;
    let (team, keys) = *rng.pick(&w.teams[org_index]);
    let routed = if rng.chance(90) { Some(*rng.pick(&w.providers)) } else { None };
    let data_class = *rng.pick(&["public", "public", "pii", "secret", "confidential"]);
    let (decision_reasons, reason) = reasons(rng, data_class);
    let at = base + Duration::seconds(rng.below(40 * 86_400) as i64);
    let input = rng.below(5_000) as i64;
    let cached = rng.below(input as u64 + 1) as i64;
    let cache_write = rng.below((input - cached) as u64 + 1) as i64;
    let cost = rng.below(3_000_000) as i64;
    let data_terms = routed.filter(|_| rng.chance(80)).map(|(_, _, name, tier)| {
        json!({"provider": name, "trust_tier": tier, "region": if rng.chance(50) { Value::from("eu") } else { Value::Null },
               "retention_days": rng.below(3) * 15, "trains_on_data": rng.chance(20), "zero_data_retention": rng.chance(30)})
    });
    let row = LedgerRow {
        request_id: Uuid::now_v7(),
        occurred_at: at,
        org_id: w.orgs[org_index],
        team_id: team,
        key_id: *rng.pick(&keys),
        user_id: None,
        endpoint: "chat".into(),
        requested_model: "auto".into(),
        routed_model: routed.map(|p| p.1.to_owned()),
        provider_id: routed.map(|p| p.0),
        data_class: data_class.into(),
        task_tier: "simple".into(),
        complexity_score: Some(0.31),
        decision_reasons,
        input_tokens: input,
        output_tokens: rng.below(2_000) as i64,
        cached_input_tokens: cached,
        cache_write_input_tokens: cache_write,
        usage_estimated: rng.chance(10),
        cost_nano: cost,
        counterfactual_model: Some("gpt-4o".into()),
        counterfactual_cost_nano: if rng.chance(70) { Some(cost + rng.below(5_000_000) as i64) } else { None },
        reserved_nano: cost,
        latency_ms: Some(120),
        overhead_us: Some(300),
        status: (*rng.pick(&["ok", "ok", "ok", "upstream_error", "invalid_request", "client_disconnected"])).into(),
        error_code: None,
        data_terms,
        prompt: None,
    };
    (row, reason)
}

/// Provider, trust tier, region, retention days, trains on data, zero data retention, data class.
type EgressKey = (Uuid, Option<String>, Option<String>, Option<i32>, Option<bool>, Option<bool>, String);

/// A roll-up table as JSON rows in a fixed order, for comparing whole tables.
async fn table_json(conn: &mut Conn, query: &str) -> Value {
    let wrapped = format!("select coalesce(jsonb_agg(x order by x::text), '[]'::jsonb) from ({query}) x");
    // `query` is one of this file's constants.
    sqlx::query_scalar::<_, Value>(sqlx::AssertSqlSafe(wrapped)).fetch_one(&mut *conn).await.unwrap()
}

const USAGE_ROLLUP: &str = "select org_id, day, team_id, key_id, routed_model, provider_id, data_class, route_reason, requests, estimated_requests,
    input_tokens, output_tokens, cached_input_tokens, cache_write_input_tokens, cost_nano, counterfactual_cost_nano from usage_rollup_daily";
const USAGE_FROM_LEDGER: &str = "select org_id, (occurred_at at time zone 'UTC')::date as day, team_id, key_id, routed_model, provider_id, data_class,
    sluice_route_reason(decision_reasons, data_class) as route_reason, count(*) as requests, count(*) filter (where usage_estimated) as estimated_requests,
    sum(input_tokens)::bigint as input_tokens, sum(output_tokens)::bigint as output_tokens, sum(cached_input_tokens)::bigint as cached_input_tokens,
    sum(cache_write_input_tokens)::bigint as cache_write_input_tokens, sum(cost_nano)::bigint as cost_nano,
    sum(coalesce(counterfactual_cost_nano, cost_nano))::bigint as counterfactual_cost_nano
    from usage_ledger group by 1, 2, 3, 4, 5, 6, 7, 8";
const EGRESS_ROLLUP: &str = "select org_id, day, provider_id, trust_tier, region, retention_days, trains_on_data, zero_data_retention, data_class,
    requests, input_tokens, output_tokens from egress_rollup_daily";
const EGRESS_FROM_LEDGER: &str = "select org_id, (occurred_at at time zone 'UTC')::date as day, provider_id, data_terms ->> 'trust_tier' as trust_tier,
    data_terms ->> 'region' as region, (data_terms ->> 'retention_days')::integer as retention_days, (data_terms ->> 'trains_on_data')::boolean as trains_on_data,
    (data_terms ->> 'zero_data_retention')::boolean as zero_data_retention, data_class, count(*) as requests, sum(input_tokens)::bigint as input_tokens,
    sum(output_tokens)::bigint as output_tokens
    from usage_ledger where provider_id is not null and status <> 'invalid_request' group by 1, 2, 3, 4, 5, 6, 7, 8, 9";

async fn assert_rollups_match_ledger(conn: &mut Conn) {
    let (rollup, ledger) = (table_json(conn, USAGE_ROLLUP).await, table_json(conn, USAGE_FROM_LEDGER).await);
    assert!(rollup.as_array().unwrap().len() > 100, "a meaningful number of groups");
    assert_eq!(rollup, ledger, "usage roll-up differs from a GROUP BY over the ledger");
    assert_eq!(table_json(conn, EGRESS_ROLLUP).await, table_json(conn, EGRESS_FROM_LEDGER).await, "egress roll-up differs from the ledger");
}

/// The usage report's sums computed in Rust from the distinct rows.
fn expected_usage(rows: &[(LedgerRow, &'static str)], org: Uuid, days: (NaiveDate, NaiveDate), group_by: UsageGroupBy) -> Vec<UsageGroupRow> {
    let mut groups: BTreeMap<String, UsageGroupRow> = BTreeMap::new();
    for (r, reason) in rows.iter().filter(|(r, _)| r.org_id == org && (days.0..=days.1).contains(&r.occurred_at.date_naive())) {
        let key = match group_by {
            UsageGroupBy::Day => r.occurred_at.date_naive().to_string(),
            UsageGroupBy::Team => r.team_id.to_string(),
            UsageGroupBy::Key => r.key_id.to_string(),
            UsageGroupBy::Model => r.routed_model.clone().unwrap_or_else(|| "unknown".into()),
            UsageGroupBy::Provider => r.provider_id.map_or_else(|| "unknown".into(), |p| p.to_string()),
            UsageGroupBy::DataClass => r.data_class.clone(),
            UsageGroupBy::RouteReason => (*reason).to_owned(),
        };
        let g = groups.entry(key.clone()).or_insert_with(|| UsageGroupRow {
            key,
            label: None,
            requests: 0,
            estimated_requests: 0,
            input_tokens: 0,
            output_tokens: 0,
            cached_input_tokens: 0,
            cache_write_input_tokens: 0,
            cost_nano: 0,
            counterfactual_cost_nano: 0,
        });
        g.requests += 1;
        g.estimated_requests += i64::from(r.usage_estimated);
        g.input_tokens += r.input_tokens;
        g.output_tokens += r.output_tokens;
        g.cached_input_tokens += r.cached_input_tokens;
        g.cache_write_input_tokens += r.cache_write_input_tokens;
        g.cost_nano += r.cost_nano;
        g.counterfactual_cost_nano += r.counterfactual_cost_nano.unwrap_or(r.cost_nano);
    }
    let mut out: Vec<UsageGroupRow> = groups.into_values().collect();
    if group_by != UsageGroupBy::Day {
        out.sort_by(|a, b| b.cost_nano.cmp(&a.cost_nano).then_with(|| a.key.cmp(&b.key)));
    }
    out
}

#[tokio::test]
async fn roll_ups_equal_the_ledger_through_redeliveries_duplicates_and_concurrent_batches() {
    let db = Db::connect(&sluice_testkit::fresh_database().await, 4).await.unwrap();
    migrate::run(&db).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let w = world(&mut conn).await;
    let mut rng = Rng(0x5EED_2026);
    // Oct 25 .. Dec 4 2025 (the default partition) and the last 40 days (monthly partitions).
    let bases = [Utc.with_ymd_and_hms(2025, 10, 25, 0, 0, 0).unwrap(), Utc::now() - Duration::days(40)];
    let mut distinct: HashMap<(Uuid, DateTime<Utc>), (LedgerRow, &'static str)> = HashMap::new();
    let mut history: Vec<LedgerRow> = Vec::new();
    let batch_of = |rng: &mut Rng, distinct: &mut HashMap<_, _>, history: &mut Vec<LedgerRow>| {
        let mut batch = Vec::new();
        for _ in 0..100 {
            if !history.is_empty() && rng.chance(25) {
                // A redelivery of a row shipped before (an outbox replayed after a crash).
                batch.push(rng.pick(history).clone());
            } else {
                let base = *rng.pick(&bases);
                let (row, reason) = random_row(rng, &w, base);
                distinct.insert((row.request_id, row.occurred_at), (row.clone(), reason));
                history.push(row.clone());
                batch.push(row);
            }
            if rng.chance(5) {
                // The same row twice in one batch.
                batch.push(batch[batch.len() - 1].clone());
            }
        }
        batch
    };

    for _ in 0..20 {
        let before = distinct.len();
        let batch = batch_of(&mut rng, &mut distinct, &mut history);
        let inserted = ledger::insert_batch(&mut conn, &batch).await.unwrap();
        assert_eq!(inserted as usize, distinct.len() - before, "only the new rows are inserted");
    }
    // Two shippers at once, with overlapping batches: each row counted once, and no deadlock.
    for _ in 0..5 {
        let a = batch_of(&mut rng, &mut distinct, &mut history);
        let mut b = batch_of(&mut rng, &mut distinct, &mut history);
        b.extend(a.iter().step_by(3).cloned());
        let (mut c1, mut c2) = (db.acquire().await.unwrap(), db.acquire().await.unwrap());
        let (r1, r2) = tokio::join!(ledger::insert_batch(&mut c1, &a), ledger::insert_batch(&mut c2, &b));
        r1.unwrap();
        r2.unwrap();
    }
    assert_eq!(ledger::count(&mut conn).await.unwrap() as usize, distinct.len());
    assert_rollups_match_ledger(&mut conn).await;

    // The report reads: every grouping over November, for each org, equals the Rust sums.
    let rows: Vec<(LedgerRow, &'static str)> = distinct.into_values().collect();
    let november = (NaiveDate::from_ymd_opt(2025, 11, 1).unwrap(), NaiveDate::from_ymd_opt(2025, 11, 30).unwrap());
    for org in w.orgs {
        for group_by in [UsageGroupBy::Day, UsageGroupBy::Team, UsageGroupBy::Key, UsageGroupBy::Model, UsageGroupBy::Provider, UsageGroupBy::DataClass, UsageGroupBy::RouteReason] {
            let got = rollups::usage_groups(&mut conn, org, november.0, november.1, group_by, &UsageFilter::default()).await.unwrap();
            let unlabelled: Vec<UsageGroupRow> = got.iter().cloned().map(|g| UsageGroupRow { label: None, ..g }).collect();
            assert_eq!(unlabelled, expected_usage(&rows, org, november, group_by), "{group_by} for org {org}");
            if group_by == UsageGroupBy::Team {
                // Labelled with the org's own team names only.
                let own: Vec<Uuid> = w.teams[usize::from(org == w.orgs[1])].iter().map(|(t, _)| *t).collect();
                for g in &got {
                    let team: Uuid = g.key.parse().unwrap();
                    assert!(own.contains(&team) && g.label.as_ref() == w.team_names.get(&team), "{g:?}");
                }
            }
            if group_by == UsageGroupBy::Provider {
                assert!(got.iter().all(|g| g.key == "unknown" || w.providers.iter().any(|p| p.0.to_string() == g.key && g.label.as_deref() == Some(p.2))));
            }
        }
    }

    // Filters narrow the same sums.
    let (acme, (team, _)) = (w.orgs[0], w.teams[0][0]);
    let filter = UsageFilter { team_id: Some(team), data_class: Some("public"), ..UsageFilter::default() };
    let narrowed = rollups::usage_groups(&mut conn, acme, november.0, november.1, UsageGroupBy::Model, &filter).await.unwrap();
    let subset: Vec<_> = rows.iter().filter(|(r, _)| r.team_id == team && r.data_class == "public").cloned().collect();
    assert_eq!(narrowed, expected_usage(&subset, acme, november, UsageGroupBy::Model));
    let by_model = UsageFilter { model: Some("llama-local"), ..UsageFilter::default() };
    let llama = rollups::usage_groups(&mut conn, acme, november.0, november.1, UsageGroupBy::Model, &by_model).await.unwrap();
    assert_eq!(llama.iter().map(|g| g.key.as_str()).collect::<Vec<_>>(), ["llama-local"]);

    // Egress, per org, equals the Rust grouping of rows that went to a provider.
    for org in w.orgs {
        let got = rollups::egress_groups(&mut conn, org, november.0, november.1).await.unwrap();
        let mut expected: BTreeMap<EgressKey, (i64, i64, i64)> = BTreeMap::new();
        for (r, _) in rows.iter().filter(|(r, _)| r.org_id == org && r.status != "invalid_request" && (november.0..=november.1).contains(&r.occurred_at.date_naive())) {
            let Some(provider) = r.provider_id else { continue };
            let terms = r.data_terms.clone().unwrap_or(Value::Null);
            let current_tier = w.providers.iter().find(|p| p.0 == provider).unwrap().3;
            let key = (
                provider,
                Some(terms["trust_tier"].as_str().unwrap_or(current_tier).to_owned()),
                terms["region"].as_str().map(str::to_owned),
                terms["retention_days"].as_i64().map(|d| d as i32),
                terms["trains_on_data"].as_bool(),
                terms["zero_data_retention"].as_bool(),
                r.data_class.clone(),
            );
            let e = expected.entry(key).or_default();
            *e = (e.0 + 1, e.1 + r.input_tokens, e.2 + r.output_tokens);
        }
        let mut got_map = BTreeMap::new();
        for g in &got {
            let name = w.providers.iter().find(|p| p.0 == g.provider_id).unwrap().2;
            assert_eq!(g.provider_name, name);
            let key = (g.provider_id, g.trust_tier.clone(), g.region.clone(), g.retention_days, g.trains_on_data, g.zero_data_retention, g.data_class.clone());
            assert!(got_map.insert(key, (g.requests, g.input_tokens, g.output_tokens)).is_none(), "one row per group");
        }
        assert_eq!(got_map, expected);
        let names: Vec<&str> = got.iter().map(|g| g.provider_name.as_str()).collect();
        assert!(names.is_sorted(), "ordered by provider name: {names:?}");
    }

    // The backfill path (also the repair after dropping partitions) recomputes the same tables.
    let (usage_before, egress_before) = (table_json(&mut conn, USAGE_ROLLUP).await, table_json(&mut conn, EGRESS_ROLLUP).await);
    sqlx::query("select sluice_rebuild_usage_rollups()").execute(&mut *conn).await.unwrap();
    assert_eq!(table_json(&mut conn, USAGE_ROLLUP).await, usage_before);
    assert_eq!(table_json(&mut conn, EGRESS_ROLLUP).await, egress_before);
}

#[tokio::test]
async fn a_rolled_back_ledger_insert_leaves_the_roll_ups_untouched_and_bad_terms_do_not_fail_it() {
    let db = Db::connect(&sluice_testkit::fresh_database().await, 2).await.unwrap();
    migrate::run(&db).await.unwrap();
    let mut conn = db.acquire().await.unwrap();
    let w = world(&mut conn).await;
    let at = Utc.with_ymd_and_hms(2025, 11, 3, 12, 0, 0).unwrap();
    let row = |terms: Value| LedgerRow { data_terms: Some(terms), cost_nano: 7, ..sluice_testkit::ledger_row(w.orgs[0], w.providers[0].0, "gpt-4o", at) };
    let mut tx = db.begin().await.unwrap();
    ledger::insert_batch(&mut tx, &[row(json!({"trust_tier": "external"}))]).await.unwrap();
    tx.rollback().await.unwrap();
    let day = at.date_naive();
    let report = rollups::usage_groups(&mut conn, w.orgs[0], day, day, UsageGroupBy::Day, &UsageFilter::default()).await.unwrap();
    assert!(report.is_empty(), "the roll-up changes only with the ledger's transaction");

    // Terms of the wrong JSON types are reported as unknown rather than failing the insert.
    let odd = row(json!({"trust_tier": "external", "retention_days": "thirty", "trains_on_data": "no", "zero_data_retention": 1}));
    assert_eq!(ledger::insert_batch(&mut conn, &[odd]).await.unwrap(), 1);
    let egress = rollups::egress_groups(&mut conn, w.orgs[0], day, day).await.unwrap();
    assert_eq!(egress.len(), 1);
    assert_eq!((egress[0].retention_days, egress[0].trains_on_data, egress[0].zero_data_retention), (None, None, None));
    assert_eq!(egress[0].trust_tier.as_deref(), Some("external"));
    // Another org sees none of it.
    assert!(rollups::egress_groups(&mut conn, w.orgs[1], day, day).await.unwrap().is_empty());
    assert!(rollups::usage_groups(&mut conn, w.orgs[1], day, day, UsageGroupBy::Team, &UsageFilter::default()).await.unwrap().is_empty());
}
