-- Providers, the models they serve and the versioned price book.
--
-- Providers and models are platform-wide: the platform team connects them once and every org's
-- routing policy chooses among them. Credentials are AES-256-GCM ciphertext under a key from the
-- configuration (`credentials_key_id` names which one, so the key can be rotated); they are
-- write-only through the API.

create type provider_kind as enum ('openai', 'anthropic', 'openai_compatible');
create type trust_tier as enum ('local', 'private', 'external');
create type capability_tier as enum ('small', 'medium', 'large', 'reasoning');
-- What a model serves: chat (and Anthropic messages) or embeddings.
create type model_mode as enum ('chat', 'embedding');

create table providers (
    id                      uuid primary key,
    name                    text not null,
    kind                    provider_kind not null,
    base_url                text not null,
    trust_tier              trust_tier not null,
    region                  text,
    -- Data terms in force with this provider; copied into each ledger row at request time.
    retention_days          integer constraint providers_retention_days_nonnegative check (retention_days >= 0),
    trains_on_data          boolean not null default false,
    zero_data_retention     boolean not null default false,
    credentials_ciphertext  bytea,
    credentials_key_id      text,
    enabled                 boolean not null default true,
    created_at              timestamptz not null default now(),
    updated_at              timestamptz not null default now(),
    constraint providers_name_key unique (name),
    constraint providers_credentials_pair check ((credentials_ciphertext is null) = (credentials_key_id is null))
);

create table models (
    id                  uuid primary key,
    provider_id         uuid not null references providers (id) on delete restrict,
    -- The name clients ask for (and policies list); unique across providers.
    name                text not null,
    upstream_name       text not null,
    capability_tier     capability_tier not null,
    mode                model_mode not null default 'chat',
    context_window      integer constraint models_context_window_positive check (context_window > 0),
    max_output_tokens   integer constraint models_max_output_positive check (max_output_tokens > 0),
    enabled             boolean not null default true,
    created_at          timestamptz not null default now(),
    updated_at          timestamptz not null default now(),
    constraint models_name_key unique (name),
    constraint models_provider_upstream_key unique (provider_id, upstream_name)
);

-- Append-only price versions: the price in force at time T is the row with the greatest
-- effective_from <= T. Amounts are nano-USD per million tokens.
create table model_prices (
    id                          uuid primary key,
    model_id                    uuid not null references models (id) on delete cascade,
    effective_from              timestamptz not null,
    input_nano_per_mtok         bigint not null constraint model_prices_input_nonnegative check (input_nano_per_mtok >= 0),
    output_nano_per_mtok        bigint not null constraint model_prices_output_nonnegative check (output_nano_per_mtok >= 0),
    cached_input_nano_per_mtok  bigint constraint model_prices_cached_nonnegative check (cached_input_nano_per_mtok >= 0),
    cache_write_nano_per_mtok   bigint constraint model_prices_cache_write_nonnegative check (cache_write_nano_per_mtok >= 0),
    created_at                  timestamptz not null default now(),
    constraint model_prices_model_effective_key unique (model_id, effective_from)
);
