-- Gateways keep an in-memory snapshot of keys, limits, budgets, policies, providers and prices
-- (no database call on the request path). Any change to those tables notifies channel
-- `sluice_config` with the table's name, so every gateway reloads within moments; a periodic
-- full reload bounds staleness if a notification is ever missed. Statement-level triggers: one
-- notification per statement, and PostgreSQL folds duplicates within a transaction.

create function sluice_notify_config_change() returns trigger
language plpgsql as $$
begin
    perform pg_notify('sluice_config', tg_table_name);
    return null;
end;
$$;

do $$
declare
    t text;
begin
    foreach t in array array['organizations', 'teams', 'virtual_keys', 'virtual_key_secrets', 'budgets', 'rate_limits',
                             'routing_policies', 'providers', 'models', 'model_prices']
    loop
        execute format(
            'create trigger %I after insert or update or delete or truncate on %I
             for each statement execute function sluice_notify_config_change()',
            t || '_notify_config_change', t);
    end loop;
end;
$$;
