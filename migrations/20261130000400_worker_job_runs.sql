-- Background jobs run by `sluice worker` (and by `sluice up`, which embeds the same worker).
--
-- Several workers may run at once (Kubernetes replicas, a rolling deploy). Each job runs at
-- most once per time slot: a worker claims the slot by inserting its row, and the primary key
-- makes every other worker's insert a no-op, so only the claimer runs the job for that slot.
-- Slots are computed from the database's clock, so workers with skewed clocks still agree.
-- The jobs are idempotent as well, so a run that dies half-way is simply redone in the next
-- slot. The rows double as a run history for operators ("when did partitions last succeed?").

create table worker_job_runs (
    job          text not null,
    -- Start of the slot (epoch seconds rounded down to a multiple of the job's interval).
    slot         timestamptz not null,
    -- Who claimed it: host name and process id of the worker.
    worker       text not null,
    started_at   timestamptz not null default now(),
    finished_at  timestamptz,
    -- null while running (or if the worker died while running the job).
    outcome      text,
    -- A short, secret-free summary (rows purged) or the error's message.
    detail       text,
    constraint worker_job_runs_pkey primary key (job, slot),
    constraint worker_job_runs_outcome_check check (outcome in ('ok', 'failed')),
    constraint worker_job_runs_job_check check (length(job) between 1 and 64)
);
create index worker_job_runs_slot_idx on worker_job_runs (slot);
