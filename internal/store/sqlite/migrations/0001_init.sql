-- 0001: the initial schema.
--
-- Conventions: ids are int64 made by the caller (package id) or, for rows the
-- caller never names, by the store with id.New(), so every paged list is an
-- index range scan on time-ordered ids. Times are INTEGER unix microseconds
-- (the precision PostgreSQL keeps, so both backends round-trip alike); 0 means
-- "never". Optional references are 0 rather than NULL, which keeps scanning
-- simple and lets partial indexes say "<> 0".
--
-- Every FOREIGN KEY column that points at statuses (the only parent rows that
-- are ever deleted) leads a full index: SQLite checks a parent delete by
-- looking the child rows up, and without such an index that is a table scan.
-- Partial indexes are "<> 0" indexes; SQLite uses one only when the query
-- repeats that literal term, so the queries in this package do.

CREATE TABLE accounts (
	id              INTEGER PRIMARY KEY,
	username        TEXT    NOT NULL,
	-- Case-folded copies made in Go (strings.ToLower): SQLite's lower() only
	-- folds ASCII, and one folding rule for every backend keeps uniqueness the
	-- same everywhere.
	username_key    TEXT    NOT NULL,
	email           TEXT    NOT NULL DEFAULT '',
	email_key       TEXT    NOT NULL DEFAULT '',
	display_name    TEXT    NOT NULL DEFAULT '',
	note            TEXT    NOT NULL DEFAULT '',
	password_hash   TEXT    NOT NULL DEFAULT '',
	locked          INTEGER NOT NULL DEFAULT 0,
	bot             INTEGER NOT NULL DEFAULT 0,
	admin           INTEGER NOT NULL DEFAULT 0,
	language        TEXT    NOT NULL DEFAULT '',
	created_at      INTEGER NOT NULL,
	statuses_count  INTEGER NOT NULL DEFAULT 0,
	followers_count INTEGER NOT NULL DEFAULT 0,
	following_count INTEGER NOT NULL DEFAULT 0,
	last_status_at  INTEGER NOT NULL DEFAULT 0,
	pull            INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX accounts_username_key ON accounts (username_key);
CREATE UNIQUE INDEX accounts_email_key ON accounts (email_key) WHERE email_key <> '';

CREATE TABLE statuses (
	id                     INTEGER PRIMARY KEY,
	account_id             INTEGER NOT NULL REFERENCES accounts (id),
	text                   TEXT    NOT NULL DEFAULT '',
	spoiler_text           TEXT    NOT NULL DEFAULT '',
	sensitive              INTEGER NOT NULL DEFAULT 0,
	visibility             TEXT    NOT NULL,
	language               TEXT    NOT NULL DEFAULT '',
	-- No foreign key: a reply keeps pointing at a deleted parent, as in Mastodon.
	in_reply_to_id         INTEGER NOT NULL DEFAULT 0,
	in_reply_to_account_id INTEGER NOT NULL DEFAULT 0,
	-- No foreign key either: CreateStatus checks the original exists (it needs
	-- its author anyway) and DeleteStatus deletes reblogs with their original.
	reblog_of_id           INTEGER NOT NULL DEFAULT 0,
	created_at             INTEGER NOT NULL,
	edited_at              INTEGER NOT NULL DEFAULT 0,
	replies_count          INTEGER NOT NULL DEFAULT 0,
	reblogs_count          INTEGER NOT NULL DEFAULT 0,
	favourites_count       INTEGER NOT NULL DEFAULT 0,
	application_id         INTEGER NOT NULL DEFAULT 0
);
-- An account's statuses, newest first.
CREATE INDEX statuses_account ON statuses (account_id, id);
-- One reblog per account and original.
CREATE UNIQUE INDEX statuses_account_reblog ON statuses (account_id, reblog_of_id) WHERE reblog_of_id <> 0;
-- Who reblogged a status, paged by the reblog's id.
CREATE INDEX statuses_reblog_of ON statuses (reblog_of_id, id) WHERE reblog_of_id <> 0;
-- Replies to a status, for threads.
CREATE INDEX statuses_in_reply_to ON statuses (in_reply_to_id, id) WHERE in_reply_to_id <> 0;
-- The public timeline: queries repeat this WHERE clause so the planner can use it.
CREATE INDEX statuses_public ON statuses (id) WHERE visibility = 'public' AND reblog_of_id = 0;

CREATE TABLE status_tags (
	status_id INTEGER NOT NULL REFERENCES statuses (id),
	tag_key   TEXT    NOT NULL,
	name      TEXT    NOT NULL, -- as written
	position  INTEGER NOT NULL, -- keeps the order of the text
	PRIMARY KEY (status_id, tag_key)
) WITHOUT ROWID;
CREATE INDEX status_tags_tag ON status_tags (tag_key, status_id);

CREATE TABLE mentions (
	status_id  INTEGER NOT NULL REFERENCES statuses (id),
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	PRIMARY KEY (status_id, account_id)
) WITHOUT ROWID;

-- Home timelines, fanned out on write. The primary key is the read path (a
-- range scan per account); the second index finds a status's entries when
-- it is deleted. No foreign keys: fan-out writes one row per follower, the
-- checks cost a quarter of that write, and the rows are only ever made by
-- CreateStatus and Follow (for a status they have just read or written) and
-- removed by DeleteStatus.
CREATE TABLE home_entries (
	account_id INTEGER NOT NULL,
	status_id  INTEGER NOT NULL,
	PRIMARY KEY (account_id, status_id)
) WITHOUT ROWID;
CREATE INDEX home_entries_status ON home_entries (status_id);

CREATE TABLE follows (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id), -- the follower
	target_id  INTEGER NOT NULL REFERENCES accounts (id),
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX follows_pair ON follows (account_id, target_id);
-- Both list indexes carry the other side so paging and fan-out never touch
-- the table itself.
CREATE INDEX follows_following ON follows (account_id, id, target_id);
CREATE INDEX follows_followers ON follows (target_id, id, account_id);

CREATE TABLE follow_requests (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id), -- who asks
	target_id  INTEGER NOT NULL REFERENCES accounts (id),
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX follow_requests_pair ON follow_requests (account_id, target_id);
CREATE INDEX follow_requests_target ON follow_requests (target_id, id);

CREATE TABLE favourites (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	status_id  INTEGER NOT NULL REFERENCES statuses (id),
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX favourites_pair ON favourites (account_id, status_id);
-- Both list indexes carry the other side, as for follows.
CREATE INDEX favourites_account ON favourites (account_id, id, status_id);
CREATE INDEX favourites_status ON favourites (status_id, id, account_id);

CREATE TABLE notifications (
	id         INTEGER PRIMARY KEY,
	account_id INTEGER NOT NULL REFERENCES accounts (id), -- who is notified
	from_id    INTEGER NOT NULL REFERENCES accounts (id),
	type       TEXT    NOT NULL,
	-- No foreign key: DeleteStatus removes notifications itself, and a
	-- reblog notification points at the original, not at the reblog.
	status_id  INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL
);
CREATE INDEX notifications_account ON notifications (account_id, id);
-- Finding the notification an undone action caused.
CREATE INDEX notifications_status ON notifications (status_id, from_id) WHERE status_id <> 0;
CREATE INDEX notifications_from ON notifications (from_id, account_id) WHERE status_id = 0;

-- A retried create with the same key within a day returns the first status.
CREATE TABLE idempotency_keys (
	account_id INTEGER NOT NULL,
	key        TEXT    NOT NULL,
	status_id  INTEGER NOT NULL,
	created_at INTEGER NOT NULL,
	PRIMARY KEY (account_id, key)
) WITHOUT ROWID;
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);

CREATE TABLE apps (
	id            INTEGER PRIMARY KEY,
	name          TEXT    NOT NULL,
	website       TEXT    NOT NULL DEFAULT '',
	redirect_uris TEXT    NOT NULL DEFAULT '', -- newline-separated, as Mastodon
	scopes        TEXT    NOT NULL DEFAULT '', -- space-separated, as OAuth
	client_id     TEXT    NOT NULL UNIQUE,
	client_secret TEXT    NOT NULL,
	created_at    INTEGER NOT NULL
);

CREATE TABLE auth_codes (
	code_hash      TEXT    PRIMARY KEY,
	app_id         INTEGER NOT NULL REFERENCES apps (id),
	account_id     INTEGER NOT NULL REFERENCES accounts (id),
	redirect_uri   TEXT    NOT NULL,
	scopes         TEXT    NOT NULL DEFAULT '',
	code_challenge TEXT    NOT NULL DEFAULT '',
	expires_at     INTEGER NOT NULL
) WITHOUT ROWID;
CREATE INDEX auth_codes_expires ON auth_codes (expires_at);

CREATE TABLE tokens (
	id         INTEGER PRIMARY KEY,
	token_hash TEXT    NOT NULL,
	app_id     INTEGER NOT NULL REFERENCES apps (id),
	account_id INTEGER NOT NULL DEFAULT 0, -- 0 for client_credentials
	scopes     TEXT    NOT NULL DEFAULT '',
	created_at INTEGER NOT NULL
);
CREATE UNIQUE INDEX tokens_hash ON tokens (token_hash);
