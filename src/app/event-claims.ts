/**
 * Claimed platform event ids are kept a day: Slack stops retrying within minutes and a
 * Discord interaction's token dies after 15, so an older claim can never meet its twin.
 * Pruned hourly with the other work rows (pruning.ts).
 */
export const EVENT_CLAIM_KEEP_MS = 24 * 60 * 60 * 1000;
