-- Topic permissions of communities: EnablePermission and DefaultPermission on the group, and
-- per-member overrides per topic. Keep in step with ../postgres/0013_topic_permissions.sql.
ALTER TABLE groups ADD COLUMN enable_permission BOOLEAN NOT NULL DEFAULT 0;
-- Bits: 1 send messages in topics, 2 manage topics.
ALTER TABLE groups ADD COLUMN default_permission INTEGER NOT NULL DEFAULT 1;

CREATE TABLE group_topic_permissions (
    app        INTEGER NOT NULL,
    group_id   TEXT    NOT NULL,
    topic_id   TEXT    NOT NULL,
    user_id    TEXT    NOT NULL,
    permission INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, topic_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;
