-- whatsapp_ux: what customers and advisors notice in WhatsApp (issue 14).
--
-- * message_quotes: a message that quotes another: the quoted message when
--   the hub has it, and the quoted words as WhatsApp carried them (shown
--   even when the quoted message is not in the hub). An advisor's reply
--   from the inbox names the customer message it answers here too.
-- * message_reactions: one reaction per person per message (a new emoji
--   replaces it, an empty one removes the row). Never a decision.
-- * message_changes: a message the customer edited (original_body keeps
--   the first words, messages.body the newest) or deleted for everyone
--   (revoked_at: hidden from the customer's page, kept for staff).
-- * wa_chat_timers: a chat's disappearing-message timer as the chat last
--   told it; outgoing messages carry it.
-- * wa_inbound.sender: who sent the message (a group's member; the
--   customer in a direct chat), which read receipts and quotes name;
--   wa_inbound.read_marked: a read receipt went to WhatsApp (rows older
--   than this migration count as read: nobody waits for those).
-- * branches.wa_mark_read: opening a thread in the inbox marks the
--   customer's messages read in WhatsApp (on by default).

-- +goose Up
CREATE TABLE message_quotes (
    message_id  BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    quoted_id   BIGINT REFERENCES messages (id) ON DELETE SET NULL,
    quoted_text TEXT NOT NULL DEFAULT ''
);

CREATE TABLE message_reactions (
    message_id BIGINT NOT NULL REFERENCES messages (id) ON DELETE CASCADE,
    reactor    TEXT NOT NULL,
    author     TEXT NOT NULL,
    emoji      TEXT NOT NULL,
    reacted_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (message_id, reactor)
);

CREATE TABLE message_changes (
    message_id    BIGINT PRIMARY KEY REFERENCES messages (id) ON DELETE CASCADE,
    original_body TEXT NOT NULL,
    edited_at     TIMESTAMPTZ,
    revoked_at    TIMESTAMPTZ
);

CREATE TABLE wa_chat_timers (
    account_id BIGINT NOT NULL REFERENCES wa_accounts (id) ON DELETE CASCADE,
    chat       TEXT NOT NULL,
    seconds    INTEGER NOT NULL,
    updated_at TIMESTAMPTZ NOT NULL,
    PRIMARY KEY (account_id, chat)
);

ALTER TABLE wa_inbound ADD COLUMN sender TEXT NOT NULL DEFAULT '';
ALTER TABLE wa_inbound ADD COLUMN read_marked BOOLEAN NOT NULL DEFAULT TRUE;
CREATE INDEX wa_inbound_unread ON wa_inbound (message_id) WHERE NOT read_marked;

ALTER TABLE branches ADD COLUMN wa_mark_read BOOLEAN NOT NULL DEFAULT TRUE;

-- +goose Down
ALTER TABLE branches DROP COLUMN wa_mark_read;
DROP INDEX wa_inbound_unread;
ALTER TABLE wa_inbound DROP COLUMN read_marked;
ALTER TABLE wa_inbound DROP COLUMN sender;
DROP TABLE wa_chat_timers;
DROP TABLE message_changes;
DROP TABLE message_reactions;
DROP TABLE message_quotes;
