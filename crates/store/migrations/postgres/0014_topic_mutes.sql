-- Members muted in one topic of a community, until a Unix second.
-- Keep in step with ../sqlite/0013_topic_mutes.sql.
CREATE TABLE group_topic_mutes (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    topic_id TEXT COLLATE "C" NOT NULL,
    user_id  TEXT COLLATE "C" NOT NULL,
    until    BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, topic_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
