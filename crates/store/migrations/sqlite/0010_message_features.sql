-- Mentions, reactions and extensions of stored groups' messages.
-- Keep in step with ../postgres/0011_message_features.sql.

-- A member named in a message's GroupAtInfo (messages to everyone carry a flag instead).
CREATE TABLE group_mentions (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    topic    TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, topic, user_id, seq),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- One user's reaction to one message.
CREATE TABLE group_reactions (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    topic    TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    reaction TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    time     INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, topic, seq, reaction, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- A message's extensions: key-value pairs, each with its version.
CREATE TABLE group_msg_ext (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    topic    TEXT    NOT NULL,
    seq      INTEGER NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    version  INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, topic, seq, key),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;
