import { afterEach, describe, expect, it } from "vitest";
import type { CoreConfig } from "../../src/app/context.js";
import { can, type Action } from "../../src/domain/permissions.js";
import { startHarness as startDiscord } from "../discord/harness.js";
import { member } from "../../fakes/discord-fixtures.js";
import type { FakeCall } from "../../fakes/slack-api.js";
import { channel, createTestCore, person, T0 } from "../helpers/core.js";
import { auditTypes, countsBesidesRefusals, tableCounts } from "../helpers/faults-db.js";
import { startHookServer } from "../helpers/faults-hooks.js";
import { blockActionsPayload, buttonsOf, interactiveBody, messageTs, nowSec, sign, slashBody, startHarness, viewSubmissionPayload, visibleText, SIGNING_SECRET, type Harness } from "../slack/harness.js";

const cleanups: Array<() => Promise<void>> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

type Variant = { name: string; headers: (body: string) => Record<string, string>; send?: (body: string) => string };
const SLACK_VARIANTS: Variant[] = [
  { name: "a forged signature (wrong secret)", headers: (b) => sign(b, nowSec(), "not-the-signing-secret") },
  { name: "a stale timestamp (301 s old)", headers: (b) => sign(b, nowSec() - 301) },
  { name: "a future-dated timestamp (10 min ahead)", headers: (b) => sign(b, nowSec() + 600) },
  { name: "no signature headers", headers: () => ({}) },
  { name: "a timestamp but no signature", headers: (b) => ({ "x-slack-request-timestamp": sign(b, nowSec())["x-slack-request-timestamp"]! }) },
  { name: "a body changed after signing", headers: (b) => sign(b, nowSec()), send: (b) => b.replace("UDEV", "UADM") },
];

async function slackWithCard(): Promise<{ h: Harness; card: FakeCall }> {
  const h = await startHarness();
  cleanups.push(() => h.close());
  await h.slash("UMGR", "create payments 1.4.2 at in 2h");
  const card = await h.fake.waitFor("chat.postMessage");
  await h.core.bot.idle();
  return { h, card };
}

describe("Slack signatures: every inbound kind × every bad signature → 401 and no effect", () => {
  for (const variant of SLACK_VARIANTS) {
    it(`answers 401 to commands, button presses and modal submissions with ${variant.name}`, async () => {
      const { h, card } = await slackWithCard();
      const go = buttonsOf(card).get("Go")!;
      const opened = { params: { view: { blocks: [{ type: "input", block_id: "field:reason", element: { type: "plain_text_input", action_id: "input" } }], callback_id: "gonogo:v1:form:no_go", private_metadata: JSON.stringify({ v: 1, release: "R-1", channel: "C1", team: "T1" }), title: { type: "plain_text", text: "No-go" } } } } as unknown as FakeCall;
      const bodies = {
        slash: slashBody(h.fake, "UDEV", "vote R-1 go"),
        button: interactiveBody(blockActionsPayload(h.fake, "UDEV", card, go, "Go")),
        modal: interactiveBody(viewSubmissionPayload(opened, "UDEV", { reason: "not tested" })),
      };
      const before = tableCounts(h.core.db.sqlite);
      const callsBefore = h.fake.calls.length;
      for (const [kind, body] of Object.entries(bodies)) {
        const res = await h.raw(variant.send ? variant.send(body) : body, variant.headers(body));
        expect(res.status, `${kind} with ${variant.name}`).toBe(401);
      }
      await h.core.bot.idle();
      expect(tableCounts(h.core.db.sqlite)).toEqual(before);
      expect(h.fake.calls.slice(callsBefore).map((c) => c.method)).toEqual([]);
    });
  }

  it("accepts the same requests correctly signed (the matrix above is not vacuous)", async () => {
    const { h, card } = await slackWithCard();
    const body = interactiveBody(blockActionsPayload(h.fake, "UDEV", card, buttonsOf(card).get("Go")!, "Go"));
    const res = await h.raw(body, sign(body, nowSec(), SIGNING_SECRET));
    expect(res.status).toBe(200);
    expect((await h.core.store.getVotes("R-1"))).toHaveLength(1);
  });
});

