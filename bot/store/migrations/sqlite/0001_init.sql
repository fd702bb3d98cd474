-- Slot times: at is unix seconds UTC, being part of the key; every other instant is unix
-- milliseconds, so that leases keep the precision of the caller's clock.
CREATE TABLE slots (
	digest        TEXT    NOT NULL,
	platform      TEXT    NOT NULL,
	channel       TEXT    NOT NULL,
	at            INTEGER NOT NULL,
	owner         TEXT    NOT NULL DEFAULT '', -- the last holder; '' for a recorded slot
	lease_expires INTEGER,                     -- NULL once released or marked
	claimed_at    INTEGER,                     -- the first claim (Claim.Prior); NULL for a recorded slot
	claims        INTEGER NOT NULL DEFAULT 0,  -- above 1, a later claim took over an earlier one
	result        TEXT,                        -- NULL until marked
	message_id    TEXT    NOT NULL DEFAULT '',
	reason        TEXT    NOT NULL DEFAULT '',
	marked_at     INTEGER,
	PRIMARY KEY (digest, platform, channel, at)
);
CREATE INDEX slots_marked_at ON slots (at) WHERE result IS NOT NULL;

CREATE TABLE leases (
	role    TEXT    PRIMARY KEY,
	owner   TEXT    NOT NULL,
	expires INTEGER NOT NULL
);

CREATE TABLE audit (
	id      INTEGER PRIMARY KEY, -- breaks ties between entries of the same instant
	at      INTEGER NOT NULL,
	actor   TEXT    NOT NULL,
	action  TEXT    NOT NULL,
	outcome TEXT    NOT NULL
);
CREATE INDEX audit_at ON audit (at);

CREATE TABLE briefing_versions (
	id       INTEGER PRIMARY KEY,
	briefing TEXT    NOT NULL,
	version  TEXT    NOT NULL,
	seen_at  INTEGER NOT NULL,
	content  BLOB    NOT NULL,
	UNIQUE (briefing, version)
);
CREATE INDEX briefing_versions_seen ON briefing_versions (briefing, seen_at);
