-- Prompt logging is off unless an org owner or admin turns it on: the ledger's `prompt` column
-- stays null otherwise. When on, the gateway stores the request as it was sent upstream (after
-- any redaction the policy applied), capped in size, so what is kept is what left.
alter table organizations add column prompt_logging boolean not null default false;
