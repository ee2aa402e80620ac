-- Audience statistics (added to, never overwritten, so several writers can share them)
-- and the sender's level carried with each message of the short history.

ALTER TABLE group_history ADD COLUMN sender_level BIGINT NOT NULL DEFAULT 0;

-- What each user did in the whole app: the source of the user's level.
CREATE TABLE user_stats (
    app        BIGINT NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    online_ms  BIGINT NOT NULL,
    messages   BIGINT NOT NULL,
    likes      BIGINT NOT NULL,
    gifts      BIGINT NOT NULL,
    gift_value BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (app, user_id),
    FOREIGN KEY (app, user_id) REFERENCES users (app, user_id) ON DELETE CASCADE
);

-- One row per room and broadcast session. online_ms is the viewers' time (guests too).
CREATE TABLE room_stats (
    app         BIGINT NOT NULL,
    group_id    TEXT COLLATE "C" NOT NULL,
    session     BIGINT NOT NULL,
    online_ms   BIGINT NOT NULL,
    messages    BIGINT NOT NULL,
    likes       BIGINT NOT NULL,
    gifts       BIGINT NOT NULL,
    gift_value  BIGINT NOT NULL,
    joins       BIGINT NOT NULL,
    guest_joins BIGINT NOT NULL,
    peak_online BIGINT NOT NULL,
    first_at    BIGINT NOT NULL,
    last_at     BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, session),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);

-- What each user did in a room during a broadcast session (rankings, unique viewers).
CREATE TABLE room_user_stats (
    app        BIGINT NOT NULL,
    group_id   TEXT COLLATE "C" NOT NULL,
    session    BIGINT NOT NULL,
    user_id    TEXT COLLATE "C" NOT NULL,
    online_ms  BIGINT NOT NULL,
    messages   BIGINT NOT NULL,
    likes      BIGINT NOT NULL,
    gifts      BIGINT NOT NULL,
    gift_value BIGINT NOT NULL,
    first_at   BIGINT NOT NULL,
    last_at    BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, session, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
