-- The usage ledger: exactly one row per admitted request (filled by the gateway).
--
-- Partitioned by month on occurred_at. occurred_at is fixed by the gateway when it admits the
-- request and travels with the usage event, so (request_id, occurred_at) identifies a request and
-- a redelivered event hits the primary key instead of adding a second row. There are no foreign
-- keys: the ledger must keep every row even if a key or team is later removed, and inserts must
-- stay cheap. A default partition catches rows outside the prepared months so none is refused.

create table usage_ledger (
    request_id                  uuid not null,
    occurred_at                 timestamptz not null,
    org_id                      uuid not null,
    team_id                     uuid not null,
    key_id                      uuid not null,
    user_id                     uuid,
    endpoint                    text not null,
    requested_model             text not null,
    routed_model                text,
    provider_id                 uuid,
    data_class                  text not null,
    task_tier                   text not null,
    decision_reasons            jsonb not null default '[]'::jsonb,
    input_tokens                bigint not null default 0,
    output_tokens               bigint not null default 0,
    cached_input_tokens         bigint not null default 0,
    usage_estimated             boolean not null default false,
    cost_nano                   bigint not null default 0,
    counterfactual_model        text,
    counterfactual_cost_nano    bigint,
    reserved_nano               bigint not null default 0,
    latency_ms                  integer,
    overhead_us                 integer,
    status                      text not null,
    error_code                  text,
    -- Retention, training and ZDR terms of the provider at the time of the request.
    data_terms                  jsonb,
    -- Only filled when the org has turned prompt logging on.
    prompt                      text,
    constraint usage_ledger_pkey primary key (request_id, occurred_at)
) partition by range (occurred_at);

create table usage_ledger_default partition of usage_ledger default;

-- Creates the monthly partitions covering [first month of `from_month`, + `months`) if missing.
-- Called by this migration and again at every start, so there is always a partition ahead.
create function sluice_ensure_ledger_partitions(from_month date, months integer) returns void
language plpgsql as $$
declare
    month_start date;
    partition_name text;
begin
    for i in 0 .. months - 1 loop
        month_start := (date_trunc('month', from_month) + make_interval(months => i))::date;
        partition_name := format('usage_ledger_y%sm%s', to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
        if to_regclass(partition_name) is null then
            execute format(
                'create table %I partition of usage_ledger for values from (%L) to (%L)',
                partition_name, month_start, (month_start + interval '1 month')::date);
        end if;
    end loop;
end;
$$;

select sluice_ensure_ledger_partitions((now() at time zone 'UTC')::date, 3);

create index usage_ledger_org_time_idx on usage_ledger (org_id, occurred_at);
create index usage_ledger_key_time_idx on usage_ledger (key_id, occurred_at);
