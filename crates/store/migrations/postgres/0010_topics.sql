-- Topics of communities created with SupportTopic. A topic's messages are the thread
-- (group_id, topic_id) of group_threads and group_messages.
-- Keep in step with ../sqlite/0009_topics.sql.

CREATE TABLE group_topics (
    app           BIGINT  NOT NULL,
    group_id      TEXT COLLATE "C" NOT NULL,
    topic_id      TEXT COLLATE "C" NOT NULL,
    name          TEXT    NOT NULL,
    face_url      TEXT    NOT NULL DEFAULT '',
    introduction  TEXT    NOT NULL DEFAULT '',
    notification  TEXT    NOT NULL DEFAULT '',
    custom_string TEXT    NOT NULL DEFAULT '',
    mute_all      BOOLEAN NOT NULL DEFAULT FALSE,
    create_time   BIGINT  NOT NULL,
    creator       TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (app, group_id, topic_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

-- A member's read place in a topic. Without a row, it has read what was sent in the topic
-- before it joined the community.
CREATE TABLE group_topic_reads (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    user_id  TEXT COLLATE "C" NOT NULL,
    topic_id TEXT COLLATE "C" NOT NULL,
    read_seq BIGINT NOT NULL,
    read_pos BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, user_id, topic_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE INDEX group_messages_by_time ON group_messages (app, group_id, topic, msg_time);
