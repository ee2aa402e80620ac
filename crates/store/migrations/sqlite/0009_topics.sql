-- Topics of communities created with SupportTopic. A topic's messages are the thread
-- (group_id, topic_id) of group_threads and group_messages.
-- Keep in step with ../postgres/0010_topics.sql.

CREATE TABLE group_topics (
    app           INTEGER NOT NULL,
    group_id      TEXT    NOT NULL,
    topic_id      TEXT    NOT NULL,
    name          TEXT    NOT NULL,
    face_url      TEXT    NOT NULL DEFAULT '',
    introduction  TEXT    NOT NULL DEFAULT '',
    notification  TEXT    NOT NULL DEFAULT '',
    custom_string TEXT    NOT NULL DEFAULT '',
    mute_all      BOOLEAN NOT NULL DEFAULT 0,
    create_time   INTEGER NOT NULL,
    creator       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (app, group_id, topic_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- A member's read place in a topic. Without a row, it has read what was sent in the topic
-- before it joined the community.
CREATE TABLE group_topic_reads (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    topic_id TEXT    NOT NULL,
    read_seq INTEGER NOT NULL,
    read_pos INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, user_id, topic_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE INDEX group_messages_by_time ON group_messages (app, group_id, topic, msg_time);
