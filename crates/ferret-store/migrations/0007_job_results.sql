-- Which workspace a job works for (jobs are listed per workspace), when it started, and what
-- it produced (JSON: the scan id and its counts).
ALTER TABLE jobs ADD COLUMN workspace_id TEXT;
ALTER TABLE jobs ADD COLUMN started_at BIGINT;
ALTER TABLE jobs ADD COLUMN result TEXT;
CREATE INDEX jobs_workspace ON jobs (workspace_id, created_at);
