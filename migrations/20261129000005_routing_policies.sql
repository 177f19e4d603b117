-- Routing policies: one validated JSON document per org, optionally overridden per team or key.
-- The document's shape is defined (and validated) by sluice-domain's `policy` module; the router
-- evaluates it. `revision` increases on every change so gateways can tell which one they hold.

create table routing_policies (
    id          uuid primary key,
    org_id      uuid not null references organizations (id) on delete cascade,
    team_id     uuid references teams (id) on delete cascade,
    key_id      uuid references virtual_keys (id) on delete cascade,
    document    jsonb not null,
    revision    integer not null default 1,
    created_at  timestamptz not null default now(),
    updated_at  timestamptz not null default now(),
    constraint routing_policies_single_target check (num_nonnulls(team_id, key_id) <= 1),
    constraint routing_policies_document_object check (jsonb_typeof(document) = 'object'),
    constraint routing_policies_target_key unique nulls not distinct (org_id, team_id, key_id)
);
create index routing_policies_org_idx on routing_policies (org_id, id);
