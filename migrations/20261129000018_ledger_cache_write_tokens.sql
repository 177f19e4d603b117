-- Prompt-cache writes are billed apart from input (Anthropic charges them at 1.25x or 2x the
-- input price), so the ledger keeps their count beside the cache reads: the cost of a row can be
-- re-derived from its tokens, and invoices that report cache writes as their own line can be
-- reconciled token type by token type. Like cached_input_tokens, they are included in
-- input_tokens.
alter table usage_ledger add column cache_write_input_tokens bigint not null default 0
    constraint usage_ledger_cache_write_input_tokens_check check (cache_write_input_tokens >= 0);
