-- GitHub App installations this server has heard of (see crates/ferret-store/src/github.rs).
-- Ids and names only: an installation token is never stored.
CREATE TABLE github_installations (
    installation_id BIGINT PRIMARY KEY,
    account_login TEXT NOT NULL,
    account_type TEXT NOT NULL,
    suspended_at BIGINT,
    created_at BIGINT NOT NULL
);
-- Which workspaces an installation is connected to: written by the connect flow once the
-- connecting user has proved access to the installation.
CREATE TABLE github_connections (
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    installation_id BIGINT NOT NULL REFERENCES github_installations(installation_id) ON DELETE CASCADE,
    connected_by TEXT,
    connected_at BIGINT NOT NULL,
    PRIMARY KEY (workspace_id, installation_id)
);
-- A repository scanned through an installation: GitHub's id for it, the installation and the
-- default branch. `delete_after`: when its data goes, once the installation or the repository
-- is gone (a grace period).
ALTER TABLE repositories ADD COLUMN github_repo_id BIGINT;
ALTER TABLE repositories ADD COLUMN github_installation_id BIGINT;
ALTER TABLE repositories ADD COLUMN default_branch TEXT;
ALTER TABLE repositories ADD COLUMN delete_after BIGINT;
CREATE INDEX repositories_github ON repositories (github_installation_id, github_repo_id);
-- Webhook deliveries already handled (X-GitHub-Delivery): a replayed delivery is a no-op.
CREATE TABLE github_deliveries (
    delivery_id TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
-- What a job belongs to (e.g. `github-installation:42`), so that disconnecting cancels it.
ALTER TABLE jobs ADD COLUMN subject TEXT;
CREATE INDEX jobs_subject ON jobs (subject, state);
