-- Group admins (role `Admin`); the owner is a column of `groups`.
CREATE TABLE group_admins (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    user_id  TEXT COLLATE "C" NOT NULL,
    PRIMARY KEY (app, group_id, user_id),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
