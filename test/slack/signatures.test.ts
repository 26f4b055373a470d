import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { actionId } from "../../adapters/slack/ids.js";
import { interactiveBody, nowSec, sign, slashBody, startHarness, type Harness } from "./harness.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(async () => {
  await h.close();
});

/** Everything the fake saw except the start-up token check. */
const effects = () => h.fake.calls.filter((c) => c.method !== "auth.test");

describe("Slack request signatures", () => {
  it("rejects a forged signature with 401 and does nothing", async () => {
    const body = slashBody(h.fake, "UMGR", "create payments 1.4.2");
    const res = await h.raw(body, sign(body, nowSec(), "not-the-real-secret"));
    expect(res.status).toBe(401);
    await h.core.bot.idle();
    expect(effects()).toHaveLength(0);
    expect((await h.core.store.listReleases({}))).toHaveLength(0);
  });

  it("rejects a body changed after signing with 401", async () => {
    const body = slashBody(h.fake, "UMGR", "create payments 1.4.2");
    const headers = sign(body, nowSec());
    const res = await h.raw(body.replace("payments", "payroll"), headers);
    expect(res.status).toBe(401);
    expect((await h.core.store.listReleases({}))).toHaveLength(0);
  });

  it("rejects a correctly signed request older than five minutes (a replay) with 401", async () => {
    const body = slashBody(h.fake, "UMGR", "create payments 1.4.2");
    const res = await h.raw(body, sign(body, nowSec() - 301));
    expect(res.status).toBe(401);
    await h.core.bot.idle();
    expect(effects()).toHaveLength(0);
    expect((await h.core.store.listReleases({}))).toHaveLength(0);
  });

  it("rejects a request with no signature headers", async () => {
    const body = slashBody(h.fake, "UMGR", "create payments 1.4.2");
    const res = await h.raw(body, {});
    expect(res.status).toBe(401);
    expect((await h.core.store.listReleases({}))).toHaveLength(0);
  });

  it("accepts the same request correctly signed and fresh", async () => {
    const body = slashBody(h.fake, "UMGR", "create payments 1.4.2");
    const res = await h.raw(body, sign(body, nowSec()));
    expect(res.status).toBe(200);
    expect((await h.core.store.listReleases({}))).toHaveLength(1);
  });

  it("never writes a token or the signing secret to the log", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    h.fake.failNext("chat.postMessage", { error: "not_in_channel" });
    await h.slash("UMGR", "create search 2.0");
    await h.core.bot.idle();
    const all = JSON.stringify([h.logs, h.core.logs]);
    // The failure itself is logged, with Slack's error code.
    expect(all).toContain("not_in_channel");
    expect(all).not.toContain("xoxb-");
    expect(all).not.toContain("test-signing-secret");
  });
});

describe("a signed payload gonogo cannot read", () => {
  it("is acknowledged, changes nothing, and the log names the fields that did not read (names only)", async () => {
    const payload = { type: "block_actions", team: { id: "T1" }, user: { id: "UX" }, channel: { id: "C1" }, actions: [{ action_id: actionId("go"), type: "button", value: "secret-looking-value" }] };
    const body = interactiveBody(payload);
    const res = await h.raw(body, sign(body, nowSec()));
    expect(res.status).toBe(200);
    expect(effects()).toEqual([]);
    const line = h.logs.find((l) => l.msg === "slack: unreadable block_actions payload");
    expect(line?.obj).toEqual({ fields: ["trigger_id"] });
    expect(JSON.stringify(h.logs)).not.toContain("secret-looking-value");
  });
});
