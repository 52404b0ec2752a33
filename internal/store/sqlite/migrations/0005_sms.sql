-- 0005: text messaging through an SMS gateway (Kannel).
--
-- New tables only, so a running older release is not disturbed.

-- A number linked to an account: one each way.
CREATE TABLE sms_phones (
	number     TEXT    PRIMARY KEY, -- E.164
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	updates    INTEGER NOT NULL DEFAULT 1, -- master switch, ON / OFF
	joined     INTEGER NOT NULL DEFAULT 0, -- made by texting JOIN
	created_at INTEGER NOT NULL
) WITHOUT ROWID;
CREATE UNIQUE INDEX sms_phones_account ON sms_phones (account_id);
-- The global JOIN limit counts recent joins.
CREATE INDEX sms_phones_joined ON sms_phones (created_at) WHERE joined = 1;

-- Pending link codes, at most one per account; only a hash is kept.
CREATE TABLE sms_codes (
	account_id INTEGER PRIMARY KEY REFERENCES accounts (id),
	number     TEXT    NOT NULL,
	code_hash  TEXT    NOT NULL,
	attempts   INTEGER NOT NULL DEFAULT 0,
	created_at INTEGER NOT NULL,
	expires_at INTEGER NOT NULL
);
-- A code texted back is looked up by the number it came from.
CREATE INDEX sms_codes_number ON sms_codes (number);

-- Numbers that said STOP: nothing more is sent to them until START. Kept
-- apart from sms_phones because a number that is linked to no account can
-- say STOP too, and unlinking must not forget it.
CREATE TABLE sms_stops (
	number     TEXT    PRIMARY KEY,
	created_at INTEGER NOT NULL
) WITHOUT ROWID;

-- Text updates of target's posts for account (FOLLOW by text, ON name).
CREATE TABLE sms_subscriptions (
	account_id INTEGER NOT NULL REFERENCES accounts (id),
	target_id  INTEGER NOT NULL REFERENCES accounts (id),
	created_at INTEGER NOT NULL,
	PRIMARY KEY (account_id, target_id)
) WITHOUT ROWID;
-- The fan-out of a post asks who subscribes to its author.
CREATE INDEX sms_subscriptions_target ON sms_subscriptions (target_id, account_id);

-- Every message received, stored before it is acted on. gateway_id is
-- Kannel's %I, the same when Kannel retries a delivery: the unique index
-- makes a retry a no-op.
CREATE TABLE sms_inbound (
	id          INTEGER PRIMARY KEY,
	gateway_id  TEXT    NOT NULL,
	sender      TEXT    NOT NULL,
	receiver    TEXT    NOT NULL DEFAULT '',
	text        TEXT    NOT NULL DEFAULT '',
	sent_at     INTEGER NOT NULL DEFAULT 0,
	received_at INTEGER NOT NULL,
	done_at     INTEGER NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX sms_inbound_gateway ON sms_inbound (gateway_id);
CREATE INDEX sms_inbound_pending ON sms_inbound (id) WHERE done_at = 0;

-- Every message to be sent, recorded before it is sent (see store.OutboxState).
CREATE TABLE sms_outbox (
	id          INTEGER PRIMARY KEY,
	number      TEXT    NOT NULL,
	text        TEXT    NOT NULL,
	parts       INTEGER NOT NULL DEFAULT 1,
	kind        TEXT    NOT NULL DEFAULT '',
	dedup_key   TEXT    NOT NULL DEFAULT '',
	bypass_stop INTEGER NOT NULL DEFAULT 0,
	secret      INTEGER NOT NULL DEFAULT 0,
	state       TEXT    NOT NULL,
	attempts    INTEGER NOT NULL DEFAULT 0,
	next_at     INTEGER NOT NULL DEFAULT 0,
	created_at  INTEGER NOT NULL,
	updated_at  INTEGER NOT NULL,
	sent_at     INTEGER NOT NULL DEFAULT 0,
	error       TEXT    NOT NULL DEFAULT ''
);
CREATE UNIQUE INDEX sms_outbox_dedup ON sms_outbox (dedup_key) WHERE dedup_key <> '';
-- The worker's queue: what is due, oldest first.
CREATE INDEX sms_outbox_due ON sms_outbox (next_at, id) WHERE state IN ('queued', 'unknown');
CREATE INDEX sms_outbox_sending ON sms_outbox (id) WHERE state = 'sending';
-- Rate limit and daily cap: what went to a number lately.
CREATE INDEX sms_outbox_sent ON sms_outbox (number, sent_at) WHERE sent_at <> 0;
-- Purging finished messages.
CREATE INDEX sms_outbox_created ON sms_outbox (created_at);

-- Named positions of the SMS workers (the fan-out's last status).
CREATE TABLE sms_cursors (
	name  TEXT    PRIMARY KEY,
	value INTEGER NOT NULL
) WITHOUT ROWID;
