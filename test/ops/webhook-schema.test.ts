import { readFileSync } from "node:fs";
import { afterEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import { startWebhookReceiver } from "../helpers/webhook-receiver.js";

/** The documented schema, checked against what gonogo really sends (a small checker for this schema's keywords). */
const schema = JSON.parse(readFileSync(new URL("../../schemas/webhook.schema.json", import.meta.url), "utf8")) as Schema;
interface Schema {
  type?: string | string[];
  enum?: unknown[];
  pattern?: string;
  maxLength?: number;
  required?: string[];
  additionalProperties?: boolean;
  properties?: Record<string, Schema>;
}

function problems(value: unknown, s: Schema, path = "body"): string[] {
  const out: string[] = [];
  const kind = value === null ? "null" : typeof value;
  if (s.enum && !s.enum.includes(value)) out.push(`${path}: ${JSON.stringify(value)} not in enum`);
  if (s.type && !(Array.isArray(s.type) ? s.type : [s.type]).includes(kind === "object" && !Array.isArray(value) ? "object" : kind)) out.push(`${path}: type ${kind}`);
  if (typeof value === "string") {
    if (s.pattern && !new RegExp(s.pattern).test(value)) out.push(`${path}: ${value} does not match ${s.pattern}`);
    if (s.maxLength !== undefined && value.length > s.maxLength) out.push(`${path}: too long`);
  }
  if (kind === "object" && value && s.properties) {
    const obj = value as Record<string, unknown>;
    for (const r of s.required ?? []) if (!(r in obj)) out.push(`${path}.${r}: missing`);
    for (const [k, v] of Object.entries(obj)) {
      const sub = s.properties[k];
      if (!sub) {
        if (s.additionalProperties === false) out.push(`${path}.${k}: not in the schema`);
      } else out.push(...problems(v, sub, `${path}.${k}`));
    }
  }
  return out;
}

const SECRET = "schema-test-secret-0123456789";
let core: TestCore;
let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
afterEach(async () => {
  await core.close();
  await receiver.close();
});

describe("outbound webhook payloads", () => {
  it("match the JSON Schema in schemas/webhook.schema.json, for deploys and rollbacks", async () => {
    receiver = await startWebhookReceiver(SECRET, { now: () => core.clock.now() });
    core = createTestCore({ config: { deployWebhookUrl: receiver.url, rollbackWebhookUrl: receiver.url, webhookSecret: SECRET } });
    const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
    await say("alice", "create payments 1.4.2");
    await say("bob", "vote R-1 go");
    await say("carol", "vote R-1 go");
    await say("alice", "ship R-1");
    // The deploy call goes out before the rollback: one still unsent then would be withdrawn.
    await core.bot.runDueJobs();
    await say("alice", "rollback R-1 error rate 5x");
    await core.bot.runDueJobs();
    expect(receiver.received.map((h) => h.json.event)).toEqual(["deploy", "rollback"]);
    for (const hook of receiver.received) {
      expect(problems(hook.json, schema)).toEqual([]);
      expect(hook.headers["idempotency-key"]).toBe(hook.json.idempotencyKey);
    }
    expect(problems({ ...receiver.received[0]!.json, extra: 1 }, schema)).toEqual(["body.extra: not in the schema"]);
  });

  it("a rollback that names the version it goes back to matches it too", async () => {
    receiver = await startWebhookReceiver(SECRET, { now: () => core.clock.now() });
    core = createTestCore({ config: { rollbackWebhookUrl: receiver.url, webhookSecret: SECRET } });
    const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
    for (const [i, version] of ["1.4.1", "1.4.2"].entries()) {
      for (const [who, text] of [["alice", `create payments ${version}`], ["bob", `vote R-${i + 1} go`], ["carol", `vote R-${i + 1} go`], ["alice", `ship R-${i + 1}`], ["alice", `shipped R-${i + 1}`]]) await say(who!, text!);
    }
    await say("alice", "rollback R-2 error rate 5x");
    await core.bot.runDueJobs();
    expect(receiver.received[0]!.json.rollbackTo).toMatchObject({ id: "R-1", version: "1.4.1" });
    expect(problems(receiver.received[0]!.json, schema)).toEqual([]);
  });
});
