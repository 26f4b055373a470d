import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createFakeClock } from "../../fakes/core-config.js";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { channel, createFakeTime, person } from "../helpers/core.js";
import { ACME, GLOBEX, HOSTILE, seedReleases, startWebGonogo, WEB_TOKEN, type WebGonogo } from "../helpers/web-seed.js";

let dir: string;
let g: WebGonogo;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-web-"));
});
afterEach(async () => {
  await g?.stop();
  rmSync(dir, { recursive: true, force: true });
});

/** Follows a link as a browser would: the login sets the cookie, and later requests carry it. */
async function signIn(link: string): Promise<{ status: number; cookie: string | null }> {
  const res = await fetch(link, { redirect: "manual" });
  return { status: res.status, cookie: res.headers.get("set-cookie")?.split(";")[0] ?? null };
}

describe("the numbers page's audit check", () => {
  it("walks the chain at most once a minute, however often the page is loaded", async () => {
    const clock = createFakeClock(Date.now());
    g = await startWebGonogo(dir, {}, { clock });
    await g.say(ACME, "alice", "create payments 1.4.2");
    const { cookie } = await signIn(g.linkFor(ACME));
    const events = async () => Number(/✔ Intact<\/span>: (\d+) events?/.exec(await (await fetch(`${g.base}/web/numbers`, { headers: { cookie: cookie! } })).text())?.[1]);
    const first = await events();
    expect(first).toBeGreaterThan(0);
    await g.say(ACME, "bob", "vote R-1 go");
    clock.advance(59_000);
    expect(await events()).toBe(first);
    clock.advance(1_000);
    expect(await events()).toBe(first + 1);
  });
});

describe("live pages", () => {
  it("a release page refreshes a quarter of a second after a vote; the Numbers page gathers changes for 10 s, so a vote storm does not recompute its stats four times a second", async () => {
    const time = createFakeTime(Date.now());
    g = await startWebGonogo(dir, {}, { clock: time, timer: time.timer });
    await g.say(ACME, "alice", "create payments 1.4.2");
    const { cookie } = await signIn(g.linkFor(ACME, Date.now() + 3_600_000));
    const numbersPage = await (await fetch(`${g.base}/web/numbers`, { headers: { cookie: cookie! } })).text();
    const numbersLive = /data-live="([^"]+)"/.exec(numbersPage)![1]!.replace(/&#61;/g, "=").replace(/&amp;/g, "&"); // as the browser reads the attribute
    const open = async (path: string) => {
      const res = await fetch(`${g.base}${path}`, { headers: { cookie: cookie! } });
      const reader = res.body!.getReader();
      const seen: string[] = [];
      void (async () => {
        for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) seen.push(Buffer.from(chunk.value).toString("utf8"));
      })().catch(() => {});
      await expect.poll(() => seen.join("")).toContain("retry:");
      return { text: () => seen.join(""), close: () => reader.cancel() };
    };
    const releases = await open("/web/events");
    const numbers = await open(numbersLive);

    await g.say(ACME, "bob", "vote R-1 go");
    time.advance(250);
    await expect.poll(releases.text).toContain("event: change");
    time.advance(9_000);
    await g.say(ACME, "carol", "vote R-1 go");
    expect(numbers.text()).not.toContain("event: change");
    time.advance(750);
    await expect.poll(numbers.text).toContain('event: change\ndata: ["R-1"]');
    await releases.close();
    await numbers.close();
  });
});

describe("a live page whose link expires", () => {
  it("ends its stream when the link expires, so an expired sign-in hears of no more changes", async () => {
    const time = createFakeTime(Date.now());
    g = await startWebGonogo(dir, {}, { clock: time, timer: time.timer });
    await g.say(ACME, "alice", "create payments 1.4.2");
    const { cookie } = await signIn(g.linkFor(ACME, Date.now() + 60_000));
    const res = await fetch(`${g.base}/web/events`, { headers: { cookie: cookie! } });
    const reader = res.body!.getReader();
    const seen: string[] = [];
    let ended = false;
    void (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) seen.push(Buffer.from(chunk.value).toString("utf8"));
      ended = true;
    })().catch(() => {});
    await expect.poll(() => seen.join("")).toContain("retry:");
    time.advance(61_000);
    await g.say(ACME, "bob", "vote R-1 go");
    time.advance(250);
    await expect.poll(() => ended).toBe(true);
    expect(seen.join("")).not.toContain("event: change");
  });
});

