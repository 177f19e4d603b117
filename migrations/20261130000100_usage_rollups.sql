-- Daily roll-ups of the usage ledger, so usage, savings and egress reports read a few thousand
-- pre-summed rows instead of scanning millions of ledger rows.
--
-- Two tables, both keyed by UTC day and org:
--
-- * usage_rollup_daily: × team × key × routed model × provider × data class × route reason, with
--   request and token counts, the cost and the counterfactual cost (what the org's declared
--   default model would have cost; a ledger row without one counts its actual cost).
-- * egress_rollup_daily: × provider × the data terms in force when the request left (trust tier,
--   region, retention days, trains-on-data, zero-data-retention) × data class, with request and
--   token counts. Only rows that went to a provider, and not those refused before anything was
--   sent (status invalid_request).
--
-- Both are maintained by one statement-level AFTER INSERT trigger on usage_ledger whose
-- transition table holds exactly the rows the statement inserted. The ledger insert is
-- `on conflict do nothing`, so a redelivered row is not in the transition table and is not
-- counted twice; the roll-ups change in the same transaction as the ledger, so they can never
-- disagree with it. A statement trigger with a transition table on a partitioned table sees the
-- rows of every partition (PostgreSQL 11+), including partitions created later.
--
-- The ledger is append-only: nothing updates or deletes its rows. Whoever drops an old ledger
-- partition must delete the same days from the roll-ups (or call sluice_rebuild_usage_rollups).
--
-- Concurrent shipper batches upsert the same roll-up rows; each statement upserts its groups in
-- key order, so two transactions always lock shared rows in the same order and cannot deadlock.
-- Data terms are read defensively (a value of the wrong JSON type counts as not recorded): a
-- malformed row must never make the ledger insert itself fail.

-- The route reason of a ledger row: the one fact that decided where the request went, taken
-- from the router's reasons (`decision_reasons`, a JSON array of {"kind": ...} objects written
-- by the gateway from sluice_router::decision::Reason). First match wins:
--   rerouted    the caller named a model its data may not go to; the policy matrix chose instead
--   explicit    the caller named a model and it was allowed (embeddings always are this)
--   degraded    routed by the matrix after a budget passed the degradation threshold
--   sensitivity routed by the matrix, and the data class (not public) picked the pool
--   complexity  routed by the matrix on public data: the complexity tier picked the pool
--   none        no routing decision recorded (rows settled by the reconciler for a crashed
--               gateway, rows from before the router)
create function sluice_route_reason(reasons jsonb, data_class text) returns text
language sql immutable parallel safe as $$
    select case
        when reasons @> '[{"kind": "rerouted"}]' then 'rerouted'
        when reasons @> '[{"kind": "explicit"}]' then 'explicit'
        when reasons @> '[{"kind": "degraded"}]' then 'degraded'
        when reasons @> '[{"kind": "matrix"}]' then case when data_class = 'public' then 'complexity' else 'sensitivity' end
        else 'none'
    end
$$;

create table usage_rollup_daily (
    org_id                      uuid not null,
    day                         date not null,
    team_id                     uuid not null,
    key_id                      uuid not null,
    -- Null for requests the gateway never routed (settled by the reconciler).
    routed_model                text,
    provider_id                 uuid,
    data_class                  text not null,
    route_reason                text not null,
    requests                    bigint not null,
    -- Requests whose tokens were estimated (the provider reported no usage).
    estimated_requests          bigint not null,
    input_tokens                bigint not null,
    output_tokens               bigint not null,
    cached_input_tokens         bigint not null,
    cache_write_input_tokens    bigint not null,
    cost_nano                   bigint not null,
    counterfactual_cost_nano    bigint not null,
    -- Org and day first: every report reads one org's range of days.
    constraint usage_rollup_daily_key
        unique nulls not distinct (org_id, day, team_id, key_id, routed_model, provider_id, data_class, route_reason)
);

create table egress_rollup_daily (
    org_id                  uuid not null,
    day                     date not null,
    provider_id             uuid not null,
    -- From the row's data terms at request time; null where the row recorded none.
    trust_tier              text,
    region                  text,
    retention_days          integer,
    trains_on_data          boolean,
    zero_data_retention     boolean,
    data_class              text not null,
    requests                bigint not null,
    input_tokens            bigint not null,
    output_tokens           bigint not null,
    constraint egress_rollup_daily_key
        unique nulls not distinct (org_id, day, provider_id, trust_tier, region, retention_days, trains_on_data, zero_data_retention, data_class)
);

