-- One row that readiness writes to: a committed write through the ledger's handle, as a claim
-- is, that touches no slot. writes counts them, so that each is a real change.
CREATE TABLE store_health (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	writes INTEGER NOT NULL
);
