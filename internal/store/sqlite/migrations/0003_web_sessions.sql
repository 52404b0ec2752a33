-- 0003: sessions of the web interface.
--
-- A browser holds a random token in a cookie; only its SHA-256 is kept here,
-- as for OAuth tokens. Expired rows are removed when new sessions are made.

CREATE TABLE web_sessions (
	token_hash TEXT    PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
) WITHOUT ROWID;
-- Ending every session of an account (password change).
CREATE INDEX web_sessions_account ON web_sessions (account_id);
-- Dropping expired sessions.
CREATE INDEX web_sessions_expires ON web_sessions (expires_at);
