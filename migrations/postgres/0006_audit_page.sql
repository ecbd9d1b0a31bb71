-- The audit page lists the newest entries first, for an auditor's communes (chains) and a
-- date range: without these every page view sorted the whole log.
CREATE INDEX audit_log_at ON audit_log(at);
CREATE INDEX audit_log_chain_at ON audit_log(chain, at);
