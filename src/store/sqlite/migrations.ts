// Versioned schema. Each entry runs once, in order, inside a transaction; PRAGMA user_version
// remembers how far a database has come. Never edit a shipped migration: append a new one.
export const MIGRATIONS: string[] = [
  /* 1: foundation */ `
  CREATE TABLE sessions (
    key TEXT PRIMARY KEY,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE TABLE contacts (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    account_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    thread_id TEXT NOT NULL,
    thread_type TEXT NOT NULL,
    display_name TEXT,
    locale TEXT,
    first_seen_at TEXT NOT NULL,
    last_inbound_at TEXT,
    UNIQUE (channel, account_id, thread_type, thread_id)
  );
  CREATE TABLE inbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    channel TEXT NOT NULL,
    message_id TEXT NOT NULL,
    conversation_key TEXT NOT NULL,
    event TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    received_at TEXT NOT NULL,
    processed_at TEXT,
    error TEXT,
    UNIQUE (channel, message_id)
  );
  CREATE INDEX inbox_pending ON inbox (status, id);
  CREATE TABLE transcript (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_key TEXT NOT NULL,
    channel TEXT NOT NULL,
    contact_id TEXT,
    at TEXT NOT NULL,
    text TEXT NOT NULL,
    locale TEXT NOT NULL,
    intent TEXT,
    confidence REAL,
    handler TEXT NOT NULL,
    answered INTEGER NOT NULL,
    latency_ms INTEGER NOT NULL,
    replies TEXT NOT NULL
  );
  CREATE INDEX transcript_at ON transcript (at);
  CREATE INDEX transcript_conversation ON transcript (conversation_key, id);
  CREATE TABLE users (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    class_ids TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    target TEXT NOT NULL,
    details TEXT NOT NULL
  );
  CREATE INDEX audit_at ON audit_log (at);
  CREATE TABLE documents (
    collection TEXT NOT NULL,
    id TEXT NOT NULL,
    value TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (collection, id)
  );
  CREATE TABLE leases (
    name TEXT PRIMARY KEY,
    holder TEXT NOT NULL,
    expires_at INTEGER NOT NULL
  );
  `,
  /* 2: outbound messages and alerts for staff */ `
  CREATE TABLE outbox (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_key TEXT NOT NULL,
    ref TEXT NOT NULL,
    message TEXT NOT NULL,
    purpose TEXT NOT NULL,
    status TEXT NOT NULL DEFAULT 'pending',
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    last_error TEXT,
    created_at TEXT NOT NULL,
    sent_at TEXT,
    platform_message_id TEXT
  );
  CREATE INDEX outbox_conversation ON outbox (conversation_key, status, id);
  CREATE INDEX outbox_due ON outbox (status, next_attempt_at);
  CREATE TABLE alerts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    details TEXT NOT NULL,
    acknowledged_at TEXT
  );
  `,
  /* 3: comments, absences, staff on chat */ `
  CREATE TABLE comments (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    code TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    contact_id TEXT,
    ref TEXT,
    display_name TEXT,
    class_id TEXT,
    text TEXT NOT NULL,
    category TEXT NOT NULL,
    sentiment TEXT NOT NULL,
    severity TEXT NOT NULL,
    anonymous INTEGER NOT NULL,
    status TEXT NOT NULL,
    assigned_to TEXT,
    first_response_at TEXT,
    due_at TEXT NOT NULL,
    reminded_at TEXT,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX comments_created ON comments (created_at);
  CREATE INDEX comments_status ON comments (status, due_at);
  CREATE TABLE comment_events (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    comment_id INTEGER NOT NULL REFERENCES comments (id),
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    kind TEXT NOT NULL,
    details TEXT NOT NULL
  );
  CREATE INDEX comment_events_comment ON comment_events (comment_id, id);
  CREATE TABLE absences (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    created_at TEXT NOT NULL,
    contact_id TEXT,
    child_name TEXT NOT NULL,
    class_id TEXT NOT NULL,
    from_date TEXT NOT NULL,
    to_date TEXT NOT NULL,
    reason TEXT
  );
  CREATE INDEX absences_dates ON absences (from_date, to_date);
  CREATE TABLE staff_links (
    user_id TEXT NOT NULL,
    ref TEXT NOT NULL,
    conversation_key TEXT NOT NULL UNIQUE,
    linked_at TEXT NOT NULL
  );
  CREATE INDEX staff_links_user ON staff_links (user_id);
  CREATE TABLE link_codes (
    code TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    expires_at TEXT NOT NULL
  );
  `,
  /* 4: subscribers, broadcasts and their deliveries */ `
  CREATE TABLE subscriptions (
    contact_id TEXT NOT NULL REFERENCES contacts (id),
    group_id TEXT NOT NULL,
    source TEXT NOT NULL,
    channel TEXT NOT NULL,
    consented_at TEXT NOT NULL,
    left_at TEXT,
    PRIMARY KEY (contact_id, group_id)
  );
  CREATE INDEX subscriptions_group ON subscriptions (group_id, left_at);
  CREATE TABLE broadcasts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    title TEXT NOT NULL,
    text TEXT NOT NULL,
    audience TEXT NOT NULL,
    media TEXT,
    send_at TEXT,
    cron TEXT,
    status TEXT NOT NULL,
    created_by TEXT NOT NULL,
    submitted_by TEXT,
    decided_by TEXT,
    reject_reason TEXT,
    next_run_at TEXT,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
  );
  CREATE INDEX broadcasts_due ON broadcasts (status, next_run_at);
  CREATE TABLE deliveries (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    broadcast_id INTEGER NOT NULL REFERENCES broadcasts (id),
    run_at TEXT NOT NULL,
    recipient TEXT NOT NULL,
    contact_id TEXT,
    ref TEXT NOT NULL,
    channel TEXT NOT NULL,
    locale TEXT NOT NULL,
    groups TEXT NOT NULL,
    name TEXT,
    status TEXT NOT NULL DEFAULT 'pending',
    reason TEXT,
    attempts INTEGER NOT NULL DEFAULT 0,
    next_attempt_at TEXT NOT NULL,
    claimed_by TEXT,
    lease_until INTEGER NOT NULL DEFAULT 0,
    sent_at TEXT,
    UNIQUE (broadcast_id, run_at, recipient)
  );
  CREATE INDEX deliveries_claim ON deliveries (status, next_attempt_at);
  CREATE INDEX deliveries_broadcast ON deliveries (broadcast_id, status);
  `,
  /* 5: a parent's own comments are looked up on every message (pending replies) */ `
  CREATE INDEX comments_contact ON comments (contact_id);
  `,
  /* 6: a parent can withdraw an absence they reported */ `
  ALTER TABLE absences ADD COLUMN withdrawn_at TEXT;
  CREATE INDEX absences_contact ON absences (contact_id, to_date);
  `,
  /* 7: reports count the turns that asked something, not every form step or button */ `
  ALTER TABLE transcript ADD COLUMN asked INTEGER NOT NULL DEFAULT 0;
  UPDATE transcript SET asked = 1
    WHERE handler IN ('fallback', 'clarify') OR handler LIKE 'answer:%' OR handler LIKE '%:question'
       OR (intent IS NOT NULL AND intent NOT IN ('greeting', 'thanks') AND handler NOT LIKE '%:%');
  `,
  /* 8: the web chat's answer kept with its message, so that a retry gets it again */ `
  ALTER TABLE inbox ADD COLUMN replies TEXT;
  `,
  /* 9: an erased contact stays as a tombstone (de-duplication holds), without personal data */ `
  ALTER TABLE contacts ADD COLUMN erased_at TEXT;
  `,
  /* 10: the web chat: each conversation's messages, and what waits for a page that is closed */ `
  CREATE TABLE webchat_messages (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    conversation_key TEXT NOT NULL,
    at TEXT NOT NULL,
    kind TEXT NOT NULL,
    message TEXT NOT NULL,
    status TEXT NOT NULL,
    delivery_id INTEGER,
    delivered_at TEXT,
    expires_at TEXT
  );
  CREATE INDEX webchat_messages_conversation ON webchat_messages (conversation_key, id);
  CREATE INDEX webchat_messages_waiting ON webchat_messages (status, expires_at) WHERE status = 'waiting';
  `,
  /* 11: the staff console: sign-in with passwords, set-up links, sessions, personal API tokens.
     Users' old tokens become personal API tokens; a username is given later (PATCH). */ `
  CREATE TABLE users_v7 (
    id TEXT PRIMARY KEY,
    username TEXT UNIQUE,
    name TEXT NOT NULL,
    role TEXT NOT NULL,
    class_ids TEXT NOT NULL,
    password_hash TEXT,
    created_at TEXT NOT NULL,
    disabled INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO users_v7 (id, name, role, class_ids, created_at, disabled)
    SELECT id, name, role, class_ids, created_at, disabled FROM users;
  CREATE TABLE api_tokens (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    name TEXT NOT NULL,
    token_hash TEXT NOT NULL UNIQUE,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    last_used_at TEXT
  );
  INSERT INTO api_tokens (id, user_id, name, token_hash, created_at)
    SELECT 'legacy-' || id, id, 'API', token_hash, created_at FROM users;
  DROP TABLE users;
  ALTER TABLE users_v7 RENAME TO users;
  CREATE INDEX api_tokens_user ON api_tokens (user_id);
  CREATE TABLE staff_sessions (
    id_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    last_seen_at TEXT NOT NULL
  );
  CREATE INDEX staff_sessions_user ON staff_sessions (user_id);
  CREATE TABLE setup_links (
    token_hash TEXT PRIMARY KEY,
    user_id TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL,
    used_at TEXT
  );
  CREATE INDEX setup_links_user ON setup_links (user_id);
  CREATE TABLE login_failures (
    username TEXT PRIMARY KEY,
    count INTEGER NOT NULL,
    last_at TEXT NOT NULL
  );
  `,
  /* 12: reports read a month of comments and questions from these indexes alone (no table lookups),
     and the comments list filtered by category or class seeks them instead of reading the month. */ `
  CREATE INDEX comments_report ON comments (created_at, severity, category, sentiment, status, first_response_at, due_at);
  CREATE INDEX comments_urgent ON comments (created_at) WHERE severity = 'urgent';
  CREATE INDEX comments_category ON comments (category, created_at);
  CREATE INDEX comments_class ON comments (class_id, created_at);
  CREATE INDEX transcript_asked ON transcript (asked, at, answered, intent);
  `,
  /* 13: each reply's text is kept once. Answers are the school's templates filled with its data,
     the same for every parent who asks: the transcript, the outbox and the web chat's kept answers
     refer to one copy, counted by triggers (the last reference deleted, the copy goes, so erasure
     and retention need nothing more). An inbox entry's event (with the platform's raw payload)
     waits in inbox_events while it is needed: deleted once a message is processed (its words are
     in the transcript), so the inbox keeps what de-duplication needs in rows that never shrink
     (shrunken rows would leave their pages mostly empty). Indexes cover only the rows they seek. */ `
  CREATE TABLE message_texts (
    id INTEGER PRIMARY KEY,
    body TEXT NOT NULL UNIQUE,
    refs INTEGER NOT NULL DEFAULT 0
  );
  INSERT OR IGNORE INTO message_texts (body) SELECT json_quote(j.value) FROM transcript t, json_each(t.replies) j;
  UPDATE transcript SET replies = (SELECT json_group_array(m.id ORDER BY j.key)
    FROM json_each(transcript.replies) j JOIN message_texts m ON m.body = json_quote(j.value));
  ALTER TABLE outbox ADD COLUMN text_id INTEGER;
  INSERT OR IGNORE INTO message_texts (body) SELECT message FROM outbox;
  UPDATE outbox SET text_id = (SELECT id FROM message_texts WHERE body = outbox.message), message = '';
  INSERT OR IGNORE INTO message_texts (body) SELECT j.value FROM inbox i, json_each(i.replies) j WHERE i.replies IS NOT NULL;
  UPDATE inbox SET replies = (SELECT json_group_array(m.id ORDER BY j.key)
    FROM json_each(inbox.replies) j JOIN message_texts m ON m.body = j.value) WHERE replies IS NOT NULL;
  CREATE TABLE inbox_events (
    inbox_id INTEGER PRIMARY KEY REFERENCES inbox (id) ON DELETE CASCADE,
    event TEXT NOT NULL
  );
  INSERT INTO inbox_events (inbox_id, event) SELECT id, CASE status WHEN 'processed' THEN json_remove(event, '$.raw') ELSE event END FROM inbox
    WHERE event <> '' AND json_extract(event, '$.erased') IS NULL
      AND NOT (status = 'processed' AND json_extract(event, '$.type') IN ('text', 'payload')
        AND EXISTS (SELECT 1 FROM transcript t WHERE t.conversation_key = inbox.conversation_key));
  UPDATE inbox SET event = '';
  UPDATE message_texts SET refs = refs + c.n
    FROM (SELECT j.value AS id, COUNT(DISTINCT t.id) AS n FROM transcript t, json_each(t.replies) j GROUP BY j.value) c WHERE c.id = message_texts.id;
  UPDATE message_texts SET refs = refs + c.n
    FROM (SELECT text_id AS id, COUNT(*) AS n FROM outbox GROUP BY text_id) c WHERE c.id = message_texts.id;
  UPDATE message_texts SET refs = refs + c.n
    FROM (SELECT j.value AS id, COUNT(DISTINCT i.id) AS n FROM inbox i, json_each(i.replies) j GROUP BY j.value) c WHERE c.id = message_texts.id;
  DELETE FROM message_texts WHERE refs <= 0;

  CREATE TRIGGER transcript_texts_added AFTER INSERT ON transcript BEGIN
    UPDATE message_texts SET refs = refs + 1 WHERE id IN (SELECT value FROM json_each(NEW.replies));
  END;
  CREATE TRIGGER transcript_texts_changed AFTER UPDATE OF replies ON transcript BEGIN
    UPDATE message_texts SET refs = refs + 1 WHERE id IN (SELECT value FROM json_each(NEW.replies));
    UPDATE message_texts SET refs = refs - 1 WHERE id IN (SELECT value FROM json_each(OLD.replies));
    DELETE FROM message_texts WHERE refs <= 0 AND id IN (SELECT value FROM json_each(OLD.replies));
  END;
  CREATE TRIGGER transcript_texts_removed AFTER DELETE ON transcript BEGIN
    UPDATE message_texts SET refs = refs - 1 WHERE id IN (SELECT value FROM json_each(OLD.replies));
    DELETE FROM message_texts WHERE refs <= 0 AND id IN (SELECT value FROM json_each(OLD.replies));
  END;
  CREATE TRIGGER inbox_texts_added AFTER INSERT ON inbox WHEN NEW.replies IS NOT NULL BEGIN
    UPDATE message_texts SET refs = refs + 1 WHERE id IN (SELECT value FROM json_each(NEW.replies));
  END;
  CREATE TRIGGER inbox_texts_changed AFTER UPDATE OF replies ON inbox BEGIN
    UPDATE message_texts SET refs = refs + 1 WHERE id IN (SELECT value FROM json_each(NEW.replies));
    UPDATE message_texts SET refs = refs - 1 WHERE id IN (SELECT value FROM json_each(OLD.replies));
    DELETE FROM message_texts WHERE refs <= 0 AND id IN (SELECT value FROM json_each(OLD.replies));
  END;
  CREATE TRIGGER inbox_texts_removed AFTER DELETE ON inbox WHEN OLD.replies IS NOT NULL BEGIN
    UPDATE message_texts SET refs = refs - 1 WHERE id IN (SELECT value FROM json_each(OLD.replies));
    DELETE FROM message_texts WHERE refs <= 0 AND id IN (SELECT value FROM json_each(OLD.replies));
  END;
  CREATE TRIGGER outbox_texts_added AFTER INSERT ON outbox WHEN NEW.text_id IS NOT NULL BEGIN
    UPDATE message_texts SET refs = refs + 1 WHERE id = NEW.text_id;
  END;
  CREATE TRIGGER outbox_texts_changed AFTER UPDATE OF text_id ON outbox BEGIN
    UPDATE message_texts SET refs = refs + 1 WHERE id = NEW.text_id;
    UPDATE message_texts SET refs = refs - 1 WHERE id = OLD.text_id;
    DELETE FROM message_texts WHERE refs <= 0 AND id = OLD.text_id;
  END;
  CREATE TRIGGER outbox_texts_removed AFTER DELETE ON outbox WHEN OLD.text_id IS NOT NULL BEGIN
    UPDATE message_texts SET refs = refs - 1 WHERE id = OLD.text_id;
    DELETE FROM message_texts WHERE refs <= 0 AND id = OLD.text_id;
  END;

  DROP INDEX inbox_pending;
  CREATE INDEX inbox_pending ON inbox (id) WHERE status = 'pending';
  DROP INDEX outbox_due;
  CREATE INDEX outbox_due ON outbox (next_attempt_at) WHERE status = 'pending';
  DROP INDEX outbox_conversation;
  CREATE INDEX outbox_unsent ON outbox (conversation_key, id) WHERE status IN ('pending', 'sending');
  `,
  /* 14: the web chat's history refers to the kept texts too: an answer shown on a page is the
     transcript's and the outbox's one copy (migration 13); the visitor's own words stay inline. */ `
  ALTER TABLE webchat_messages ADD COLUMN text_id INTEGER;
  INSERT OR IGNORE INTO message_texts (body) SELECT message FROM webchat_messages WHERE kind <> 'visitor';
  UPDATE webchat_messages SET text_id = (SELECT id FROM message_texts WHERE body = webchat_messages.message), message = '' WHERE kind <> 'visitor';
  UPDATE message_texts SET refs = refs + c.n
    FROM (SELECT text_id AS id, COUNT(*) AS n FROM webchat_messages WHERE text_id IS NOT NULL GROUP BY text_id) c WHERE c.id = message_texts.id;
  CREATE TRIGGER webchat_texts_added AFTER INSERT ON webchat_messages WHEN NEW.text_id IS NOT NULL BEGIN
    UPDATE message_texts SET refs = refs + 1 WHERE id = NEW.text_id;
  END;
  CREATE TRIGGER webchat_texts_removed AFTER DELETE ON webchat_messages WHEN OLD.text_id IS NOT NULL BEGIN
    UPDATE message_texts SET refs = refs - 1 WHERE id = OLD.text_id;
    DELETE FROM message_texts WHERE refs <= 0 AND id = OLD.text_id;
  END;
  `,
];
