-- Profiles beyond nick and avatar, friends, friend requests, friend lists, blocklists.

CREATE TABLE user_profile (
    app     BIGINT NOT NULL,
    user_id TEXT COLLATE "C"    NOT NULL,
    tag     TEXT    NOT NULL,
    -- JSON text: a string or a number.
    value   TEXT    NOT NULL,
    PRIMARY KEY (app, user_id, tag)
);

CREATE TABLE friends (
    app         BIGINT NOT NULL,
    owner       TEXT COLLATE "C"    NOT NULL,
    friend      TEXT COLLATE "C"    NOT NULL,
    remark      TEXT    NOT NULL,
    -- JSON array of the owner's list names.
    groups      TEXT    NOT NULL,
    add_source  TEXT    NOT NULL,
    add_wording TEXT    NOT NULL,
    added_at    BIGINT NOT NULL,
    PRIMARY KEY (app, owner, friend)
);
CREATE INDEX friends_by_friend ON friends (app, friend, owner);

CREATE TABLE friend_requests (
    app       BIGINT NOT NULL,
    from_user TEXT COLLATE "C"    NOT NULL,
    to_user   TEXT COLLATE "C"    NOT NULL,
    wording   TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    remark    TEXT    NOT NULL,
    group_name TEXT   NOT NULL,
    at        BIGINT NOT NULL,
    PRIMARY KEY (app, from_user, to_user)
);
CREATE INDEX friend_requests_to ON friend_requests (app, to_user, at);

CREATE TABLE friend_lists (
    app      BIGINT NOT NULL,
    owner    TEXT COLLATE "C"    NOT NULL,
    name     TEXT    NOT NULL,
    position BIGINT NOT NULL,
    PRIMARY KEY (app, owner, name)
);

CREATE TABLE blocklist (
    app      BIGINT NOT NULL,
    owner    TEXT COLLATE "C"    NOT NULL,
    blocked  TEXT COLLATE "C"    NOT NULL,
    added_at BIGINT NOT NULL,
    PRIMARY KEY (app, owner, blocked)
);
CREATE INDEX blocklist_by_blocked ON blocklist (app, blocked, owner);
