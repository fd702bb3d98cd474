-- The version of the briefing each post carried, so that the next digest in a channel can say
-- what changed since the one that channel last got.
ALTER TABLE slots ADD COLUMN version TEXT NOT NULL DEFAULT '';
