// Package whatsapp runs the hub's WhatsApp channel on whatsmeow. Everything
// talks to WhatsApp through Client (client.go), a narrow interface that
// *whatsmeow.Client satisfies; NewWhatsmeowClient there sets the options
// the hub relies on (synchronous acks, the decrypted-event buffer, asking
// the phone again for what cannot be decrypted, no reconnecting of its
// own). Tests drive the hub with the fake in hub/whatsapp/watest, which
// emits whatsmeow's own event structs.
//
// Where to look:
//
//   - Sessions and connections: sessions.go (whatsmeow's session store, in
//     PostgreSQL or data/whatsapp.db), manager.go and session.go (one client
//     per linked account, reconnects with backoff, and a reconnect after a
//     message that could not be stored, so WhatsApp delivers it again),
//     version.go (the current web client version, asked once at start),
//     account_events.go and account_state.go (connected, logged out,
//     banned, replaced, outdated → the account's row and staff alerts),
//     sessions_lock.go (one instance per account on PostgreSQL), walog.go
//     (whatsmeow's log into slog).
//   - Linking and unlinking a phone: link.go (QR and pairing code, for the
//     CLI and the admin page), logout.go, command.go (`naryad whatsapp
//     link/list/logout`), account_name.go.
//   - Incoming: inbound.go (every event of a client lands here),
//     inbound_route.go (which thread: open work order, lead, group),
//     inbound_content.go (text and files of a message), inbound_words.go
//     (a phone's words cleaned of what no database keeps), inbound_changes.go
//     (quotes, reactions, edits, deletions, disappearing timers; a sent
//     message is found by any of its parts' ids), inbound_unreadable.go
//     (a stand-in for a message not decrypted yet, filled when it comes
//     again), media.go and media_file.go (the download worker, expired
//     media re-requested), receipts.go (delivered and read, matched by the
//     id stored before the send).
//   - Outgoing: sender.go (the outbox sender of the whatsapp channel: each
//     part's id stored before it is sent, so a retry re-sends under it;
//     error 463 retried; the daily send cap; a random wait before each
//     send), sender_account.go (which account sends), sender_content.go
//     (text, photos, documents), sender_media.go (sizes, previews, lengths,
//     voice notes), sender_context.go (the quote and the chat's timer),
//     signals.go (read receipts, if the branch wants them, and "typing…"
//     for the inbox), contacts.go (is the number on WhatsApp), pacing.go
//     (one send per account at a time, spaced), fallback.go (what WhatsApp
//     cannot deliver goes by SMS with the page link), followups.go (a
//     status or estimate message never confirmed goes by SMS too).
//   - Hidden numbers: a customer known only by a LID is answered in the
//     LID chat (store.QueueMessage), and inbound_route.go links the thread
//     to their number once WhatsApp reveals it.
//   - A group per work order: groups.go (when a thread's messages go to its
//     group), groups_create.go (a group counts as a new chat),
//     groups_plan.go (name and members), groups_invite.go (a customer who
//     blocks group adds gets the invite link; the group waits for them),
//     groups_members.go (the customer joining or leaving), groups_sweep.go
//     (leaving after hand-over).
//
// contracts.go holds the small interfaces the parts meet at: Clients (the
// Manager lends clients), EventHandler and Session, GroupRouter.
package whatsapp
