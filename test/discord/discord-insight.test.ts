import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { member } from "../../fakes/discord-fixtures.js";
import { CALLBACK, startHarness, type Harness } from "./harness.js";
import { verifyWebToken } from "../../src/app/web-link.js";

describe("Discord: stats and audit export", () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness();
  });
  afterEach(async () => {
    await h.close();
  });

  it("answers /release stats privately with the numbers", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const r = await h.command(h.admin, "stats", { service: "payments" });
    expect(r.type).toBe(CALLBACK.message);
    expect(r.data.content).toContain("Release stats");
    expect(r.data.content).toContain("payments");
  });

  it("narrows /release stats to the environment typed in its option, and says which", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2", environment: "staging" });
    const staging = String((await h.command(h.admin, "stats", { service: "payments", environment: "Staging" })).data.content);
    expect(staging).toContain("Release stats · payments · staging · last 30 days");
    const refused = String((await h.command(h.admin, "stats", { environment: "production" })).data.content);
    expect(refused).toContain("No release to production is known, so it has no stats. Environments with releases: staging.");
  });

  it("delivers the audit export as CSV and JSON attachments of a private reply, to admins only", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const refused = await h.command(member(5), "audit", { action: "export" });
    expect(refused.data.content).toContain("Only admins and release-managers may export the audit trail");

    await h.command(h.admin, "audit", { action: "export" });
    const call = h.fake.calls.filter((c) => c.path.startsWith("/interactions/")).at(-1)!;
    // discord.js sends attachments as multipart/form-data: the files ride in the body.
    const body = String(call.body);
    expect(body).toContain('filename="gonogo-audit-');
    expect(body).toContain("id,at,release,actor,platform,type,data,hash");
    expect(body).toContain("release_created");
    expect(body).toContain('"flags":64');
  });

  it("shows one release's timeline", async () => {
    await h.command(h.admin, "create", { service: "payments", version: "1.4.2" });
    const r = await h.command(member(5), "audit", { action: "timeline", id: "R-1" });
    expect(r.data.content).toContain("Audit trail of R-1");
    expect(r.data.content).toContain("created payments 1.4.2 → production");
  });
});

describe("Discord: /release web", () => {
  const web = { publicUrl: "https://gonogo.example.com", secret: "s".repeat(40), token: undefined, linkTtlMs: 3_600_000 };
  let h: Harness;
  afterEach(async () => {
    await h.close();
  });

  it("answers privately with a link signed for this server", async () => {
    h = await startHarness({ config: { web } });
    const r = await h.command(member(5), "web", {});
    expect(r.data.flags).toBe(64);
    // The whole link as Discord would open it: any escape inside it would break the token.
    const token = /https:\/\/gonogo\.example\.com\/web\/login\?t=(\S+)/.exec(String(r.data.content))![1]!;
    // Named by the server's name the gateway knows, so the page says whose releases it shows.
    expect(verifyWebToken(web.secret, token, h.core.clock.now())).toMatchObject({ ok: true, scope: { platform: "discord", scope: h.fake.world.guildId, name: "Release Engineering" } });
  });

  it("says the web view is off when it is not configured", async () => {
    h = await startHarness();
    const r = await h.command(member(5), "web", {});
    expect(r.data.flags).toBe(64);
    expect(r.data.content).toContain("The web view is off");
  });
});
