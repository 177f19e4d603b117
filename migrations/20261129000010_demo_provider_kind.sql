-- The built-in demo provider family: answers in-process, deterministically and offline, so
-- `sluice up` works with no provider keys and tests need no network. The enum value is added in
-- its own migration because PostgreSQL cannot use a new enum value in the transaction that
-- adds it.

alter type provider_kind add value if not exists 'demo';
