-- One-to-one chat. A conversation between two users is stored once, keyed by the pair in
-- byte order (user_lo < user_hi); each side has its own row in c2c_conversations.

-- The last sequence number handed out in each conversation.
CREATE TABLE c2c_threads (
    app      INTEGER NOT NULL,
    user_lo  TEXT    NOT NULL,
    user_hi  TEXT    NOT NULL,
    last_seq INTEGER NOT NULL,
    PRIMARY KEY (app, user_lo, user_hi)
) WITHOUT ROWID;

CREATE TABLE c2c_messages (
    app               INTEGER NOT NULL,
    user_lo           TEXT    NOT NULL,
    user_hi           TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    sender            TEXT    NOT NULL,
    msg_time          INTEGER NOT NULL,
    client_seq        INTEGER NOT NULL,
    random            INTEGER NOT NULL,
    -- Bits: 1 recalled, 2 hidden from the sender's side, 4 not counted as unread,
    -- 8 the sender asked for a read receipt, 16 edited.
    flags             INTEGER NOT NULL,
    body              TEXT    NOT NULL,
    cloud_custom_data TEXT    NOT NULL,
    offline_push      TEXT    NOT NULL,
    PRIMARY KEY (app, user_lo, user_hi, seq)
) WITHOUT ROWID;
CREATE INDEX c2c_messages_by_time ON c2c_messages (app, user_lo, user_hi, msg_time, seq);
CREATE INDEX c2c_messages_age ON c2c_messages (msg_time);

CREATE TABLE c2c_conversations (
    app         INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    peer        TEXT    NOT NULL,
    -- The newest message the owner's side shows, and its time (0: none).
    last_seq    INTEGER NOT NULL DEFAULT 0,
    last_time   INTEGER NOT NULL DEFAULT 0,
    unread      INTEGER NOT NULL DEFAULT 0,
    -- Everything up to read_seq is read by the owner.
    read_seq    INTEGER NOT NULL DEFAULT 0,
    -- Messages up to cleared_seq are gone from the owner's side.
    cleared_seq INTEGER NOT NULL DEFAULT 0,
    pinned      INTEGER NOT NULL DEFAULT 0,
    marks       INTEGER NOT NULL DEFAULT 0,
    -- Deleted from the owner's list until the next message.
    hidden      INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app, owner, peer)
) WITHOUT ROWID;
CREATE INDEX c2c_conversations_by_time ON c2c_conversations (app, owner, last_time);
