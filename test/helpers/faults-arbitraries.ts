import fc from "fast-check";
import type { CardAction, FormId } from "../../src/app/events.js";

/** Words gonogo's grammar knows, so generated commands get past the first token often. */
const WORDS = ["create", "vote", "go", "no-go", "abstain", "retract", "status", "list", "share", "schedule", "update", "ship", "shipped", "hold", "cancel", "rollback", "recovered", "retro", "policy", "set", "role", "grant", "revoke", "help", "stats", "audit", "at", "in", "env", "manager", "desc", "version"];
const TOKENS = ["R-1", "R-2", "r-1", "1", "R-999999999", "R-0", "R--1", "quorum=0", "quorum=-1", "quorum=9999999999", "require=", "veto=maybe", "t0=explode", "timezone=Mars/Olympus", "reminders=0m,-5m", "in 2h", "in 0s", "1999-01-01T00:00Z", "2030-02-30T25:61Z", "tomorrow 99:99", "@x", "<@U1>", "<!subteam^S1>", "\u0000", "‮", "🚀", "'; DROP TABLE votes;--", "%s%s%n", "a".repeat(300)];

/** A /release command's text: random junk, or grammar words mixed with hostile tokens. */
export const commandText: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 80 }),
  fc.string({ unit: "grapheme", maxLength: 40 }),
  fc.array(fc.oneof(fc.constantFrom(...WORDS), fc.constantFrom(...TOKENS), fc.string({ maxLength: 12 })), { minLength: 1, maxLength: 7 }).map((t) => t.join(" ")),
);

export const releaseIdish: fc.Arbitrary<string> = fc.oneof(fc.constantFrom("R-1", "R-2", "R-0", "R-999999999", "", "r-1", "R-1 ", "R-01", "R-1e3", "../R-1"), fc.string({ maxLength: 20 }));

export const cardAction: fc.Arbitrary<CardAction> = fc.constantFrom("go", "no_go", "abstain", "rollback", "retro");
export const formId: fc.Arbitrary<FormId> = fc.constantFrom("create", "no_go", "rollback", "retro");

const FIELD_KEYS = ["service", "version", "environment", "when", "description", "reason", "went_well", "went_badly", "action_items", "__proto__", "constructor", ""];
export const formValues: fc.Arbitrary<Record<string, string>> = fc.dictionary(fc.oneof(fc.constantFrom(...FIELD_KEYS), fc.string({ maxLength: 10 })), fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom(...TOKENS)), { maxKeys: 6 });

/** Actor ids as adapters might hand them over, some odd. */
export const actorName: fc.Arbitrary<string> = fc.oneof(fc.constantFrom("alice", "bob", "mallory", "admin"), fc.string({ minLength: 1, maxLength: 20 }));

/** The apology the door gives for an internal error: fuzzed input must never reach it. */
export const INTERNAL_ERROR = /something went wrong on our side/i;
