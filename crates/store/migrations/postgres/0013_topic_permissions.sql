-- Topic permissions of communities: EnablePermission and DefaultPermission on the group, and
-- per-member overrides per topic. Keep in step with ../sqlite/0012_topic_permissions.sql.
ALTER TABLE groups ADD COLUMN enable_permission BOOLEAN NOT NULL DEFAULT FALSE;
-- Bits: 1 send messages in topics, 2 manage topics.
ALTER TABLE groups ADD COLUMN default_permission BIGINT NOT NULL DEFAULT 1;

CREATE TABLE group_topic_permissions (
    app        BIGINT NOT NULL,
    group_id   TEXT COLLATE "C" NOT NULL,
    topic_id   TEXT COLLATE "C" NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    permission BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, topic_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
