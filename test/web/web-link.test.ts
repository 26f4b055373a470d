import type { IncomingMessage } from "node:http";
import { describe, expect, it } from "vitest";
import { scopeLabel, scopeOfChannel, scopeOwns, signWebToken, verifyWebToken } from "../../src/app/web-link.js";
import { authenticate, sessionCookie } from "../../src/web/auth.js";
import type { WebConfig } from "../../src/config.js";

const SECRET = "s".repeat(40);
const T = Date.UTC(2030, 0, 15, 9, 0);
const slackT1 = { kind: "workspace", platform: "slack", scope: "T1" } as const;

describe("web view links", () => {
  it("lets a signed link in until it expires, and names the workspace it was made for", () => {
    const token = signWebToken(SECRET, slackT1, T + 3_600_000);
    expect(verifyWebToken(SECRET, token, T)).toEqual({ ok: true, scope: slackT1, expiresAt: T + 3_600_000 });
    expect(verifyWebToken(SECRET, token, T + 3_599_999).ok).toBe(true);
    expect(verifyWebToken(SECRET, token, T + 3_600_000)).toEqual({ ok: false, problem: "expired" });
  });

  it("refuses a link signed with another secret, or with its workspace or expiry changed", () => {
    const token = signWebToken(SECRET, slackT1, T + 3_600_000);
    expect(verifyWebToken("o".repeat(40), token, T)).toEqual({ ok: false, problem: "forged" });
    const [payload, sig] = token.split(".");
    const other = Buffer.from(JSON.stringify({ p: "slack", s: "T2", e: T + 3_600_000 })).toString("base64url");
    expect(verifyWebToken(SECRET, `${other}.${sig}`, T)).toEqual({ ok: false, problem: "forged" });
    const longer = Buffer.from(JSON.stringify({ p: "slack", s: "T1", e: T + 99_999_999 })).toString("base64url");
    expect(verifyWebToken(SECRET, `${longer}.${sig}`, T)).toEqual({ ok: false, problem: "forged" });
    for (const junk of ["", ".", "abc", `${payload}.`, `${payload}.${sig}.x`, `${payload}.${sig}x`]) expect(verifyWebToken(SECRET, junk, T).ok).toBe(false);
  });

  it("carries the workspace's or server's name for the page to show, which changes nothing it may see", () => {
    const named = { ...slackT1, name: "acme" };
    const token = signWebToken(SECRET, named, T + 60_000);
    expect(verifyWebToken(SECRET, token, T)).toEqual({ ok: true, scope: named, expiresAt: T + 60_000 });
    expect(scopeLabel(named)).toBe("acme (Slack workspace)");
    expect(scopeLabel(slackT1)).toBe("the Slack workspace T1");
    expect(scopeLabel({ kind: "workspace", platform: "discord", scope: "1187", name: "Payments Team" })).toBe("Payments Team (Discord server)");
    expect(scopeLabel({ kind: "workspace", platform: "discord", scope: "1187" })).toBe("the Discord server 1187");
    expect(scopeLabel({ kind: "workspace", platform: "terminal", scope: "local" })).toBe("the terminal");
    // A name too long to be any platform's is left out, not cut.
    expect(verifyWebToken(SECRET, signWebToken(SECRET, { ...slackT1, name: "x".repeat(101) }, T + 60_000), T)).toEqual({ ok: true, scope: slackT1, expiresAt: T + 60_000 });
  });

  it("scopes a link to the workspace or server of the channel it was asked in", () => {
    expect(scopeOfChannel({ platform: "slack", key: "slack:T1:C1", nativeId: "C1" })).toEqual(slackT1);
    expect(scopeOfChannel({ platform: "discord", key: "discord:G7:C2", nativeId: "C2" })).toEqual({ kind: "workspace", platform: "discord", scope: "G7" });
    const release = (key: string) => ({ channel: { platform: key.split(":")[0]!, key, nativeId: "x" } });
    expect(scopeOwns(slackT1, release("slack:T1:C9"))).toBe(true);
    expect(scopeOwns(slackT1, release("slack:T2:C1"))).toBe(false);
    expect(scopeOwns(slackT1, release("discord:T1:C1"))).toBe(false);
    expect(scopeOwns({ kind: "operator" }, release("discord:G1:C1"))).toBe(true);
  });
});

describe("web view sign-in", () => {
  const web: WebConfig = { publicUrl: "https://gonogo.example.com", secret: SECRET, token: "operator-token-0123456789", linkTtlMs: 3_600_000 };
  const req = (headers: Record<string, string>) => ({ headers }) as unknown as IncomingMessage;

  it("reads the session cookie a link set, and lets an operator's bearer token see everything", () => {
    const token = signWebToken(SECRET, slackT1, T + 60_000);
    expect(authenticate(req({ cookie: `other=1; gonogo_web=${token}` }), web, T)).toEqual({ ok: true, scope: slackT1, until: T + 60_000 });
    expect(authenticate(req({ authorization: "Bearer operator-token-0123456789" }), web, T)).toEqual({ ok: true, scope: { kind: "operator" }, until: null });
  });

  it("says why it refuses: no link, a forged one, an expired one, a wrong bearer token", () => {
    const token = signWebToken(SECRET, slackT1, T + 60_000);
    expect(authenticate(req({}), web, T)).toEqual({ ok: false, why: "none" });
    expect(authenticate(req({ cookie: `gonogo_web=${token}x` }), web, T)).toEqual({ ok: false, why: "forged" });
    expect(authenticate(req({ cookie: `gonogo_web=${token}` }), web, T + 60_000)).toEqual({ ok: false, why: "expired" });
    expect(authenticate(req({ authorization: "Bearer operator-token-0123456780" }), web, T)).toEqual({ ok: false, why: "none" });
  });

  it("keeps the session cookie away from scripts and other paths, and ends it with the link", () => {
    const cookie = sessionCookie("tok", T + 90_000, T, true);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("Path=/web");
    expect(cookie).toContain("Max-Age=90");
    expect(cookie).toContain("Secure");
    expect(sessionCookie("tok", T + 90_000, T, false)).not.toContain("Secure");
  });
});
