-- Liveroom schema, PostgreSQL dialect. Keep in step with ../sqlite/0001_init.sql.
-- Unsigned values (app ids, sequence numbers) are stored as signed 64-bit integers.
-- Ids sort bytewise (COLLATE "C"), as they do in SQLite, so paging order is the same on
-- both backends whatever the database's locale.

CREATE TABLE apps (
    sdkappid   BIGINT NOT NULL PRIMARY KEY,
    secret_key TEXT   NOT NULL,
    created_at BIGINT NOT NULL,
    -- AppSettings as JSON.
    settings   TEXT   NOT NULL
);

CREATE TABLE admins (
    app     BIGINT NOT NULL,
    user_id TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (app, user_id)
);

CREATE TABLE users (
    app        BIGINT NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    nick       TEXT   NOT NULL DEFAULT '',
    face_url   TEXT   NOT NULL DEFAULT '',
    created_at BIGINT NOT NULL,
    PRIMARY KEY (app, user_id)
);

CREATE TABLE groups (
    app               BIGINT  NOT NULL,
    group_id          TEXT COLLATE "C" NOT NULL,
    group_type        TEXT    NOT NULL,
    name              TEXT    NOT NULL,
    owner             TEXT,
    introduction      TEXT    NOT NULL,
    notification      TEXT    NOT NULL,
    face_url          TEXT    NOT NULL,
    max_member_num    BIGINT  NOT NULL,
    apply_join_option TEXT    NOT NULL,
    mute_all          BOOLEAN NOT NULL,
    create_time       BIGINT  NOT NULL,
    info_seq          BIGINT  NOT NULL,
    last_info_time    BIGINT  NOT NULL,
    last_msg_time     BIGINT  NOT NULL,
    msg_seq_ceiling   BIGINT  NOT NULL,
    PRIMARY KEY (app, group_id)
);

CREATE INDEX groups_by_type ON groups (app, group_type, group_id);

-- AppDefinedData of a group, in `position` order.
CREATE TABLE group_custom (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    key      TEXT   NOT NULL,
    value    TEXT   NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, key),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE TABLE group_mutes (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    user_id  TEXT COLLATE "C" NOT NULL,
    until    BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE TABLE group_bans (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    user_id  TEXT COLLATE "C" NOT NULL,
    until    BIGINT NOT NULL,
    reason   TEXT   NOT NULL DEFAULT '',
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE TABLE group_history (
    app               BIGINT NOT NULL,
    group_id          TEXT COLLATE "C" NOT NULL,
    msg_seq           BIGINT NOT NULL,
    msg_time          BIGINT NOT NULL,
    random            BIGINT NOT NULL,
    -- Priority::history_number: 1 High .. 4 Lowest.
    priority          BIGINT NOT NULL,
    from_account      TEXT   NOT NULL,
    nick              TEXT   NOT NULL,
    face_url          TEXT   NOT NULL,
    body              TEXT   NOT NULL,
    cloud_custom_data TEXT   NOT NULL,
    PRIMARY KEY (app, group_id, msg_seq),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

CREATE INDEX group_history_by_time ON group_history (app, group_id, msg_time);
