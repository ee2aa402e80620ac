-- Audience statistics (added to, never overwritten, so several writers can share them)
-- and the sender's level carried with each message of the short history.

ALTER TABLE group_history ADD COLUMN sender_level INTEGER NOT NULL DEFAULT 0;

-- What each user did in the whole app: the source of the user's level.
CREATE TABLE user_stats (
    app        INTEGER NOT NULL,
    user_id    TEXT NOT NULL,
    online_ms  INTEGER NOT NULL,
    messages   INTEGER NOT NULL,
    likes      INTEGER NOT NULL,
    gifts      INTEGER NOT NULL,
    gift_value INTEGER NOT NULL,
    updated_at INTEGER NOT NULL,
    PRIMARY KEY (app, user_id),
    FOREIGN KEY (app, user_id) REFERENCES users (app, user_id) ON DELETE CASCADE
);

-- One row per room and broadcast session. online_ms is the viewers' time (guests too).
CREATE TABLE room_stats (
    app         INTEGER NOT NULL,
    group_id    TEXT NOT NULL,
    session     INTEGER NOT NULL,
    online_ms   INTEGER NOT NULL,
    messages    INTEGER NOT NULL,
    likes       INTEGER NOT NULL,
    gifts       INTEGER NOT NULL,
    gift_value  INTEGER NOT NULL,
    joins       INTEGER NOT NULL,
    guest_joins INTEGER NOT NULL,
    peak_online INTEGER NOT NULL,
    first_at    INTEGER NOT NULL,
    last_at     INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, session),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

-- What each user did in a room during a broadcast session (rankings, unique viewers).
CREATE TABLE room_user_stats (
    app        INTEGER NOT NULL,
    group_id   TEXT NOT NULL,
    session    INTEGER NOT NULL,
    user_id    TEXT NOT NULL,
    online_ms  INTEGER NOT NULL,
    messages   INTEGER NOT NULL,
    likes      INTEGER NOT NULL,
    gifts      INTEGER NOT NULL,
    gift_value INTEGER NOT NULL,
    first_at   INTEGER NOT NULL,
    last_at    INTEGER NOT NULL,
    PRIMARY KEY (app, group_id, session, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
