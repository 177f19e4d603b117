-- Virtual API keys. A key is the durable identity that scopes, limits, budgets, policies and
-- ledger rows attach to; its secrets are the rotating credentials. Rotation adds a secret and
-- gives the old one a grace expiry, so the key id (and everything hanging off it) never changes.

create table virtual_keys (
    id                  uuid primary key,
    org_id              uuid not null references organizations (id) on delete cascade,
    team_id             uuid not null references teams (id),
    -- The console user the key belongs to, if any.
    user_id             uuid references users (id) on delete set null,
    name                text not null constraint virtual_keys_name_len check (length(name) between 1 and 200),
    -- Empty array = no restriction. Entries are model names or aliases such as `auto`.
    allowed_models      text[] not null default '{}',
    -- Empty array = every data-plane endpoint. Entries: chat, embeddings, messages, models.
    allowed_endpoints   text[] not null default '{}',
    metadata            jsonb not null default '{}'::jsonb,
    expires_at          timestamptz,
    revoked_at          timestamptz,
    created_by          uuid references users (id) on delete set null,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint virtual_keys_metadata_object check (jsonb_typeof(metadata) = 'object')
);
create index virtual_keys_org_idx on virtual_keys (org_id, id);
create index virtual_keys_team_idx on virtual_keys (team_id);

create table virtual_key_secrets (
    id              uuid primary key,
    key_id          uuid not null references virtual_keys (id) on delete cascade,
    -- SHA-256 of the full secret string. The secret is shown once at creation and never stored.
    secret_hash     bytea not null,
    -- First characters of the secret (type prefix and a few random characters) and its last
    -- four, so people can recognise a key without the secret.
    display_prefix  text not null,
    last4           text not null,
    created_at      timestamptz not null default now(),
    -- Set on the old secret when the key is rotated with a grace period.
    expires_at      timestamptz,
    revoked_at      timestamptz,
    constraint virtual_key_secrets_hash_key unique (secret_hash),
    constraint virtual_key_secrets_hash_len check (length(secret_hash) = 32)
);
create index virtual_key_secrets_key_idx on virtual_key_secrets (key_id, created_at desc);
