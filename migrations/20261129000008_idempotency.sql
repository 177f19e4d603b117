-- Idempotency records for POST requests carrying an `Idempotency-Key` header.
-- A record is claimed (status null) before the handler runs and completed with the response
-- afterwards; a replay with the same key and body gets the stored response, a different body
-- gets 422. Keys are scoped per principal so two users cannot collide or read each other's.

create table idempotency_records (
    principal       text not null,
    idempotency_key text not null,
    -- SHA-256 over method, path and body of the first request.
    request_hash    bytea not null,
    status_code     smallint,
    response_body   bytea,
    content_type    text,
    created_at      timestamptz not null default now(),
    completed_at    timestamptz,
    constraint idempotency_records_pkey primary key (principal, idempotency_key)
);
create index idempotency_records_created_idx on idempotency_records (created_at);
