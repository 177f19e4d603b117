-- Seed the demo provider and two demo models, priced like a cheap and a frontier model
-- (gpt-4o-mini and gpt-4o list prices), so budgets, savings and routing behave as with real
-- providers. Trust tier `local`: the demo provider runs inside Sluice and no data leaves.
-- Operators disable it with PATCH /api/v1/providers/{id} {"enabled": false}.

insert into providers (id, name, kind, base_url, trust_tier, region, retention_days, trains_on_data, zero_data_retention)
values (gen_random_uuid(), 'demo', 'demo', 'http://127.0.0.1/demo', 'local', 'local', 0, false, true);

with seed (name, tier, input_nano, output_nano) as (
    values ('demo-small', 'small', 150000000::bigint, 600000000::bigint),
           ('demo-frontier', 'large', 2500000000::bigint, 10000000000::bigint)
), inserted as (
    insert into models (id, provider_id, name, upstream_name, capability_tier, mode, context_window, max_output_tokens)
    select gen_random_uuid(), p.id, s.name, s.name, s.tier::capability_tier, 'chat', 128000, 16384
    from seed s cross join providers p where p.name = 'demo'
    returning id, name
)
insert into model_prices (id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok)
select gen_random_uuid(), i.id, timestamptz '2025-01-01 00:00:00+00', s.input_nano, s.output_nano
from inserted i join seed s on s.name = i.name;

-- An embedding model on the demo provider.
insert into models (id, provider_id, name, upstream_name, capability_tier, mode, context_window)
select gen_random_uuid(), p.id, 'demo-embed', 'demo-embed', 'small', 'embedding', 8192 from providers p where p.name = 'demo';
insert into model_prices (id, model_id, effective_from, input_nano_per_mtok, output_nano_per_mtok)
select gen_random_uuid(), m.id, timestamptz '2025-01-01 00:00:00+00', 20000000, 0 from models m where m.name = 'demo-embed';
