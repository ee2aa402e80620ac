-- Members muted in one topic of a community, until a Unix second.
-- Keep in step with ../postgres/0014_topic_mutes.sql.
CREATE TABLE group_topic_mutes (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    topic_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    until    INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, topic_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;