describe("hook signatures: forged, stale, future-dated and missing → 401 and no effect", () => {
  // The hook server's core starts its fake clock at T0; the routes measure the signature window on it.
  const now = () => Math.floor(T0 / 1000);
  const cases: Array<[string, { ts?: number; secret?: string; headers?: Record<string, string> }]> = [
    ["a forged signature", { secret: "not-the-hook-secret" }],
    ["a stale timestamp", { ts: now() - 400 }],
    ["a future-dated timestamp", { ts: now() + 400 }],
    ["no signature headers", { headers: {} }],
    ["a signature but no timestamp", { headers: { "x-gonogo-signature": "v1=00" } }],
  ];
  for (const [name, opts] of cases) {
    it(`answers 401 on /hooks/deploy and /hooks/alert to ${name}`, async () => {
      const hooks = await startHookServer();
      cleanups.push(() => hooks.close());
      await hooks.core.bot.handle({ kind: "command", actor: person("rm"), channel, text: "create payments 1.4.2" });
      // The card is out (its outbox row gone) before counting.
      await hooks.core.bot.idle();
      const before = tableCounts(hooks.core.db.sqlite);
      const deploy = await hooks.post("deploy", JSON.stringify({ release: "R-1", status: "failed" }), opts);
      const alert = await hooks.post("alert", JSON.stringify({ service: "payments", summary: "error rate 5x", severity: "critical", release: "R-1" }), opts);
      expect([deploy.status, alert.status]).toEqual([401, 401]);
      expect(tableCounts(hooks.core.db.sqlite)).toEqual(before);
    });
  }
});

describe("permissions: every action × role is allowed or refused exactly as src/domain/permissions.ts says", () => {
  const COMMANDS: Record<Action, string> = {
    create: "create search 2.0.0",
    vote: "vote R-1 go",
    schedule: "schedule R-1 in 3h",
    update: "update R-1 version 1.4.3",
    ship: "ship R-1",
    shipped: "shipped R-1",
    hold: "hold R-1 waiting for QA",
    cancel: "cancel R-1 not needed",
    rollback: "rollback R-1 error rate 5x",
    recovered: "recovered R-1",
    retro: "retro R-1",
    policy: "policy set quorum=1",
    roles: "role grant terminal:zed qa",
    audit_export: "audit export",
    audit_verify: "audit verify",
    freeze: "freeze add weekly fri 16:00 until mon 09:00",
    lock: "lock payments reason incident 42",
    override: "ship R-1 override hotfix for incident 42",
    check: "check R-1 tests pass",
  };
  // Who acts, and the roles they hold. `manager` holds none: it is the release's manager by identity.
  const ROLES: Record<string, { name: string; roles: string[] }> = {
    anyone: { name: "zed", roles: [] },
    manager: { name: "rm", roles: [] },
    "release-manager": { name: "rel", roles: ["release-manager"] },
    oncall: { name: "pager", roles: ["oncall"] },
    qa: { name: "quinn", roles: ["qa"] },
    admin: { name: "admin", roles: ["admin"] },
  };
  const config: Partial<CoreConfig> = { quorum: 2 };

  for (const [roleName, who] of Object.entries(ROLES)) {
    it(`applies the policy to ${roleName} for all ${Object.keys(COMMANDS).length} actions`, async () => {
      for (const [action, text] of Object.entries(COMMANDS) as Array<[Action, string]>) {
        const core = createTestCore({ config });
        try {
          const admin = person("admin");
          await core.bot.handle({ kind: "command", actor: person("rm"), channel, text: "create payments 1.4.2 at in 2h" });
          // An override is asked for only while a freeze is on (after one, `ship … override` ships as usual).
          if (action === "override") expect(await core.bot.handle({ kind: "command", actor: admin, channel, text: "freeze add now until in 3h" })).toMatchObject({ error: false });
          for (const role of who.roles.filter((r) => r !== "admin")) {
            expect(await core.bot.handle({ kind: "command", actor: admin, channel, text: `role grant terminal:${who.name} ${role}` })).toMatchObject({ error: false });
          }
          await core.bot.idle();
          const release = (await core.store.getRelease("R-1"))!;
          const verdict = can({ id: `terminal:${who.name}`, roles: who.roles }, action, release);
          const refusedBefore = auditTypes(core.db.sqlite).permission_refused ?? 0;
          const before = countsBesidesRefusals(core.db.sqlite);
          const reply = await core.bot.handle({ kind: "command", actor: person(who.name), channel, text });
          const refusedAfter = auditTypes(core.db.sqlite).permission_refused ?? 0;
          const label = `${roleName} → ${action}: ${reply.type === "form" ? "form" : reply.text}`;
          if (verdict.allowed) {
            expect(refusedAfter, label).toBe(refusedBefore);
            if (reply.type === "message") expect(reply.text, label).not.toMatch(/^Only /);
          } else {
            expect(reply, label).toMatchObject({ type: "message", error: true, text: verdict.reason });
            expect(refusedAfter, label).toBe(refusedBefore + 1);
            expect(countsBesidesRefusals(core.db.sqlite), label).toEqual(before);
          }
        } finally {
          await core.close();
        }
      }
    });
  }
});

