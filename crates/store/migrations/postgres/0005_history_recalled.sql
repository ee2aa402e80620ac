-- A recalled message stays in the history as a placeholder (its body and custom data
-- cleared), so `group_msg_get_simple` with `WithRecalledMsg` can report it as recalled.
ALTER TABLE group_history ADD COLUMN recalled BIGINT NOT NULL DEFAULT 0;
