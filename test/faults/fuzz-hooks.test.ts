import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { channel, person } from "../helpers/core.js";
import { countsBesidesRefusals } from "../helpers/faults-db.js";
import { startHookServer } from "../helpers/faults-hooks.js";

let hooks: Awaited<ReturnType<typeof startHookServer>>;
const unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);

beforeAll(async () => {
  process.on("unhandledRejection", onUnhandled);
  hooks = await startHookServer();
  await hooks.core.bot.handle({ kind: "command", actor: person("rm"), channel, text: "create payments 1.4.2" });
});
afterAll(async () => {
  process.off("unhandledRejection", onUnhandled);
  await hooks.close();
  expect(unhandled).toEqual([]);
});

const hookField = fc.oneof(fc.constantFrom("R-1", "R-2", "R-0", "r-1", "payments", "1.4.2", "started", "succeeded", "failed", "rolled_back", "critical", "warning", "https://ci.example.com/1", "javascript:alert(1)", ""), fc.string({ maxLength: 20 }), fc.integer(), fc.constant(null));
const hookBody = fc.oneof(
  fc.dictionary(fc.constantFrom("release", "service", "version", "status", "url", "summary", "severity", "link", "extra", "__proto__"), hookField, { maxKeys: 6 }).map((o) => JSON.stringify(o)),
  fc.json({ maxDepth: 3 }),
  fc.string({ maxLength: 80 }),
);

describe("bad hook bodies, correctly signed", () => {
  it("answer 4xx with a reason (never 5xx) and write nothing unless accepted", async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom("deploy" as const, "alert" as const), hookBody, async (kind, body) => {
        const before = countsBesidesRefusals(hooks.core.db.sqlite);
        const res = await hooks.post(kind, body);
        expect(res.status).toBeLessThan(500);
        expect(res.body).toBeTypeOf("object");
        if (res.status >= 400) {
          expect(JSON.stringify(res.body)).toMatch(/"error"|"reason"|"message"/);
          expect(countsBesidesRefusals(hooks.core.db.sqlite)).toEqual(before);
        }
      }),
      { numRuns: 150 },
    );
    await hooks.core.bot.idle();
  }, 30_000);
});
