-- Seed the price book with common current models of the two big providers, so a fresh install
-- can price requests as soon as a credential is added. Prices are facts taken from the public
-- LiteLLM price table (shared/data/costs, litellm 1.110.2 snapshot), converted from USD per token
-- to nano-USD per million tokens (x 1e15). They are a starting point: `effective_from` is a fixed
-- date before any ledger row, and newer prices are added as new versions, never by editing these.
-- Data terms are the providers' published API defaults (30-day abuse-monitoring retention, no
-- training on API data); operators with a zero-data-retention agreement set it on the provider.

insert into providers (id, name, kind, base_url, trust_tier, region, retention_days, trains_on_data, zero_data_retention)
values
    (gen_random_uuid(), 'openai', 'openai', 'https://api.openai.com/v1', 'external', 'us', 30, false, false),
    (gen_random_uuid(), 'anthropic', 'anthropic', 'https://api.anthropic.com', 'external', 'us', 30, false, false);

with seed (provider, name, tier, context_window, max_output, input_nano, output_nano, cached_nano, cache_write_nano) as (
    values
    ('openai', 'gpt-4o', 'large', 128000, 16384, 2500000000, 10000000000, 1250000000, null),
    ('openai', 'gpt-4o-mini', 'small', 128000, 16384, 150000000, 600000000, 75000000, null),
    ('openai', 'gpt-4.1', 'large', 1047576, 32768, 2000000000, 8000000000, 500000000, null),
    ('openai', 'gpt-4.1-mini', 'medium', 1047576, 32768, 400000000, 1600000000, 100000000, null),
    ('openai', 'gpt-4.1-nano', 'small', 1047576, 32768, 100000000, 400000000, 25000000, null),
    ('openai', 'gpt-5', 'reasoning', 272000, 128000, 1250000000, 10000000000, 125000000, null),
    ('openai', 'gpt-5-mini', 'medium', 272000, 128000, 250000000, 2000000000, 25000000, null),
    ('openai', 'gpt-5-nano', 'small', 272000, 128000, 50000000, 400000000, 5000000, null),
    ('openai', 'o4-mini', 'reasoning', 200000, 100000, 1100000000, 4400000000, 275000000, null),
    ('openai', 'text-embedding-3-small', 'small', 8191, null, 20000000, 0, null, null),
    ('openai', 'text-embedding-3-large', 'medium', 8191, null, 130000000, 0, null, null),
    ('anthropic', 'claude-opus-4-5', 'reasoning', 200000, 64000, 5000000000, 25000000000, 500000000, 6250000000),
    ('anthropic', 'claude-sonnet-4-5', 'large', 200000, 64000, 3000000000, 15000000000, 300000000, 3750000000),
    ('anthropic', 'claude-haiku-4-5', 'small', 200000, 64000, 1000000000, 5000000000, 100000000, 1250000000)
), inserted as (
    insert into models (id, provider_id, name, upstream_name, capability_tier, mode, context_window, max_output_tokens)
    select gen_random_uuid(), p.id, s.name, s.name, s.tier::capability_tier,
           case when s.name like 'text-embedding-%' then 'embedding' else 'chat' end::model_mode,
           s.context_window, s.max_output
    from seed s join providers p on p.name = s.provider
    returning id, name
)
insert into model_prices (id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok, cached_input_nano_per_mtok, cache_write_nano_per_mtok)
select gen_random_uuid(), i.id, timestamptz '2025-01-01 00:00:00+00', s.input_nano, s.output_nano, s.cached_nano, s.cache_write_nano
from inserted i join seed s on s.name = i.name;
