import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACME, GLOBEX, startWebGonogo, type WebGonogo } from "../helpers/web-seed.js";

/*
 * Login CSRF: another site's page must not sign a browser in to a workspace of its choosing (the
 * viewer would read, as their own, the releases of whoever made the link). A link opened from the
 * chat app or typed (Sec-Fetch-Site: none) signs in at once; one another site's page sent the
 * browser to (Slack's or Discord's web client, or anyone's page) asks first, and the sign-in it
 * asks for is a POST that only the web view's own page can send.
 */

let dir: string;
let g: WebGonogo;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-web-login-"));
  g = await startWebGonogo(dir);
  await g.say(ACME, "alice", "create payments 1.4.2");
  await g.say(GLOBEX, "mallory", "create ledger 9.9.9");
});
afterEach(async () => {
  await g?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const tokenOf = (link: string) => new URL(link).searchParams.get("t")!;

function postLogin(token: string, headers: Record<string, string>): Promise<Response> {
  return fetch(`${g.base}/web/login`, {
    method: "POST",
    redirect: "manual",
    headers: { "content-type": "application/x-www-form-urlencoded", ...headers },
    body: new URLSearchParams({ t: token }).toString(),
  });
}

describe("signing in with a /release web link", () => {
  it("signs in at once when the link is opened from the chat app or typed (no other site sent the browser)", async () => {
    const res = await fetch(g.linkFor(ACME), { redirect: "manual", headers: { "sec-fetch-site": "none", "sec-fetch-mode": "navigate" } });
    expect(res.status).toBe(303);
    expect(res.headers.get("set-cookie")).toMatch(/^gonogo_web=/);
  });

  it("asks before signing in when another site's page sent the browser to the link, naming whose releases it opens", async () => {
    const res = await fetch(g.linkFor(GLOBEX), { redirect: "manual", headers: { "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("set-cookie")).toBeNull();
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await res.text();
    expect(page).toContain('<form method="post" action="/web/login">');
    expect(page).toContain("the Slack workspace T2GLOBEX");
    expect(page).toContain("Open the web view");
  });

  it("does not ask again when the browser is already signed in to the link's workspace, and asks when it is another's", async () => {
    const signedIn = async (link: string) => (await fetch(link, { redirect: "manual" })).headers.get("set-cookie")!.split(";")[0]!;
    const crossSite = (link: string, cookie: string) => fetch(link, { redirect: "manual", headers: { cookie, "sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate" } });
    const globex = await signedIn(g.linkFor(GLOBEX));
    const again = await crossSite(g.linkFor(GLOBEX), globex);
    expect(again.status).toBe(303);
    expect(again.headers.get("set-cookie")).toMatch(/^gonogo_web=/);
    const acme = await signedIn(g.linkFor(ACME));
    expect((await crossSite(g.linkFor(GLOBEX), acme)).status).toBe(200);
  });

  it("refuses a sign-in posted by another site's page, and signs in one posted by its own", async () => {
    const token = tokenOf(g.linkFor(GLOBEX));
    const posts: Array<Record<string, string>> = [{ origin: "https://evil.example", "sec-fetch-site": "cross-site" }, { origin: "https://evil.example" }, {}, { origin: "null" }];
    for (const headers of posts) {
      const refused = await postLogin(token, headers);
      expect(refused.status, JSON.stringify(headers)).toBe(403);
      expect(refused.headers.get("set-cookie")).toBeNull();
      expect(await refused.text()).toContain("/release web");
    }
    const own = await postLogin(token, { origin: g.base, "sec-fetch-site": "same-origin" });
    expect(own.status).toBe(303);
    expect(own.headers.get("location")).toBe("/web/");
    const cookie = own.headers.get("set-cookie")!.split(";")[0]!;
    expect(await (await fetch(`${g.base}/web/`, { headers: { cookie } })).text()).toContain("ledger 9.9.9");
    // Behind a proxy that hides Sec-Fetch-Site, the public address's origin is the web view's own.
    expect((await postLogin(token, { origin: "http://gonogo.invalid" })).status).toBe(303);
  });

  it("checks the posted link as it checks one in the address: a changed one is refused", async () => {
    const res = await postLogin(`${tokenOf(g.linkFor(ACME))}x`, { origin: g.base, "sec-fetch-site": "same-origin" });
    expect(res.status).toBe(401);
    expect(res.headers.get("set-cookie")).toBeNull();
  });
});
