import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startHarness, TEAM, type Harness } from "./harness.js";
import { admins } from "../helpers/core.js";
import { verifyWebToken } from "../../src/app/web-link.js";

let h: Harness;
beforeEach(async () => {
  h = await startHarness({ config: { admins: admins("UMGR") } });
});
afterEach(async () => {
  await h.close();
});

describe("Slack: stats and audit", () => {
  it("answers /release stats and /release audit R-1 privately", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const stats = await h.slash("UMGR", "stats payments 30");
    expect(JSON.stringify(stats.body)).toContain("Release stats");
    const timeline = await h.slash("UDEV", "audit R-1");
    expect(JSON.stringify(timeline.body)).toContain("Audit trail of R-1");
  });

  it("sends the audit export as CSV and JSON files in a direct message to the admin who asked", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const res = await h.slash("UMGR", "audit export");
    expect(JSON.stringify(res.body)).toContain("Audit export: ");
    // Slack has no private files in a channel: the answer says where to find them.
    expect((res.body as { text: string }).text).toMatch(/ The files \(gonogo-audit-\S+\.csv, gonogo-audit-\S+\.json\) are on their way to your direct messages with gonogo\.$/);
    const complete = await h.fake.waitFor("files.completeUploadExternal");
    expect(complete.params.channel_id).toBe("DMGR");
    const titles = (JSON.parse(String(complete.params.files)) as Array<{ title: string }>).map((f) => f.title);
    expect(titles).toEqual([expect.stringMatching(/^gonogo-audit-.*\.csv$/), expect.stringMatching(/^gonogo-audit-.*\.json$/)]);
    const uploads = h.fake.calls.filter((c) => c.method === "file_upload").map((c) => String(c.params.content));
    expect(uploads.some((u) => u.includes("id,at,release,actor,platform,type,data,hash") && u.includes("release_created"))).toBe(true);
  });

  it("refuses the export to people who are not admins or release-managers, sending no file", async () => {
    await h.slash("UMGR", "create payments 1.4.2");
    const res = await h.slash("UDEV", "audit export");
    expect(JSON.stringify(res.body)).toContain("Only admins and release-managers may export the audit trail");
    expect(h.fake.calls.some((c) => c.method === "files.getUploadURLExternal")).toBe(false);
  });
});

describe("Slack: /release web", () => {
  const web = { publicUrl: "https://gonogo.example.com", secret: "s".repeat(40), token: undefined, linkTtlMs: 3_600_000 };

  it("answers privately with a link signed for this workspace", async () => {
    await h.close();
    h = await startHarness({ config: { admins: admins("UMGR"), web } });
    const res = await h.slash("UDEV", "web");
    expect(res.body).toMatchObject({ response_type: "ephemeral" });
    const token = /https:\/\/gonogo\.example\.com\/web\/login\?t=([\w.-]+)/.exec(JSON.stringify(res.body))![1]!;
    // Named by the workspace's domain from the slash command, so the page says whose releases it shows.
    expect(verifyWebToken(web.secret, token, h.core.clock.now())).toMatchObject({ ok: true, scope: { platform: "slack", scope: TEAM, name: "acme" } });
  });

  it("says the web view is off, and how to turn it on, when it is not configured", async () => {
    const res = await h.slash("UDEV", "web");
    expect(res.body).toMatchObject({ response_type: "ephemeral" });
    expect(JSON.stringify(res.body)).toContain("The web view is off");
  });
});
