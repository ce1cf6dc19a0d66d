-- Facts about the installation that every server sharing the database must agree on (the id of
-- the server key, so that servers started with different keys refuse to run).
CREATE TABLE server_settings (
    name TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