describe("tampered buttons naming another release", () => {
  it("Slack: a Roll back button on R-1's card whose value names R-2 is checked against R-2, and refused", async () => {
    const h = await startHarness({ config: { quorum: 1 } });
    cleanups.push(() => h.close());
    await h.slash("UMGR", "create payments 1.4.2");
    const r1 = await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("R-1"));
    await h.slash("UQA", "create search 2.0.0");
    await h.fake.waitFor("chat.postMessage", (c) => visibleText(c).includes("R-2"));
    for (const id of ["R-1", "R-2"]) await h.slash("UDEV", `vote ${id} go`);
    await h.slash("UMGR", "ship R-1");
    await h.slash("UQA", "ship R-2");
    await h.core.bot.idle();
    const shipping = h.fake.callsTo("chat.update").filter((c) => c.params.ts === messageTs(r1) && buttonsOf(c).has("Roll back")).at(-1)!;
    const rollbackButton = buttonsOf(shipping).get("Roll back")!;
    expect(rollbackButton.value).toBe("v1:R-1");
    const callsBefore = h.fake.calls.length;
    const tampered = interactiveBody(blockActionsPayload(h.fake, "UMGR", shipping, { ...rollbackButton, value: "v1:R-2" }, "Roll back"));
    const res = await h.raw(tampered, sign(tampered, nowSec()));
    expect(res.status).toBe(200);
    const answer = await h.fake.waitFor("chat.postEphemeral", (c) => h.fake.calls.indexOf(c) >= callsBefore);
    expect(visibleText(answer)).toMatch(/Only on-call, the release manager \(.*\), a release-manager or an admin may roll back R-2/);
    expect(h.fake.calls.slice(callsBefore).some((c) => c.method === "views.open")).toBe(false);
    expect((await h.core.store.getRelease("R-2"))!.state).toBe("shipping");
    expect(auditTypes(h.core.db.sqlite).permission_refused).toBe(1);
  });

  it("Discord: a rollback custom_id naming another release is refused to the manager of the card's release", async () => {
    const h = await startDiscord({ config: { quorum: 1 } });
    cleanups.push(() => h.close());
    const alice = member(1);
    const bob = member(2);
    await h.command(alice, "create", { service: "payments", version: "1.4.2" });
    const msg1 = await h.cardMessageId("R-1");
    await h.command(bob, "create", { service: "search", version: "2.0.0" });
    await h.command(member(3), "vote", { id: "R-1", choice: "go" });
    await h.command(member(3), "vote", { id: "R-2", choice: "go" });
    await h.command(alice, "ship", { id: "R-1" });
    await h.command(bob, "ship", { id: "R-2" });
    const answer = await h.pressRaw(alice, "g1:b:rollback:R-2", msg1);
    expect(answer.type).toBe(4);
    expect(answer.data.content).toMatch(/may roll back R-2/);
    expect((await h.core.store.getRelease("R-2"))!.state).toBe("shipping");
  });
});
