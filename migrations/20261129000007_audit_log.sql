-- Append-only audit log: one row per mutation, written in the mutation's own transaction.
-- Rows name the actor, the action and the target ids; they never hold secrets (the admin API
-- writes only the fields it lists explicitly, never request bodies).

create table audit_log (
    id              bigint generated always as identity primary key,
    occurred_at     timestamptz not null default now(),
    -- Null for platform-level actions (providers, models, users).
    org_id          uuid,
    actor_user_id   uuid,
    action          text not null,
    target_type     text not null,
    target_id       uuid,
    details         jsonb not null default '{}'::jsonb
);
create index audit_log_org_idx on audit_log (org_id, id desc);

create function audit_log_reject_change() returns trigger
language plpgsql as $$
begin
    raise exception 'audit_log is append-only: % is not allowed', tg_op
        using errcode = 'insufficient_privilege';
end;
$$;

create trigger audit_log_no_update_or_delete
    before update or delete on audit_log
    for each row execute function audit_log_reject_change();

create trigger audit_log_no_truncate
    before truncate on audit_log
    for each statement execute function audit_log_reject_change();
