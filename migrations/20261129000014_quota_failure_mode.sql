-- What a gateway does for an org when the shared quota store (Redis) cannot be reached:
--   deny  — refuse with 503 and call no provider (the default: budgets are never at risk);
--   local — decide in process, each replica limited to its share of the rate limits and of
--           the budget remaining at the last successful decision; the spend is replayed into
--           Redis once it is back;
--   allow — admit without limits; the spend is still recorded and replayed.

create type quota_failure_mode as enum ('deny', 'local', 'allow');

alter table organizations add column quota_failure_mode quota_failure_mode not null default 'deny';
