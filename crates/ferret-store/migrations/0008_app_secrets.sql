-- Secrets the server keeps (the GitHub App's private key, webhook and client secrets),
-- encrypted with AES-256-GCM under the operator's master key (see app_secrets.rs): a random
-- 96-bit nonce per encryption, and the id of the key that sealed each, for rotation.
CREATE TABLE app_secrets (
    name TEXT PRIMARY KEY,
    key_id TEXT NOT NULL,
    nonce TEXT NOT NULL,
    ciphertext TEXT NOT NULL,
    updated_at BIGINT NOT NULL
);