-- The two upserts that add a set of ledger rows (the relation `source`) to the roll-ups. One
-- definition serves the trigger (source = its transition table) and the backfill and rebuild
-- (source = usage_ledger), so they cannot count differently.
create function sluice_ledger_rollup_statements(source text) returns text[]
language sql immutable as $fn$
    select array[
        format($sql$
            insert into usage_rollup_daily as r (org_id, day, team_id, key_id, routed_model, provider_id, data_class, route_reason,
                requests, estimated_requests, input_tokens, output_tokens, cached_input_tokens, cache_write_input_tokens,
                cost_nano, counterfactual_cost_nano)
            select l.org_id, (l.occurred_at at time zone 'UTC')::date, l.team_id, l.key_id, l.routed_model, l.provider_id, l.data_class,
                   sluice_route_reason(l.decision_reasons, l.data_class),
                   count(*), count(*) filter (where l.usage_estimated),
                   sum(l.input_tokens)::bigint, sum(l.output_tokens)::bigint, sum(l.cached_input_tokens)::bigint,
                   sum(l.cache_write_input_tokens)::bigint, sum(l.cost_nano)::bigint,
                   sum(coalesce(l.counterfactual_cost_nano, l.cost_nano))::bigint
            from %I l
            group by 1, 2, 3, 4, 5, 6, 7, 8
            order by 1, 2, 3, 4, 5, 6, 7, 8
            on conflict (org_id, day, team_id, key_id, routed_model, provider_id, data_class, route_reason) do update set
                requests = r.requests + excluded.requests,
                estimated_requests = r.estimated_requests + excluded.estimated_requests,
                input_tokens = r.input_tokens + excluded.input_tokens,
                output_tokens = r.output_tokens + excluded.output_tokens,
                cached_input_tokens = r.cached_input_tokens + excluded.cached_input_tokens,
                cache_write_input_tokens = r.cache_write_input_tokens + excluded.cache_write_input_tokens,
                cost_nano = r.cost_nano + excluded.cost_nano,
                counterfactual_cost_nano = r.counterfactual_cost_nano + excluded.counterfactual_cost_nano
        $sql$, source),
        format($sql$
            insert into egress_rollup_daily as r (org_id, day, provider_id, trust_tier, region, retention_days, trains_on_data,
                zero_data_retention, data_class, requests, input_tokens, output_tokens)
            select l.org_id, (l.occurred_at at time zone 'UTC')::date, l.provider_id,
                   l.data_terms ->> 'trust_tier', l.data_terms ->> 'region',
                   case when jsonb_typeof(l.data_terms -> 'retention_days') = 'number'
                        then least(greatest((l.data_terms -> 'retention_days')::numeric, 0), 2147483647)::integer end,
                   case when jsonb_typeof(l.data_terms -> 'trains_on_data') = 'boolean' then (l.data_terms -> 'trains_on_data')::boolean end,
                   case when jsonb_typeof(l.data_terms -> 'zero_data_retention') = 'boolean' then (l.data_terms -> 'zero_data_retention')::boolean end,
                   l.data_class,
                   count(*), sum(l.input_tokens)::bigint, sum(l.output_tokens)::bigint
            from %I l
            where l.provider_id is not null and l.status <> 'invalid_request'
            group by 1, 2, 3, 4, 5, 6, 7, 8, 9
            order by 1, 2, 3, 4, 5, 6, 7, 8, 9
            on conflict (org_id, day, provider_id, trust_tier, region, retention_days, trains_on_data, zero_data_retention, data_class)
            do update set
                requests = r.requests + excluded.requests,
                input_tokens = r.input_tokens + excluded.input_tokens,
                output_tokens = r.output_tokens + excluded.output_tokens
        $sql$, source)
    ]
$fn$;

create function sluice_usage_ledger_rollup() returns trigger
language plpgsql as $$
declare
    statement text;
begin
    foreach statement in array sluice_ledger_rollup_statements('new_rows') loop
        execute statement;
    end loop;
    return null;
end;
$$;

create trigger usage_ledger_rollup after insert on usage_ledger
    referencing new table as new_rows
    for each statement execute function sluice_usage_ledger_rollup();

-- Recomputes both roll-ups from the whole ledger (the backfill below; a repair after ledger
-- partitions were dropped). Takes the ledger's share lock so no insert slips between the two.
create function sluice_rebuild_usage_rollups() returns void
language plpgsql as $$
declare
    statement text;
begin
    lock table usage_ledger in share mode;
    delete from usage_rollup_daily;
    delete from egress_rollup_daily;
    foreach statement in array sluice_ledger_rollup_statements('usage_ledger') loop
        execute statement;
    end loop;
end;
$$;

-- Backfill: the ledger rows written before this migration.
select sluice_rebuild_usage_rollups();
