-- Every process creates the coming months' ledger partitions at start, and the worker does it
-- hourly. Two sessions running the function at once could both see a partition missing and
-- both try to create it, and one would fail with "relation already exists" (a rolling deploy
-- starts many pods together). The function now takes a transaction-scoped advisory lock first,
-- so concurrent callers run it one after the other; the second finds the partitions there.
-- Same signature and behaviour otherwise (forward-only: the original stays in its migration).

create or replace function sluice_ensure_ledger_partitions(from_month date, months integer) returns void
language plpgsql as $$
declare
    month_start date;
    partition_name text;
begin
    -- Released when the calling transaction ends.
    perform pg_advisory_xact_lock(hashtext('sluice_ensure_ledger_partitions'));
    for i in 0 .. months - 1 loop
        month_start := (date_trunc('month', from_month) + make_interval(months => i))::date;
        partition_name := format('usage_ledger_y%sm%s', to_char(month_start, 'YYYY'), to_char(month_start, 'MM'));
        if to_regclass(partition_name) is null then
            execute format(
                'create table %I partition of usage_ledger for values from (%L) to (%L)',
                partition_name, month_start, (month_start + interval '1 month')::date);
        end if;
    end loop;
end;
$$;
