-- Gateways charge an org's negotiated prices (org_model_prices) instead of the price book's, so
-- a new price version must reach their in-memory snapshots like any other configuration change:
-- the same statement-level notification as migration 0012's tables.

create trigger org_model_prices_notify_config_change after insert or update or delete or truncate on org_model_prices
    for each statement execute function sluice_notify_config_change();
