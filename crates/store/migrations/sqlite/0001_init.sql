-- Liveroom schema, SQLite dialect. Keep in step with ../postgres/0001_init.sql.
-- Unsigned values (app ids, sequence numbers) are stored as signed 64-bit integers.

CREATE TABLE apps (
    sdkappid   INTEGER NOT NULL PRIMARY KEY,
    secret_key TEXT    NOT NULL,
    created_at INTEGER NOT NULL,
    -- AppSettings as JSON.
    settings   TEXT    NOT NULL
);

CREATE TABLE admins (
    app     INTEGER NOT NULL,
    user_id TEXT    NOT NULL,
    PRIMARY KEY (app, user_id)
);

CREATE TABLE users (
    app        INTEGER NOT NULL,
    user_id    TEXT    NOT NULL,
    nick       TEXT    NOT NULL DEFAULT '',
    face_url   TEXT    NOT NULL DEFAULT '',
    created_at INTEGER NOT NULL,
    PRIMARY KEY (app, user_id)
);

CREATE TABLE groups (
    app               INTEGER NOT NULL,
    group_id          TEXT    NOT NULL,
    group_type        TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    owner             TEXT,
    introduction      TEXT    NOT NULL,
    notification      TEXT    NOT NULL,
    face_url          TEXT    NOT NULL,
    max_member_num    INTEGER NOT NULL,
    apply_join_option TEXT    NOT NULL,
    mute_all          BOOLEAN NOT NULL,
    create_time       INTEGER NOT NULL,
    info_seq          INTEGER NOT NULL,
    last_info_time    INTEGER NOT NULL,
    last_msg_time     INTEGER NOT NULL,
    msg_seq_ceiling   INTEGER NOT NULL,
    PRIMARY KEY (app, group_id)
);

CREATE INDEX groups_by_type ON groups (app, group_type, group_id);

-- AppDefinedData of a group, in `position` order.
CREATE TABLE group_custom (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, key),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE TABLE group_mutes (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    until    INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE TABLE group_bans (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    user_id  TEXT    NOT NULL,
    until    INTEGER NOT NULL,
    reason   TEXT    NOT NULL DEFAULT '',
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE TABLE group_history (
    app               INTEGER NOT NULL,
    group_id          TEXT    NOT NULL,
    msg_seq           INTEGER NOT NULL,
    msg_time          INTEGER NOT NULL,
    random            INTEGER NOT NULL,
    -- Priority::history_number: 1 High .. 4 Lowest.
    priority          INTEGER NOT NULL,
    from_account      TEXT    NOT NULL,
    nick              TEXT    NOT NULL,
    face_url          TEXT    NOT NULL,
    body              TEXT    NOT NULL,
    cloud_custom_data TEXT    NOT NULL,
    PRIMARY KEY (app, group_id, msg_seq),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE INDEX group_history_by_time ON group_history (app, group_id, msg_time);
