-- Mentions, reactions and extensions of stored groups' messages.
-- Keep in step with ../sqlite/0010_message_features.sql.

-- A member named in a message's GroupAtInfo (messages to everyone carry a flag instead).
CREATE TABLE group_mentions (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    topic    TEXT COLLATE "C" NOT NULL,
    user_id  TEXT COLLATE "C" NOT NULL,
    seq      BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, topic, user_id, seq),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

-- One user's reaction to one message.
CREATE TABLE group_reactions (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    topic    TEXT COLLATE "C" NOT NULL,
    seq      BIGINT NOT NULL,
    reaction TEXT    NOT NULL,
    user_id  TEXT COLLATE "C" NOT NULL,
    time     BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, topic, seq, reaction, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

-- A message's extensions: key-value pairs, each with its version.
CREATE TABLE group_msg_ext (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    topic    TEXT COLLATE "C" NOT NULL,
    seq      BIGINT NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    version  BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, topic, seq, key),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
