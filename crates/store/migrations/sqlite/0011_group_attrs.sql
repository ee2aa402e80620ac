-- Group attributes: a group's key-value map (reference 3.5.6).
-- Keep in step with ../postgres/0012_group_attrs.sql.
CREATE TABLE group_attrs (
    app      INTEGER NOT NULL,
    group_id TEXT    NOT NULL,
    key      TEXT    NOT NULL,
    value    TEXT    NOT NULL,
    PRIMARY KEY (app, group_id, key),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
) WITHOUT ROWID;
