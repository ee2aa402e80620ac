-- One-to-one chat. A conversation between two users is stored once, keyed by the pair in
-- byte order (user_lo < user_hi); each side has its own row in c2c_conversations.
-- Ids sort bytewise (COLLATE "C"), as in SQLite: the pair order is the same in both.

-- The last sequence number handed out in each conversation.
CREATE TABLE c2c_threads (
    app      BIGINT NOT NULL,
    user_lo  TEXT COLLATE "C"    NOT NULL,
    user_hi  TEXT COLLATE "C"    NOT NULL,
    last_seq BIGINT NOT NULL,
    PRIMARY KEY (app, user_lo, user_hi)
);

CREATE TABLE c2c_messages (
    app               BIGINT NOT NULL,
    user_lo           TEXT COLLATE "C"    NOT NULL,
    user_hi           TEXT COLLATE "C"    NOT NULL,
    seq               BIGINT NOT NULL,
    sender            TEXT COLLATE "C"    NOT NULL,
    msg_time          BIGINT NOT NULL,
    client_seq        BIGINT NOT NULL,
    random            BIGINT NOT NULL,
    -- Bits: 1 recalled, 2 hidden from the sender's side, 4 not counted as unread,
    -- 8 the sender asked for a read receipt, 16 edited.
    flags             BIGINT NOT NULL,
    body              TEXT    NOT NULL,
    cloud_custom_data TEXT    NOT NULL,
    offline_push      TEXT    NOT NULL,
    PRIMARY KEY (app, user_lo, user_hi, seq)
);
CREATE INDEX c2c_messages_by_time ON c2c_messages (app, user_lo, user_hi, msg_time, seq);
CREATE INDEX c2c_messages_age ON c2c_messages (msg_time);

CREATE TABLE c2c_conversations (
    app         BIGINT NOT NULL,
    owner       TEXT COLLATE "C"    NOT NULL,
    peer        TEXT COLLATE "C"    NOT NULL,
    -- The newest message the owner's side shows, and its time (0: none).
    last_seq    BIGINT NOT NULL DEFAULT 0,
    last_time   BIGINT NOT NULL DEFAULT 0,
    unread      BIGINT NOT NULL DEFAULT 0,
    -- Everything up to read_seq is read by the owner.
    read_seq    BIGINT NOT NULL DEFAULT 0,
    -- Messages up to cleared_seq are gone from the owner's side.
    cleared_seq BIGINT NOT NULL DEFAULT 0,
    pinned      BIGINT NOT NULL DEFAULT 0,
    marks       BIGINT NOT NULL DEFAULT 0,
    -- Deleted from the owner's list until the next message.
    hidden      BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app, owner, peer)
);
CREATE INDEX c2c_conversations_by_time ON c2c_conversations (app, owner, last_time);
