#!/usr/bin/env bash
# The billing roll-up benchmark (not part of the test suite or CI: it writes ~10 M rows):
#
#   ./bench/billing-rollup.sh        # ROWS=10000000 MONTH=2026-10-01 by default
#
# In a scratch database on a PostgreSQL server (BENCH_PG_SERVER, default the local one), it
# applies Sluice's migrations (with psql, as scripts/dev-db.sh does), then generates ROWS ledger rows spread over
# the month MONTH for 3 orgs × 5 teams × 4 keys, 6 models on 3 providers (two external, one
# local), 4 data classes and 5 route reasons, with SQL (generate_series). The rows go into
# usage_ledger one day per INSERT statement, so the roll-ups are maintained by the same trigger
# as in production (a shipper batch is one statement too).
#
# It then times, with `sluice-bench rollup` (the store functions the admin API and
# `sluice billing report` call), the month queries of the usage report for every group_by and of
# the egress report for one org; for comparison one GROUP BY straight over that org's month of
# ledger; and the cost of the trigger on shipper-sized ledger batches (500 rows through
# `ledger::insert_batch`, with the trigger enabled and disabled). The figures go to stdout and
# bench/results/billing-rollup.md; docs/billing.md quotes the latest run.
#
# Variables: ROWS, MONTH (first day of a month), BENCH_PG_SERVER, BENCH_DB (dropped at the end
# unless KEEP_DB=1), CARGO_TARGET_DIR. A debug build of sluice-bench: the time is spent in
# PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."

