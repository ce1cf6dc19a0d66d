-- Pending "Connect GitHub" requests (see crates/ferret-store/src/github.rs): the hash of the
-- `state` sent to GitHub's installation page, bound to the session and workspace that asked.
-- Single use, expiring.
CREATE TABLE github_connect_states (
    state_hash TEXT PRIMARY KEY,
    workspace_id TEXT NOT NULL REFERENCES workspaces(id) ON DELETE CASCADE,
    user_id TEXT NOT NULL,
    session_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL
);
