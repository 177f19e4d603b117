-- The router's complexity score of each request, kept with its data class and task tier so a
-- candidate policy can be replayed over past traffic (the what-if report) without storing
-- prompts. Null for rows written before the router existed and for non-chat endpoints.
alter table usage_ledger add column complexity_score real
    constraint usage_ledger_complexity_score_range check (complexity_score between 0 and 1);
