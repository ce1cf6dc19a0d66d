-- Where a session was started (client address and browser), so its owner can recognise it in
-- the list of active sessions and revoke the ones they do not.
ALTER TABLE sessions ADD COLUMN ip TEXT;
ALTER TABLE sessions ADD COLUMN user_agent TEXT;
