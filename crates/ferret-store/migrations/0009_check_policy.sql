-- When a hosted scan's check run fails: `high` (a new high or critical finding, the default),
-- `any` (any new finding) or `never` (report, never fail: the conclusion is neutral).
ALTER TABLE workspaces ADD COLUMN check_policy TEXT NOT NULL DEFAULT 'high';
