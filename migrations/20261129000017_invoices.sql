-- Billing, first slice: providers' invoices imported per org, and per-org negotiated prices.
--
-- Why: reconciliation compares the usage ledger with what providers actually bill. Exports are
-- imported as batches (one per uploaded document) of invoice lines. Imports must be idempotent —
-- operators re-upload files, and API pages overlap — so each line carries a natural key (SHA-256
-- over its content and its occurrence number among identical lines of its document, computed by
-- sluice-billing) that is unique per org: re-importing adds nothing, while a line a provider
-- really listed twice keeps both copies and is reported as a duplicate. A batch is keyed by the
-- SHA-256 of the document so the same file imported twice is recognised as such.

create table invoice_imports (
    id              uuid primary key,
    org_id          uuid not null constraint invoice_imports_org_id_fkey references organizations (id),
    -- Sluice's provider name the export belongs to (lower case), e.g. `openai`.
    provider        text not null constraint invoice_imports_provider_nonempty check (provider <> ''),
    format          text not null constraint invoice_imports_format_known
                        check (format in ('openai-costs', 'openai-usage', 'anthropic-cost', 'anthropic-usage', 'csv')),
    content_sha256  bytea not null constraint invoice_imports_sha256_length check (length(content_sha256) = 32),
    lines_total     integer not null constraint invoice_imports_lines_total_nonnegative check (lines_total >= 0),
    lines_new       integer not null constraint invoice_imports_lines_new_range check (lines_new between 0 and lines_total),
    -- Null when imported from the command line.
    imported_by     uuid constraint invoice_imports_imported_by_fkey references users (id),
    created_at      timestamptz not null default now(),
    constraint invoice_imports_org_content_key unique (org_id, content_sha256)
);

create table invoice_lines (
    id              uuid primary key,
    org_id          uuid not null constraint invoice_lines_org_id_fkey references organizations (id),
    import_id       uuid not null constraint invoice_lines_import_id_fkey references invoice_imports (id),
    natural_key     bytea not null constraint invoice_lines_natural_key_length check (length(natural_key) = 32),
    occurrence      integer not null constraint invoice_lines_occurrence_nonnegative check (occurrence >= 0),
    provider        text not null,
    -- Start of the provider's time bucket; reconciliation works on its UTC day.
    bucket_start    timestamptz not null,
    -- The model as the provider wrote it (often a dated snapshot).
    model           text not null,
    -- input, cached_input, cache_write, output, or the provider's label of another charge.
    token_type      text not null,
    quantity        bigint constraint invoice_lines_quantity_nonnegative check (quantity >= 0),
    -- Nano-USD; may be negative (credits).
    amount_nano     bigint,
    project         text,
    api_key         text,
    constraint invoice_lines_measure_present check (quantity is not null or amount_nano is not null),
    constraint invoice_lines_org_natural_key unique (org_id, natural_key)
);
create index invoice_lines_org_bucket_idx on invoice_lines (org_id, bucket_start);

-- Negotiated prices: an org's own price versions for a model, taking precedence over the price
-- book's for that org. Append-only like `model_prices`, and for the same reason (costs already
-- computed must stay explainable). Reconciliation prices the ledger's tokens with them.
create table org_model_prices (
    id                          uuid primary key,
    org_id                      uuid not null constraint org_model_prices_org_id_fkey references organizations (id),
    model_id                    uuid not null constraint org_model_prices_model_id_fkey references models (id) on delete cascade,
    effective_from              timestamptz not null,
    input_nano_per_mtok         bigint not null constraint org_model_prices_input_nonnegative check (input_nano_per_mtok >= 0),
    output_nano_per_mtok        bigint not null constraint org_model_prices_output_nonnegative check (output_nano_per_mtok >= 0),
    cached_input_nano_per_mtok  bigint constraint org_model_prices_cached_nonnegative check (cached_input_nano_per_mtok >= 0),
    cache_write_nano_per_mtok   bigint constraint org_model_prices_cache_write_nonnegative check (cache_write_nano_per_mtok >= 0),
    created_at                  timestamptz not null default now(),
    constraint org_model_prices_org_model_effective_key unique (org_id, model_id, effective_from)
);
