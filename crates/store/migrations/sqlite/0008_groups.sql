-- Stored groups: every type but AVChatRoom keeps its members and its messages.
-- Keep in step with ../postgres/0009_groups.sql.

ALTER TABLE groups ADD COLUMN invite_join_option TEXT NOT NULL DEFAULT 'FreeAccess';
ALTER TABLE groups ADD COLUMN history_before_join BOOLEAN NOT NULL DEFAULT 0;
ALTER TABLE groups ADD COLUMN support_topic BOOLEAN NOT NULL DEFAULT 0;
-- Rows of group_members, kept by the statements that add and remove them.
ALTER TABLE groups ADD COLUMN member_num INTEGER NOT NULL DEFAULT 0;

CREATE TABLE group_members (
    app            INTEGER NOT NULL,
    group_id       TEXT    NOT NULL,
    user_id        TEXT    NOT NULL,
    join_time      INTEGER NOT NULL,
    -- The group's last message number when the member joined.
    join_seq       INTEGER NOT NULL,
    name_card      TEXT    NOT NULL DEFAULT '',
    -- MsgFlag: 0 AcceptAndNotify, 1 AcceptNotNotify, 2 Discard.
    msg_flag       INTEGER NOT NULL DEFAULT 0,
    -- AppMemberDefinedData as a JSON array of [key, value] pairs.
    custom         TEXT    NOT NULL DEFAULT '[]',
    last_send_time INTEGER NOT NULL DEFAULT 0,
    -- Read up to read_seq; read_pos is the thread's counted messages there.
    read_seq       INTEGER NOT NULL DEFAULT 0,
    read_pos       INTEGER NOT NULL DEFAULT 0,
    pinned         INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;
CREATE INDEX group_members_by_user ON group_members (app, user_id);

CREATE TABLE group_requests (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    -- 1 the user asked to join, 2 a member invited the user.
    kind     INTEGER NOT NULL,
    inviter  TEXT    NOT NULL DEFAULT '',
    wording  TEXT    NOT NULL DEFAULT '',
    created  INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;

-- A thread is a group ('' topic) or one topic of a community.
CREATE TABLE group_threads (
    app       INTEGER NOT NULL,
    group_id  TEXT    NOT NULL,
    topic     TEXT    NOT NULL,
    last_seq  INTEGER NOT NULL DEFAULT 0,
    -- Messages that count as unread so far.
    counted   INTEGER NOT NULL DEFAULT 0,
    -- The newest message that moves members' conversations (not NoLastMsg), and its time.
    shown_seq INTEGER NOT NULL DEFAULT 0,
    last_time INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (app, group_id, topic),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;

CREATE TABLE group_messages (
    app               INTEGER NOT NULL,
    group_id          TEXT    NOT NULL,
    topic             TEXT    NOT NULL,
    seq               INTEGER NOT NULL,
    -- The thread's counted messages up to and including this one.
    pos               INTEGER NOT NULL,
    sender            TEXT    NOT NULL,
    msg_time          INTEGER NOT NULL,
    random            INTEGER NOT NULL,
    priority          INTEGER NOT NULL,
    -- Bits: 1 recalled, 2 edited, 4 a server tip, 8 not counted as unread,
    -- 16 read receipts asked for, 32 does not move the conversation.
    flags             INTEGER NOT NULL,
    body              TEXT    NOT NULL,
    cloud_custom_data TEXT    NOT NULL,
    at_info           TEXT    NOT NULL,
    offline_push      TEXT    NOT NULL,
    PRIMARY KEY (app, group_id, topic, seq)
) WITHOUT ROWID;
CREATE INDEX group_messages_age ON group_messages (msg_time);
CREATE INDEX group_messages_by_sender ON group_messages (app, group_id, topic, sender);
