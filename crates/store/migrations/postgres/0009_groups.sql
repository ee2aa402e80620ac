-- Stored groups: every type but AVChatRoom keeps its members and its messages.
-- Keep in step with ../sqlite/0008_groups.sql.

ALTER TABLE groups ADD COLUMN invite_join_option TEXT NOT NULL DEFAULT 'FreeAccess';
ALTER TABLE groups ADD COLUMN history_before_join BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE groups ADD COLUMN support_topic BOOLEAN NOT NULL DEFAULT FALSE;
-- Rows of group_members, kept by the statements that add and remove them.
ALTER TABLE groups ADD COLUMN member_num BIGINT NOT NULL DEFAULT 0;

CREATE TABLE group_members (
    app            BIGINT NOT NULL,
    group_id       TEXT COLLATE "C" NOT NULL,
    user_id        TEXT COLLATE "C" NOT NULL,
    join_time      BIGINT NOT NULL,
    -- The group's last message number when the member joined.
    join_seq       BIGINT NOT NULL,
    name_card      TEXT   NOT NULL DEFAULT '',
    -- MsgFlag: 0 AcceptAndNotify, 1 AcceptNotNotify, 2 Discard.
    msg_flag       BIGINT NOT NULL DEFAULT 0,
    -- AppMemberDefinedData as a JSON array of [key, value] pairs.
    custom         TEXT   NOT NULL DEFAULT '[]',
    last_send_time BIGINT NOT NULL DEFAULT 0,
    -- Read up to read_seq; read_pos is the thread's counted messages there.
    read_seq       BIGINT NOT NULL DEFAULT 0,
    read_pos       BIGINT NOT NULL DEFAULT 0,
    pinned         BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
CREATE INDEX group_members_by_user ON group_members (app, user_id);

CREATE TABLE group_requests (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    user_id  TEXT COLLATE "C" NOT NULL,
    -- 1 the user asked to join, 2 a member invited the user.
    kind     BIGINT NOT NULL,
    inviter  TEXT   NOT NULL DEFAULT '',
    wording  TEXT   NOT NULL DEFAULT '',
    created  BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

-- A thread is a group ('' topic) or one topic of a community.
CREATE TABLE group_threads (
    app       BIGINT NOT NULL,
    group_id  TEXT COLLATE "C" NOT NULL,
    topic     TEXT COLLATE "C" NOT NULL,
    last_seq  BIGINT NOT NULL DEFAULT 0,
    -- Messages that count as unread so far.
    counted   BIGINT NOT NULL DEFAULT 0,
    -- The newest message that moves members' conversations (not NoLastMsg), and its time.
    shown_seq BIGINT NOT NULL DEFAULT 0,
    last_time BIGINT NOT NULL DEFAULT 0,
    PRIMARY KEY (app, group_id, topic),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE TABLE group_messages (
    app               BIGINT NOT NULL,
    group_id          TEXT COLLATE "C" NOT NULL,
    topic             TEXT COLLATE "C" NOT NULL,
    seq               BIGINT NOT NULL,
    -- The thread's counted messages up to and including this one.
    pos               BIGINT NOT NULL,
    sender            TEXT COLLATE "C" NOT NULL,
    msg_time          BIGINT NOT NULL,
    random            BIGINT NOT NULL,
    priority          BIGINT NOT NULL,
    -- Bits: 1 recalled, 2 edited, 4 a server tip, 8 not counted as unread,
    -- 16 read receipts asked for, 32 does not move the conversation.
    flags             BIGINT NOT NULL,
    body              TEXT   NOT NULL,
    cloud_custom_data TEXT   NOT NULL,
    at_info           TEXT   NOT NULL,
    offline_push      TEXT   NOT NULL,
    PRIMARY KEY (app, group_id, topic, seq)
);
CREATE INDEX group_messages_age ON group_messages (msg_time);
CREATE INDEX group_messages_by_sender ON group_messages (app, group_id, topic, sender);
