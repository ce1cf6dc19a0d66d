-- Uploads are stored in bounded steps (see scans.rs): a scan row is written first, with status
-- 'ingesting' and a heartbeat renewed at every step, and becomes 'complete' (or 'failed') at the
-- end. At most one ingest per branch runs at a time; a dead one (no heartbeat) is taken over.
ALTER TABLE scans ADD COLUMN status TEXT NOT NULL DEFAULT 'complete';
ALTER TABLE scans ADD COLUMN heartbeat_at BIGINT;
CREATE UNIQUE INDEX scans_one_ingest_per_branch ON scans (repository_id, branch) WHERE status = 'ingesting';
