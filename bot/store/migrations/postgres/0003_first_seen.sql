-- When a running bot first loaded each digest for each channel: from then on the channel is owed
-- the digest's slots, caught up after a crash or a downtime, and never back-filled before it. A
-- moment once written never changes. Unix milliseconds, as every instant but a slot's.
CREATE TABLE first_seen (
	digest   TEXT   NOT NULL,
	platform TEXT   NOT NULL,
	channel  TEXT   NOT NULL,
	seen_at  BIGINT NOT NULL,
	PRIMARY KEY (digest, platform, channel)
);
