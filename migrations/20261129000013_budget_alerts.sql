-- Budget alerts: a budget's spend in a period crossed one of its alert thresholds, or a soft
-- budget went past its amount. Gateways record them (through their outbox, like ledger rows);
-- delivery by webhook comes with billing. One row per (budget, period, threshold): replicas and
-- replays cannot raise the same alert twice.

create table budget_alerts (
    id                  uuid primary key,
    org_id              uuid not null,
    budget_id           uuid not null,
    period              text not null,
    -- Percent of the amount; 100 for "reached the amount".
    threshold_percent   smallint not null,
    spent_nano          bigint not null,
    amount_nano         bigint not null,
    occurred_at         timestamptz not null,
    delivered_at        timestamptz,
    constraint budget_alerts_once unique (budget_id, period, threshold_percent)
);
create index budget_alerts_org_idx on budget_alerts (org_id, occurred_at desc);