ROWS=${ROWS:-10000000}
MONTH=${MONTH:-2026-10-01}
SERVER=${BENCH_PG_SERVER:-postgres://postgres@127.0.0.1:5432}
DB=${BENCH_DB:-sluice_bench_rollup}
URL="$SERVER/$DB"
TARGET=${CARGO_TARGET_DIR:-target}
OUT=bench/results/billing-rollup.md

log() { printf '\n==> %s\n' "$*" >&2; }
psql_db() { psql "$URL" -qX -v ON_ERROR_STOP=1 "$@"; }
now_ms() { date +%s%3N; }

log "scratch database $DB"
psql "$SERVER/postgres" -qX -v ON_ERROR_STOP=1 -c "drop database if exists $DB" -c "create database $DB"
cleanup() { if [ "${KEEP_DB:-0}" != 1 ]; then psql "$SERVER/postgres" -qX -c "drop database if exists $DB" >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
for migration in migrations/*.sql; do psql_db -f "$migration" >/dev/null; done

log "tenants, providers and dimensions"
psql_db <<SQL
select sluice_ensure_ledger_partitions('$MONTH'::date, 1);
insert into organizations (id, name, slug) select gen_random_uuid(), 'Bench ' || o, 'bench-' || o from generate_series(1, 3) o;
insert into teams (id, org_id, name, slug)
select gen_random_uuid(), id, 'team ' || t, 'team-' || t from organizations cross join generate_series(1, 5) t where slug like 'bench-%';
insert into virtual_keys (id, org_id, team_id, name)
select gen_random_uuid(), org_id, id, 'key ' || k from teams cross join generate_series(1, 4) k;
insert into providers (id, name, kind, base_url, trust_tier, region, retention_days, trains_on_data, zero_data_retention)
values (gen_random_uuid(), 'bench-openai', 'openai', 'https://api.openai.com/v1', 'external', 'us', 30, false, false),
       (gen_random_uuid(), 'bench-anthropic', 'anthropic', 'https://api.anthropic.com', 'external', 'us', 30, false, true),
       (gen_random_uuid(), 'bench-local', 'openai_compatible', 'http://127.0.0.1:8000/v1', 'local', 'on-prem', 0, false, true);
-- Scratch helper tables: numbered keys and models for the generator to pick from.
create table bench_keys as
select (row_number() over (order by k.id) - 1)::int as n, k.org_id, k.team_id, k.id as key_id
from virtual_keys k join organizations o on o.id = k.org_id where o.slug like 'bench-%';
create table bench_models as
select n, model, p.id as provider_id, price_in, price_out,
       jsonb_build_object('provider', p.name, 'trust_tier', p.trust_tier, 'region', p.region, 'retention_days', p.retention_days,
                          'trains_on_data', p.trains_on_data, 'zero_data_retention', p.zero_data_retention) as terms
from (values (0, 'gpt-4o', 'bench-openai', 2500, 10000), (1, 'gpt-4o-mini', 'bench-openai', 150, 600),
             (2, 'claude-sonnet-4-5', 'bench-anthropic', 3000, 15000), (3, 'claude-haiku-4-5', 'bench-anthropic', 1000, 5000),
             (4, 'llama-local', 'bench-local', 0, 0), (5, 'qwen-local', 'bench-local', 0, 0)) m(n, model, provider, price_in, price_out)
join providers p on p.name = m.provider;
SQL

DAYS=$(psql_db -At -c "select extract(day from (date_trunc('month', '$MONTH'::date) + interval '1 month - 1 day'))::int")
PER_DAY=$(( (ROWS + DAYS - 1) / DAYS ))
log "generating $ROWS ledger rows over $DAYS days ($PER_DAY per statement)"
GEN_START=$(now_ms)
for d in $(seq 0 $((DAYS - 1))); do
  first=$(( d * PER_DAY ))
  count=$(( ROWS - first < PER_DAY ? ROWS - first : PER_DAY ))
  [ "$count" -gt 0 ] || break
  psql_db <<SQL
insert into usage_ledger (request_id, occurred_at, org_id, team_id, key_id, endpoint, requested_model, routed_model, provider_id,
    data_class, task_tier, decision_reasons, input_tokens, output_tokens, cached_input_tokens, cache_write_input_tokens,
    usage_estimated, cost_nano, counterfactual_model, counterfactual_cost_nano, reserved_nano, latency_ms, status, data_terms)
select gen_random_uuid(),
       (date_trunc('month', '$MONTH'::timestamp) at time zone 'UTC') + interval '$d days' + ((g - $first)::bigint * 86399 / $count) * interval '1 second',
       k.org_id, k.team_id, k.key_id, 'chat', 'auto', m.model, m.provider_id,
       (array['public', 'public', 'public', 'pii', 'confidential', 'secret'])[1 + (g / 7) % 6],
       'simple',
       (array['[{"kind": "complexity"}, {"kind": "explicit", "model": "gpt-4o"}]',
              '[{"kind": "complexity"}, {"kind": "matrix"}]',
              '[{"kind": "complexity"}, {"kind": "degraded"}, {"kind": "matrix"}]',
              '[{"kind": "detected"}, {"kind": "rerouted", "from": "gpt-4o"}, {"kind": "matrix"}]',
              '[]'])[1 + (g / 11) % 5]::jsonb,
       t.input, t.output, case when g % 4 = 0 then t.input / 2 else 0 end, case when g % 9 = 0 then 100 else 0 end,
       g % 50 = 0,
       (t.input * m.price_in + t.output * m.price_out),
       'gpt-4o', case when g % 3 = 0 then null else t.input * 2500 + t.output * 10000 end,
       (t.input * m.price_in + t.output * m.price_out), 400,
       case when g % 211 = 0 then 'invalid_request' when g % 97 = 0 then 'upstream_error' else 'ok' end,
       m.terms
from generate_series($first, $first + $count - 1) g
cross join lateral (select 200 + (g * 37) % 4000 as input, 20 + (g * 13) % 800 as output) t
join bench_keys k on k.n = g % 60
join bench_models m on m.n = (g / 60) % 6;
SQL
done
GEN_MS=$(( $(now_ms) - GEN_START ))
psql_db -c "analyze usage_ledger; analyze usage_rollup_daily; analyze egress_rollup_daily;"

ORG=$(psql_db -At -c "select id from organizations where slug = 'bench-1'")
FROM=$(psql_db -At -c "select date_trunc('month', '$MONTH'::date)::date")
TO=$(psql_db -At -c "select (date_trunc('month', '$MONTH'::date) + interval '1 month - 1 day')::date")
COUNTS=$(psql_db -At -F '|' -c "select (select count(*) from usage_ledger), (select count(*) from usage_rollup_daily),
    (select count(*) from usage_rollup_daily where org_id = '$ORG'), (select count(*) from egress_rollup_daily),
    pg_size_pretty(pg_total_relation_size('usage_ledger_y${MONTH:0:4}m${MONTH:5:2}')), pg_size_pretty(pg_total_relation_size('usage_rollup_daily'))")
IFS='|' read -r LEDGER_ROWS ROLLUP_ROWS ORG_ROLLUP_ROWS EGRESS_ROWS LEDGER_SIZE ROLLUP_SIZE <<<"$COUNTS"

log "building sluice-bench (debug)"
SQLX_OFFLINE=true cargo build -q -p sluice-bench
log "timing the report queries for one org over $FROM .. $TO"
QUERIES=$(DATABASE_URL=$URL "$TARGET/debug/sluice-bench" rollup --org "$ORG" --from "$FROM" --to "$TO")

log "for comparison: the same month of that org grouped straight from the ledger"
SCAN_START=$(now_ms)
psql_db -At -c "select team_id, count(*), sum(cost_nano) from usage_ledger
    where org_id = '$ORG' and occurred_at >= '$FROM' and occurred_at < '$TO'::date + 1 group by team_id" >/dev/null
SCAN_MS=$(( $(now_ms) - SCAN_START ))

log "ledger batches of 500 rows with and without the roll-up trigger"
WITH_TRIGGER=$(DATABASE_URL=$URL "$TARGET/debug/sluice-bench" rollup --org "$ORG" --from "$FROM" --to "$TO" --batches 21)
psql_db -c "alter table usage_ledger disable trigger usage_ledger_rollup"
WITHOUT_TRIGGER=$(DATABASE_URL=$URL "$TARGET/debug/sluice-bench" rollup --org "$ORG" --from "$FROM" --to "$TO" --batches 21)
psql_db -c "alter table usage_ledger enable trigger usage_ledger_rollup"

mkdir -p bench/results
{
  echo "# Billing roll-up benchmark ($(date -u +%Y-%m-%d), PostgreSQL $(psql_db -At -c 'show server_version'), $(nproc) CPUs)"
  echo
  echo "- ledger rows: $LEDGER_ROWS over $FROM .. $TO (ledger partition $LEDGER_SIZE)"
  echo "- generated in $((GEN_MS / 1000)) s with the roll-up trigger on ($DAYS INSERT statements)"
  echo "- usage roll-up rows: $ROLLUP_ROWS ($ORG_ROLLUP_ROWS for the measured org; $ROLLUP_SIZE); egress roll-up rows: $EGRESS_ROWS"
  echo "- one org's month grouped by team straight from the ledger (no roll-up): $SCAN_MS ms (psql, including connection)"
  echo "- insert_batch, trigger on: $WITH_TRIGGER"
  echo "- insert_batch, trigger off: $WITHOUT_TRIGGER"
  echo
  echo "$QUERIES"
} | tee "$OUT"
