-- gonogo before 2026-12-04 could leave "Rollback webhook: delivered (HTTP 200) — mark the service
-- restored with `/release recovered R-6`" on a release already marked restored (1f51dd3 kept it at
-- recovery; later versions let a retried delivery land after it). The advice is done with: the note
-- keeps what happened to the call. A release not yet restored keeps it: it still asks.
UPDATE releases SET webhook_note = substr(webhook_note, 1, length(webhook_note) - length(' — mark the service restored with `/release recovered R-' || seq || '`'))
WHERE recovered_at IS NOT NULL
  AND substr(webhook_note, -length(' — mark the service restored with `/release recovered R-' || seq || '`')) = ' — mark the service restored with `/release recovered R-' || seq || '`';
--> statement-breakpoint
-- Before 2026-12-02 the note of a release rolled back without a rollback webhook, "No rollback
-- webhook is configured: roll back by hand, then `/release recovered R-6`.", also stayed after
-- its recovery; today's gonogo clears the note when the service is marked restored.
UPDATE releases SET webhook_note = NULL
WHERE recovered_at IS NOT NULL
  AND webhook_note = 'No rollback webhook is configured: roll back by hand, then `/release recovered R-' || seq || '`.';
