-- The history's reads walk its primary key (app, group_id, msg_seq) backwards; the index by
-- time served none of them and cost an index entry per message written and trimmed.
DROP INDEX IF EXISTS group_history_by_time;