describe("/release web", () => {
  it("is off with a message that says how to turn it on when GONOGO_PUBLIC_URL is not set", async () => {
    g = await startWebGonogo(dir, { GONOGO_PUBLIC_URL: "", GONOGO_WEB_SECRET: "", GONOGO_WEB_TOKEN: "" });
    const answer = await g.say(ACME, "alice", "web");
    expect(answer).toContain("The web view is off");
    expect(answer).toContain("GONOGO_PUBLIC_URL");
    expect((await fetch(`${g.base}/web/`)).status).toBe(404);
  });

  it("answers with a signed link to GONOGO_PUBLIC_URL that opens this workspace's releases", async () => {
    g = await startWebGonogo(dir);
    await g.say(ACME, "alice", "create payments 1.4.2");
    const answer = await g.say(ACME, "alice", "web");
    expect(answer).toContain("works for 12 hours");
    const link = /http:\/\/gonogo\.invalid(\/web\/login\?t=\S+)/.exec(answer)![1]!;
    const { status, cookie } = await signIn(`${g.base}${link}`);
    expect(status).toBe(303);
    const page = await fetch(`${g.base}/web/`, { headers: { cookie: cookie! } });
    expect(page.status).toBe(200);
    expect(await page.text()).toContain("payments 1.4.2");
  });

  it("signs a terminal session's link for the terminal's releases only", async () => {
    g = await startWebGonogo(dir);
    await g.say(ACME, "alice", "create payments 1.4.2");
    const terminal = await g.handle({ kind: "command", actor: person("dana"), channel, text: "create ledger 2.0.0" });
    expect(terminal.type === "message" && terminal.text).toContain("Created R-2");
    const answer = await g.handle({ kind: "command", actor: person("dana"), channel, text: "web" });
    const link = /http:\/\/gonogo\.invalid(\/web\/login\?t=\S+)/.exec(answer.type === "message" ? answer.text : "")![1]!;
    const { cookie } = await signIn(`${g.base}${link}`);
    const page = await (await fetch(`${g.base}/web/`, { headers: { cookie: cookie! } })).text();
    expect(page).toContain("ledger 2.0.0");
    expect(page).not.toContain("payments 1.4.2");
  });
});

