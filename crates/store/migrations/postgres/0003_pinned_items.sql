-- Live-shopping items pinned in a room, per broadcast session, in pin order.
CREATE TABLE pinned_items (
    app       BIGINT NOT NULL,
    group_id  TEXT COLLATE "C" NOT NULL,
    session   BIGINT NOT NULL,
    pinned_at BIGINT NOT NULL,
    operator  TEXT   NOT NULL,
    -- The item as JSON (an object with at least ItemId and Title).
    item      TEXT   NOT NULL,
    position  BIGINT NOT NULL,
    PRIMARY KEY (app, group_id, session, position),
    FOREIGN KEY (app, group_id) REFERENCES groups (app, group_id) ON DELETE CASCADE
);
