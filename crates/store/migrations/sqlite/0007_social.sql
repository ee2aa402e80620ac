-- Profiles beyond nick and avatar, friends, friend requests, friend lists, blocklists.

CREATE TABLE user_profile (
    app     INTEGER NOT NULL,
    user_id TEXT    NOT NULL,
    tag     TEXT    NOT NULL,
    -- JSON text: a string or a number.
    value   TEXT    NOT NULL,
    PRIMARY KEY (app, user_id, tag)
) WITHOUT ROWID;

CREATE TABLE friends (
    app         INTEGER NOT NULL,
    owner       TEXT    NOT NULL,
    friend      TEXT    NOT NULL,
    remark      TEXT    NOT NULL,
    -- JSON array of the owner's list names.
    groups      TEXT    NOT NULL,
    add_source  TEXT    NOT NULL,
    add_wording TEXT    NOT NULL,
    added_at    INTEGER NOT NULL,
    PRIMARY KEY (app, owner, friend)
) WITHOUT ROWID;
CREATE INDEX friends_by_friend ON friends (app, friend, owner);

CREATE TABLE friend_requests (
    app       INTEGER NOT NULL,
    from_user TEXT    NOT NULL,
    to_user   TEXT    NOT NULL,
    wording   TEXT    NOT NULL,
    source    TEXT    NOT NULL,
    remark    TEXT    NOT NULL,
    group_name TEXT   NOT NULL,
    at        INTEGER NOT NULL,
    PRIMARY KEY (app, from_user, to_user)
) WITHOUT ROWID;
CREATE INDEX friend_requests_to ON friend_requests (app, to_user, at);

CREATE TABLE friend_lists (
    app      INTEGER NOT NULL,
    owner    TEXT    NOT NULL,
    name     TEXT    NOT NULL,
    position INTEGER NOT NULL,
    PRIMARY KEY (app, owner, name)
) WITHOUT ROWID;

CREATE TABLE blocklist (
    app      INTEGER NOT NULL,
    owner    TEXT    NOT NULL,
    blocked  TEXT    NOT NULL,
    added_at INTEGER NOT NULL,
    PRIMARY KEY (app, owner, blocked)
) WITHOUT ROWID;
CREATE INDEX blocklist_by_blocked ON blocklist (app, blocked, owner);
