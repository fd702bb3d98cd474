-- Moderators' holds on digests: a digest's pause, one at most (a new one replaces it), and the
-- dates it skips, one row each. Dates are days of the digest's own zone, written 2026-12-25,
-- which the scheduler knows and the ledger does not; they compare as text. at is unix
-- milliseconds, as every instant but a slot's.
CREATE TABLE digest_holds (
	digest TEXT    NOT NULL,
	kind   TEXT    NOT NULL,            -- pause or skip
	date   TEXT    NOT NULL DEFAULT '', -- the date skipped; '' for a pause
	until  TEXT    NOT NULL DEFAULT '', -- the date a pause ends; '' until resumed, and for a skip
	actor  TEXT    NOT NULL,            -- who said it: "slack:U1", "shell"
	at     INTEGER NOT NULL,            -- when
	PRIMARY KEY (digest, kind, date),
	CHECK ((kind = 'pause' AND date = '') OR (kind = 'skip' AND date <> '' AND until = ''))
);
