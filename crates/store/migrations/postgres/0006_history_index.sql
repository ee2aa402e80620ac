-- The history's reads walk its primary key (app, group_id, msg_seq) backwards; the index by
-- time served none of them and cost an index entry per message written and trimmed.
DROP INDEX IF EXISTS group_history_by_time;

-- Every history row written checked its group through this key, locking the group's row
-- (a write of its own) once per message. Writes check that the group exists instead, and
-- deleting or creating a group deletes its history itself: a row written while its group
-- was being deleted is invisible (no group to read it through) and goes when the id is
-- used again or when it ages out.
ALTER TABLE group_history DROP CONSTRAINT IF EXISTS group_history_app_group_id_fkey;
