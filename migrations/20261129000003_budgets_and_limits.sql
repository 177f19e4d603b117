-- Budgets and rate limits. Both attach to exactly one target: the org itself (team_id and
-- key_id null), one team, or one key. Money is integer nano-USD (1 USD = 1e9).

create type budget_period as enum ('daily', 'weekly', 'monthly', 'total');
create type budget_exhaustion as enum ('block', 'downgrade');

create table budgets (
    id                  uuid primary key,
    org_id              uuid not null references organizations (id) on delete cascade,
    team_id             uuid references teams (id) on delete cascade,
    key_id              uuid references virtual_keys (id) on delete cascade,
    amount_nano         bigint not null constraint budgets_amount_positive check (amount_nano > 0),
    period              budget_period not null,
    -- A hard budget refuses requests that could exceed it; a soft one only alerts.
    hard                boolean not null default true,
    -- Percentages of the amount at which an alert fires, ascending, each in 1..=100.
    alert_thresholds    smallint[] not null default '{}',
    on_exhaustion       budget_exhaustion not null default 'block',
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint budgets_single_target check (num_nonnulls(team_id, key_id) <= 1),
    constraint budgets_target_period_key unique nulls not distinct (org_id, team_id, key_id, period)
);
create index budgets_org_idx on budgets (org_id, id);

create table rate_limits (
    id              uuid primary key,
    org_id          uuid not null references organizations (id) on delete cascade,
    team_id         uuid references teams (id) on delete cascade,
    key_id          uuid references virtual_keys (id) on delete cascade,
    -- Requests per minute, tokens per minute, requests in flight. Null = not limited.
    rpm             integer constraint rate_limits_rpm_positive check (rpm > 0),
    tpm             integer constraint rate_limits_tpm_positive check (tpm > 0),
    max_parallel    integer constraint rate_limits_max_parallel_positive check (max_parallel > 0),
    created_at      timestamptz not null default now(),
    updated_at      timestamptz not null default now(),
    constraint rate_limits_single_target check (num_nonnulls(team_id, key_id) <= 1),
    constraint rate_limits_some_limit check (num_nonnulls(rpm, tpm, max_parallel) >= 1),
    constraint rate_limits_target_key unique nulls not distinct (org_id, team_id, key_id)
);
create index rate_limits_org_idx on rate_limits (org_id, id);
