CREATE INDEX "releases_created_idx" ON "releases" USING btree ("created_at");--> statement-breakpoint
CREATE INDEX "releases_closed_idx" ON "releases" USING btree ("closed_at");--> statement-breakpoint
CREATE INDEX "hook_receipts_at_idx" ON "hook_receipts" USING btree ("at");--> statement-breakpoint
CREATE INDEX "webhook_deliveries_release_idx" ON "webhook_deliveries" USING btree ("release_id");