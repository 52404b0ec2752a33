-- 0002: full-text search of posts, accounts and hashtags, and the counts
-- behind trending hashtags.
--
-- Text is indexed in the form package search gives it (search.IndexText):
-- Arabic and Persian letter variants unified, diacritics and the zero-width
-- non-joiner removed, Latin lower-cased without accents. FTS5 then only
-- splits words; its own folding is off (remove_diacritics 0), and combining
-- marks (M*) count as letters so that scripts whose vowel signs are marks
-- (Devanagari, say) are not cut inside words.
--
-- Posts written before this migration (or by the previous release while it
-- drains during a hot upgrade) are indexed and counted by the background
-- migration 0002_search_index (search.go), in small batches while the
-- server serves: done here, in one transaction, it would hold the writer
-- for as long as indexing every post takes.

-- Posts: rowid is the status id. Reblogs have no text and are not indexed.
CREATE VIRTUAL TABLE status_search USING fts5(
	body,
	tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
);

-- Accounts: rowid is the account id; words are the indexed username and
-- display name. Account rows are written elsewhere, so triggers (plain SQL)
-- only mark an account stale; SearchAccounts re-indexes stale accounts in
-- Go before it searches.
CREATE VIRTUAL TABLE account_search USING fts5(
	words,
	tokenize = "unicode61 remove_diacritics 0 categories 'L* N* Co M*'"
);
CREATE TABLE account_search_stale (
	account_id INTEGER PRIMARY KEY
);
INSERT INTO account_search_stale (account_id) SELECT id FROM accounts;
CREATE TRIGGER account_search_insert AFTER INSERT ON accounts BEGIN
	INSERT OR IGNORE INTO account_search_stale (account_id) VALUES (new.id);
END;
CREATE TRIGGER account_search_update AFTER UPDATE OF username, display_name ON accounts BEGIN
	INSERT OR IGNORE INTO account_search_stale (account_id) VALUES (new.id);
END;
CREATE TRIGGER account_search_delete AFTER DELETE ON accounts BEGIN
	DELETE FROM account_search WHERE rowid = old.id;
	DELETE FROM account_search_stale WHERE account_id = old.id;
END;

-- Hashtags used in public or unlisted posts (private ones are nobody
-- else's business), for hashtag search: folded is search.Normalize(key).
CREATE TABLE tags (
	key          TEXT    PRIMARY KEY,
	folded       TEXT    NOT NULL,
	last_used_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX tags_folded ON tags (folded);

-- Trend counts, written by CreateStatus for public and unlisted posts.
-- Hours and days are unix time divided by 3600 and 86400 (UTC). The
-- *_accounts tables hold one row per account however often it used the
-- tag, which is what makes the distinct-account counts exact.
CREATE TABLE tag_hour_accounts (
	tag_key    TEXT    NOT NULL,
	hour       INTEGER NOT NULL,
	account_id INTEGER NOT NULL,
	PRIMARY KEY (tag_key, hour, account_id)
) WITHOUT ROWID;
CREATE INDEX tag_hour_accounts_hour ON tag_hour_accounts (hour, tag_key);
CREATE TABLE tag_hours (
	tag_key  TEXT    NOT NULL,
	hour     INTEGER NOT NULL,
	uses     INTEGER NOT NULL,
	accounts INTEGER NOT NULL,
	PRIMARY KEY (tag_key, hour)
) WITHOUT ROWID;
CREATE INDEX tag_hours_hour ON tag_hours (hour);
CREATE TABLE tag_day_accounts (
	tag_key    TEXT    NOT NULL,
	day        INTEGER NOT NULL,
	account_id INTEGER NOT NULL,
	PRIMARY KEY (tag_key, day, account_id)
) WITHOUT ROWID;
CREATE INDEX tag_day_accounts_day ON tag_day_accounts (day);
CREATE TABLE tag_days (
	tag_key  TEXT    NOT NULL,
	day      INTEGER NOT NULL,
	uses     INTEGER NOT NULL,
	accounts INTEGER NOT NULL,
	PRIMARY KEY (tag_key, day)
) WITHOUT ROWID;
CREATE INDEX tag_days_day ON tag_days (day);
