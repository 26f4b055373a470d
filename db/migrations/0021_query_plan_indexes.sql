CREATE INDEX `releases_created_idx` ON `releases` (`created_at`);--> statement-breakpoint
CREATE INDEX `releases_closed_idx` ON `releases` (`closed_at`);--> statement-breakpoint
CREATE INDEX `hook_receipts_at_idx` ON `hook_receipts` (`at`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_release_idx` ON `webhook_deliveries` (`release_id`);