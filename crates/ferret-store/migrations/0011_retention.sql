-- How long a workspace keeps history, in days (0: for ever): older scans, and findings fixed
-- longer ago than that, are deleted by the server's hourly retention task.
ALTER TABLE workspaces ADD COLUMN retention_days BIGINT NOT NULL DEFAULT 0;