describe("the web view over HTTP", () => {
  beforeEach(async () => {
    g = await startWebGonogo(dir);
    await seedReleases(g);
  });

  it("answers a mistyped page with a 404 page, not the API's JSON, and shows the path as text", async () => {
    const res = await fetch(`${g.base}/web/nonexistent<b>`);
    expect(res.status).toBe(404);
    expect(res.headers.get("content-type")).toContain("text/html");
    const page = await res.text();
    expect(page).toContain("No such page");
    expect(page).not.toContain("<b>");
    // Elsewhere the JSON 404 stays, for API clients.
    expect((await fetch(`${g.base}/api/nope`)).headers.get("content-type")).toContain("application/json");
  });

  it("refuses pages without a link, and a forged or expired link, with 401", async () => {
    for (const path of ["/web/", "/web/release?id=R-1", "/web/numbers", "/web/events"]) expect((await fetch(`${g.base}${path}`)).status).toBe(401);
    const forged = g.linkFor(ACME).replace(/.$/, (c) => (c === "A" ? "B" : "A"));
    expect((await signIn(forged)).status).toBe(401);
    const expired = g.linkFor(ACME, Date.now() - 1000);
    const refused = await fetch(expired, { redirect: "manual" });
    expect(refused.status).toBe(401);
    expect(await refused.text()).toContain("This link has expired");
    expect((await fetch(`${g.base}/web/`, { headers: { cookie: `gonogo_web=${new URL(expired).searchParams.get("t")}` } })).status).toBe(401);
  });

  it("shows a workspace only its own releases: another's is not listed and reads as 404", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const calendar = await (await fetch(`${g.base}/web/`, { headers: { cookie: cookie! } })).text();
    expect(calendar).toContain("payments 1.4.2");
    expect(calendar).not.toContain("secret-project");
    const other = await fetch(`${g.base}/web/release?id=R-6`, { headers: { cookie: cookie! } });
    expect(other.status).toBe(404);
    expect(await other.text()).not.toContain("secret-project");
    expect((await fetch(`${g.base}/web/events?release=R-6`, { headers: { cookie: cookie! } })).status).toBe(404);
    const globex = await signIn(g.linkFor(GLOBEX));
    expect((await fetch(`${g.base}/web/release?id=R-6`, { headers: { cookie: globex.cookie! } })).status).toBe(200);
    expect((await fetch(`${g.base}/web/release?id=R-1`, { headers: { cookie: globex.cookie! } })).status).toBe(404);
  });

  it("streams a change to an open page only for releases its viewer may see", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const aborted = new AbortController();
    const res = await fetch(`${g.base}/web/events`, { headers: { cookie: cookie! }, signal: aborted.signal });
    expect(res.headers.get("content-type")).toContain("text/event-stream");
    const reader = res.body!.getReader();
    const events: string[] = [];
    const read = (async () => {
      for (let chunk = await reader.read(); !chunk.done; chunk = await reader.read()) events.push(Buffer.from(chunk.value).toString("utf8"));
    })().catch(() => {});
    await g.say(GLOBEX, "hank", "vote R-6 go");
    await g.say(ACME, "erin", "vote R-2 go");
    await expect.poll(() => events.join(""), { timeout: 5000 }).toContain("event: change");
    aborted.abort();
    await read;
    expect(events.join("")).toContain('data: ["R-2"]');
    expect(events.join("")).not.toContain("R-6");
  });

  it("shows the releases of one channel when asked, from the channels the viewer has", async () => {
    const ops = { platform: "slack", key: `slack:${ACME.team}:C9OPS`, nativeId: "C9OPS" };
    await g.handle({ kind: "command", actor: ACME.person("olga"), channel: ops, text: "create gateway 7.0.0 at in 2d" });
    const { cookie } = await signIn(g.linkFor(ACME));
    const all = await (await fetch(`${g.base}/web/`, { headers: { cookie: cookie! } })).text();
    expect(all).toContain("gateway 7.0.0");
    expect(all).toContain("payments 1.4.2");
    expect(all).toContain(`<option value="slack:${ACME.team}:C9OPS" >slack C9OPS</option>`);
    const one = await (await fetch(`${g.base}/web/?channel=${encodeURIComponent(ops.key)}`, { headers: { cookie: cookie! } })).text();
    expect(one).toContain("gateway 7.0.0");
    expect(one).not.toContain("payments 1.4.2");
    // Another workspace's channel is not a filter this viewer can use: it shows all of theirs.
    const foreign = await (await fetch(`${g.base}/web/?channel=${encodeURIComponent(GLOBEX.channel.key)}`, { headers: { cookie: cookie! } })).text();
    expect(foreign).not.toContain("secret-project");
    expect(foreign).toContain("payments 1.4.2");
  });

  it("lets an operator's bearer token read every workspace", async () => {
    const auth = { authorization: `Bearer ${WEB_TOKEN}` };
    const calendar = await (await fetch(`${g.base}/web/`, { headers: auth })).text();
    expect(calendar).toContain("payments 1.4.2");
    expect(calendar).toContain("secret-project");
    expect((await fetch(`${g.base}/web/`, { headers: { authorization: "Bearer not-the-token-000000" } })).status).toBe(401);
  });

  it("serves pages under a strict Content-Security-Policy, with user text escaped", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const res = await fetch(`${g.base}/web/release?id=R-5`, { headers: { cookie: cookie! } });
    const csp = res.headers.get("content-security-policy")!;
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("style-src 'self'");
    expect(csp).not.toContain("unsafe-inline");
    expect(res.headers.get("cache-control")).toBe("no-store");
    const page = await res.text();
    expect(page).not.toContain(HOSTILE);
    expect(page).not.toMatch(/<script>window/);
    expect(page).toContain("&#60;img src&#61;x onerror&#61;&#34;window.__pwned&#61;1&#34;&#62;");
    // The page's only script is the file from 'self'.
    expect([...page.matchAll(/<script\b[^>]*>/g)].map((m) => m[0])).toEqual([expect.stringMatching(/^<script src="\/web\/app\.[0-9a-f]{12}\.js" defer>$/)]);
  });

  it("shows a release's whole story: votes with reasons, webhook-free timeline, rollback, recovery and retro answers", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const page = await (await fetch(`${g.base}/web/release?id=R-3`, { headers: { cookie: cookie! } })).text();
    for (const text of ["created checkout 3.1.0", "voted GO", "requested rollback: error rate 5x after deploy", "Rollback took four minutes", "@bob add a canary stage", "No webhook calls for this release."]) {
      expect(page).toContain(text);
    }
    // The times its numbers come from, beside the card.
    expect(page).toMatch(/<dt>Shipped<\/dt><dd><time[^>]*>[^<]*<\/time> \(lead time [^)]+\)<\/dd>/);
    expect(page).toContain("<dt>Rollback asked</dt>");
    expect(page).toMatch(/<dt>Restored<\/dt><dd><time[^>]*>[^<]*<\/time> \(time to restore [^)]+\)<\/dd>/);
  });

  it("shows the numbers with each chart's text equivalent and the audit chain's verification", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const page = await (await fetch(`${g.base}/web/numbers`, { headers: { cookie: cookie! } })).text();
    expect(page).toContain("✔ Intact");
    expect(page).toContain('<desc id="chart-deploys-desc">Releases shipped per week:');
    expect(page).toMatch(/<th scope="row">Shipped<\/th><td class="num">1<\/td>/);
    // GLOBEX's release is not counted in ACME's numbers: five releases, not six.
    expect(page).toContain("5 releases created in it");
    expect(page).not.toContain('class="notice"');
    // A window that is not one is said, above the default 30 days shown instead.
    for (const days of ["0", "abc", "99999", "1e2"]) {
      const odd = await (await fetch(`${g.base}/web/numbers?days=${days}`, { headers: { cookie: cookie! } })).text();
      expect(odd).toContain(`<p class="notice" role="status">“${days}” is not a window of 1 to 3650 days: showing the last 30 days.</p>`);
    }
  });

  it("draws the viewer's freezes on the days they cover and the lock on a release's row", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const page = await (await fetch(`${g.base}/web/`, { headers: { cookie: cookie! } })).text();
    // No zone cookie: days are cut in GONOGO_TIMEZONE (UTC here).
    const r1 = (await g.app.store.getRelease("R-1"))!.scheduledAt!;
    const r1Day = new Date(r1).toISOString().slice(0, 10);
    const day = /<section class="day" aria-labelledby="day-([0-9-]+)">(.*?)<\/section>/gs;
    const days: Record<string, string> = Object.fromEntries([...page.matchAll(day)].map((m) => [m[1]!, m[2]!]));
    expect(days[r1Day]).toMatch(/❄ Freeze <strong class="prewrap">card network maintenance<\/strong> \(F-1, releases of slack C1RELEASES\)/);
    // The quarter-end freeze runs over three days (from in 4 days to in 6), each drawn.
    expect(Object.values(days).filter((d) => d.includes("quarter-end close")).length).toBe(3);
    expect(page).toMatch(/<li><strong>search production<\/strong> is locked by admin since <time [^>]+>[^<]+<\/time>: <span class="prewrap">index rebuild after incident 77<\/span>/);
    // The lock is on R-2's row (search) and in the page's list of locks: twice, and not on R-1's.
    expect(page.split("index rebuild after incident 77").length - 1).toBe(2);
    // Another workspace sees neither: its channels have no freezes, and it releases no search.
    const globex = await signIn(g.linkFor(GLOBEX));
    const theirs = await (await fetch(`${g.base}/web/`, { headers: { cookie: globex.cookie! } })).text();
    expect(theirs).toContain("secret-project");
    for (const text of ["card network maintenance", "quarter-end close", "index rebuild", "Frozen now"]) expect(theirs).not.toContain(text);
  });

  it("shows a release's readiness checklist with evidence and the freeze its T-0 falls in", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const page = await (await fetch(`${g.base}/web/release?id=R-1`, { headers: { cookie: cookie! } })).text();
    expect(page).toContain('<h2 id="criteria-h">Readiness criteria</h2>');
    expect(page).toContain("1 of 2 passed");
    expect(page).toMatch(/<th scope="row">tests<\/th><td class="status-passed">✔ passed<\/td>\s*<td>alice<\/td>/);
    expect(page).toContain('<span class="prewrap">212 specs green</span> <a href="https://ci.example.com/run/981" rel="noopener noreferrer nofollow">https://ci.example.com/run/981</a>');
    expect(page).toMatch(/<th scope="row">rollback-plan<\/th><td class="status-pending">○ pending<\/td>/);
    expect(page).toContain("T-0 falls in a freeze");
    expect(page).toContain("card network maintenance");
    expect(page).toContain("ticked tests pending → passed (212 specs green https://ci.example.com/run/981)");
    // R-2 is held by nothing but the lock on search production.
    const r2 = await (await fetch(`${g.base}/web/release?id=R-2`, { headers: { cookie: cookie! } })).text();
    expect(r2).toContain("Held by a deploy lock");
    expect(r2).not.toContain("Readiness criteria");
    expect(r2).not.toContain("T-0 falls in a freeze");
  });

  it("counts down only to a T-0 that can still come, and finds a release by its number alone", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const open = await (await fetch(`${g.base}/web/release?id=R-1`, { headers: { cookie: cookie! } })).text();
    expect(open).toContain('class="countdown"');
    // R-4 was cancelled: its T-0 is history, not "in 5d".
    const cancelled = await (await fetch(`${g.base}/web/release?id=4`, { headers: { cookie: cookie! } })).text();
    expect(cancelled).toContain("billing 0.9.0");
    expect(cancelled).toMatch(/<dt>T-0<\/dt><dd><time/);
    expect(cancelled).not.toContain('class="countdown"');
  });

  it("renders hostile text in a freeze reason and a criterion note as text, and links only http(s) evidence", async () => {
    await g.say(ACME, "admin", `freeze add now until in 1h reason ${HOSTILE}`);
    await g.say(ACME, "alice", `check R-1 rollback-plan fail ${HOSTILE} javascript:alert(1)`);
    const { cookie } = await signIn(g.linkFor(ACME));
    const escaped = "&#60;img src&#61;x onerror&#61;&#34;window.__pwned&#61;1&#34;&#62;";
    const calendar = await (await fetch(`${g.base}/web/`, { headers: { cookie: cookie! } })).text();
    expect(calendar).toContain("❄ Frozen now");
    expect(calendar).not.toContain(HOSTILE);
    expect(calendar).toContain(escaped);
    const page = await (await fetch(`${g.base}/web/release?id=R-1`, { headers: { cookie: cookie! } })).text();
    expect(page).not.toContain(HOSTILE);
    expect(page).toContain(escaped);
    expect(page).toContain("javascript:alert(1)");
    expect(page).not.toMatch(/href="javascript/i);
    expect([...page.matchAll(/<a href="([^"]+)"/g)].map((m) => m[1]!).filter((h) => !h.startsWith("/"))).toEqual(["https://ci.example.com/run/981"]);
  });

  it("drops bidi overrides and isolates from people's text, so a reason cannot read backwards on the page as it cannot in chat", async () => {
    await g.say(ACME, "admin", "lock payments reason db \u202eevil\u202c migration");
    await g.say(ACME, "dave", "vote R-1 no-go schema \u2067drift\u2069 found");
    const { cookie } = await signIn(g.linkFor(ACME));
    for (const path of ["/web/", "/web/release?id=R-1"]) {
      const page = await (await fetch(`${g.base}${path}`, { headers: { cookie: cookie! } })).text();
      expect(page).toContain(path === "/web/" ? "db evil migration" : "schema drift found");
      expect(page).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    }
  });

  it("charts the guardrails on the numbers page with the numbers beside the chart", async () => {
    const { cookie } = await signIn(g.linkFor(ACME));
    const page = await (await fetch(`${g.base}/web/numbers`, { headers: { cookie: cookie! } })).text();
    expect(page).toContain('<h2 id="guardrails-h">Guardrails</h2>');
    expect(page).toContain('<desc id="chart-guardrails-desc">Releases held by a guardrail, and freeze overrides: held by a freeze 0; held by a lock 0; failed criteria 0; freeze overrides 0.</desc>');
    expect(page).toMatch(/<th scope="row">Held by a deploy lock<\/th><td class="num">0<\/td>/);
  });
});
