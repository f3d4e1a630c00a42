// Package dms is the hub's side of the exchange with the DMS (1C:Alfa-Auto,
// or any other): the two endpoints under /api/dms/v1 that
// docs/exchange.md documents for 1C integrators, the ingest behind them,
// and the `naryad dms …` CLI commands that issue and revoke the DMS
// nodes' tokens.
//
// The exchange runs one way in, one way out:
//
//   - In: the DMS pushes events (POST /api/dms/v1/events). Each raw event
//     is decoded and validated on its own (event.go, validate*.go) into a
//     validEvent (valid.go), then the Ingester applies the whole batch in
//     one transaction (ingest*.go): work orders version-guarded, their
//     customer, vehicle, lines and thread, and the messages the customer
//     must get (a status change, lines to approve, a document) queued in
//     the outbox. Every event gets a result: applied, duplicate, stale or
//     rejected with field-precise problems. What a work order event means
//     for online payments (the amount due moved, "unpaid" after a payment,
//     the ready message's pay line) is in ingest_payment.go.
//   - Out: the DMS reads a numbered change feed (GET
//     /api/dms/v1/changes?after=SEQ): what customers wrote, decided and
//     scored, failed deliveries, WhatsApp leads and key locker events. The
//     hub writes these changes in the transactions that cause them (the
//     store, the key lockers), so their payload types, the feed's
//     contract, live in the core, in hub/changefeed.go, where this package
//     and the writers both see them; the core may not import dms. This
//     package only numbers pages of the feed and records how far each node
//     has read (handler.go).
//
// A reader new to the package opens, in order: docs/exchange.md (the
// contract), handler.go (the endpoints and the feed), ingest.go (Apply and
// the batch transaction), ingest_workorder.go (a work order event:
// resolve, save, notify), and hub/changefeed.go (what goes out).
// csvimport loads a file of expiring items through the same ingest.
package dms
