-- Group attributes: a group's key-value map (reference 3.5.6).
-- Keep in step with ../sqlite/0011_group_attrs.sql.
CREATE TABLE group_attrs (
    app      BIGINT NOT NULL,
    group_id TEXT COLLATE "C" NOT NULL,
    key      TEXT COLLATE "C" NOT NULL,
    value    TEXT   NOT NULL,
    PRIMARY KEY (app, group_id, key),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
