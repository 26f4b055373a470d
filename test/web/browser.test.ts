import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Browser, BrowserContext, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { launchChromium, RUN_BROWSER_TESTS, SKIP_WITHOUT_BROWSER } from "../helpers/browser.js";
import { ACME, GLOBEX, HOSTILE, seedReleases, startWebGonogo, type WebGonogo } from "../helpers/web-seed.js";

/*
 * The web view in a real browser (headless Chromium through playwright-core) against a
 * running gonogo with seeded releases in two workspaces.
 */

let dir: string;
let g: WebGonogo;
let browser: Browser;
const contexts: BrowserContext[] = [];

beforeAll(async () => {
  if (!RUN_BROWSER_TESTS) return;
  dir = mkdtempSync(join(tmpdir(), "gonogo-browser-"));
  g = await startWebGonogo(dir);
  await seedReleases(g);
  browser = await launchChromium();
}, 60_000);
afterAll(async () => {
  for (const c of contexts) await c.close();
  await browser?.close();
  await g?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

interface Viewer {
  page: Page;
  /** Console errors and uncaught exceptions seen so far (CSP violations are console errors). */
  errors: string[];
}

/** A fresh browser profile in a time zone, signed in with `link` (or not at all). */
async function viewer(timezoneId: string, link?: string): Promise<Viewer> {
  const context = await browser.newContext({ timezoneId, locale: "en-GB" });
  contexts.push(context);
  const page = await context.newPage();
  const errors: string[] = [];
  page.on("console", (m) => {
    if (m.type() === "error") errors.push(m.text());
  });
  page.on("pageerror", (e) => errors.push(String(e)));
  if (link) {
    await page.goto(link);
    // The first page tells the server the browser's zone and reloads once in it.
    await page.waitForFunction((zone) => document.body.dataset.zone === zone, timezoneId);
  }
  return { page, errors };
}

/** HH:MM of an instant in a zone, as the page's script writes it. */
function clockIn(ms: number, timeZone: string): string {
  return new Intl.DateTimeFormat("en-GB", { hour: "2-digit", minute: "2-digit", hourCycle: "h23", timeZone }).format(ms);
}

async function scheduledAt(id: string): Promise<number> {
  const release = await g.app.store.getRelease(id);
  return release!.scheduledAt!;
}

describe.skipIf(!RUN_BROWSER_TESTS)(RUN_BROWSER_TESTS ? "the web view in a browser" : `the web view in a browser ${SKIP_WITHOUT_BROWSER}`, { timeout: 60_000 }, () => {
  it("loads every page without a console error, from the /release web link on", async () => {
    const { page, errors } = await viewer("UTC", g.linkFor(ACME));
    expect(await page.title()).toBe("Releases · gonogo");
    expect(await page.locator("h1").textContent()).toBe("Releases");
    for (const path of ["/web/release?id=R-3", "/web/release?id=R-5", "/web/numbers", "/web/numbers?service=checkout&days=90", "/web/"]) {
      const res = await page.goto(`${g.base}${path}`);
      expect(res?.status(), path).toBe(200);
      await page.waitForLoadState("load");
    }
    expect(await page.locator("svg.chart").count()).toBe(0);
    await page.goto(`${g.base}/web/numbers`);
    expect(await page.locator("svg.chart[role=img]").count()).toBe(8);
    // Keyboard: the skip link is the first stop, and it leads to the content.
    await page.keyboard.press("Tab");
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe("Skip to content");
    expect(errors).toEqual([]);
  });

  it("shows a vote cast through the door on the open release page without a reload", async () => {
    const { page, errors } = await viewer("UTC", g.linkFor(ACME));
    await page.goto(`${g.base}/web/release?id=R-1`);
    await page.waitForFunction(() => document.getElementById("live-status")?.textContent?.startsWith("Live:"));
    await page.evaluate(() => ((window as unknown as { loadedOnce: string }).loadedOnce = "yes"));
    expect(await page.locator("#votes").textContent()).not.toContain("erin");
    await g.say(ACME, "erin", "vote R-1 no-go rollback plan missing");
    await page.waitForFunction(() => document.getElementById("votes")?.textContent?.includes("rollback plan missing"), undefined, { timeout: 15_000 });
    expect(await page.locator("#votes").textContent()).toContain("erin");
    expect(await page.evaluate(() => (window as unknown as { loadedOnce?: string }).loadedOnce)).toBe("yes");
    expect(errors).toEqual([]);
  });

  for (const zone of ["Europe/Berlin", "America/New_York"]) {
    it(`shows times in the browser's time zone (${zone})`, async () => {
      const { page, errors } = await viewer(zone, g.linkFor(ACME));
      const at = await scheduledAt("R-1");
      const iso = new Date(at).toISOString();
      await page.goto(`${g.base}/web/release?id=R-1`);
      const t0 = page.locator(`dd time[datetime="${iso}"]`);
      await page.waitForFunction((want) => document.querySelector(`dd time[datetime="${want}"]`)?.textContent?.includes(":") && !document.querySelector(`dd time[datetime="${want}"]`)?.textContent?.includes("UTC"), iso);
      expect(await t0.textContent()).toContain(clockIn(at, zone));
      expect(await t0.textContent()).not.toContain(clockIn(at, "UTC"));
      expect(await page.locator("[data-browser-zone]").textContent()).toBe(zone);
      // The calendar cuts days in the same zone: R-1 is under its local date.
      await page.goto(`${g.base}/web/`);
      const localDate = new Intl.DateTimeFormat("en-CA", { timeZone: zone }).format(at);
      expect(await page.locator(`section[aria-labelledby="day-${localDate}"]`).textContent()).toContain("R-1");
      expect(errors).toEqual([]);
    });
  }

  it("shows a release's readiness checklist and the freeze its T-0 falls in", async () => {
    const { page, errors } = await viewer("Europe/Berlin", g.linkFor(ACME));
    await page.goto(`${g.base}/web/release?id=R-1`);
    const tests = page.getByRole("row", { name: /^tests/ });
    expect(await tests.textContent()).toContain("✔ passed");
    expect(await tests.getByRole("link").getAttribute("href")).toBe("https://ci.example.com/run/981");
    expect(await page.getByRole("row", { name: /^rollback-plan/ }).textContent()).toContain("○ pending");
    const guards = page.locator("#guards");
    expect(await guards.textContent()).toContain("T-0 falls in a freeze");
    expect(await guards.textContent()).toContain("card network maintenance");
    // The freeze's edges are in the browser's zone too, like T-0.
    const from = guards.locator("time").first();
    const at = Date.parse((await from.getAttribute("datetime"))!);
    await page.waitForFunction(() => !document.querySelector("#guards time")?.textContent?.includes("UTC"));
    expect(await from.textContent()).toContain(clockIn(at, "Europe/Berlin"));
    expect(errors).toEqual([]);
  });

  it("refuses an expired or forged link with 401", async () => {
    const { page } = await viewer("UTC");
    const expired = await page.goto(g.linkFor(ACME, Date.now() - 60_000));
    expect(expired?.status()).toBe(401);
    expect(await page.locator("h1").textContent()).toBe("This link has expired");
    const link = g.linkFor(ACME);
    const forged = await page.goto(link.replace(/.$/, (c) => (c === "A" ? "B" : "A")));
    expect(forged?.status()).toBe(401);
    expect(await page.locator("h1").textContent()).toBe("This link is not valid");
    expect((await page.goto(`${g.base}/web/`))?.status()).toBe(401);
  });

  it("asks before a link another site's page opened signs in, and refuses a sign-in that page posts itself (login CSRF)", async () => {
    const { page } = await viewer("UTC");
    const link = g.linkFor(GLOBEX);
    // Another site's page posting the link's token itself: refused, and the browser stays signed out.
    const token = new URL(link).searchParams.get("t")!;
    await page.goto(`data:text/html,<form method="post" action="${g.base}/web/login"><input name="t" value="${token}"></form><script>document.forms[0].submit()</script>`);
    await expect.poll(() => page.locator("h1").textContent()).toBe("Not signed in");
    expect((await page.goto(`${g.base}/web/`))?.status()).toBe(401);
    // A link on another site's page, followed: a page that asks, and only its button signs in.
    const follow = async () => {
      await page.goto(`data:text/html,<a id="go" href="${link}">link</a>`);
      await page.click("#go");
      await expect.poll(() => page.locator("h1").textContent()).toBe("Open the web view of the Slack workspace T2GLOBEX?");
    };
    await follow();
    expect((await page.goto(`${g.base}/web/`))?.status()).toBe(401);
    await follow();
    await page.click("button[type=submit]");
    await expect.poll(() => page.url()).toBe(`${g.base}/web/`);
    expect(await page.locator("main").textContent()).toContain("secret-project");
  });

  it("does not let one workspace's link read another's release", async () => {
    const { page } = await viewer("UTC", g.linkFor(GLOBEX));
    expect(await page.locator("main").textContent()).toContain("secret-project");
    expect(await page.locator("main").textContent()).not.toContain("payments");
    expect((await page.goto(`${g.base}/web/release?id=R-1`))?.status()).toBe(404);
    expect(await page.locator("main").textContent()).not.toContain("payments");
    const acme = await viewer("UTC", g.linkFor(ACME));
    expect((await acme.page.goto(`${g.base}/web/release?id=R-6`))?.status()).toBe(404);
  });

  it("renders hostile text in reasons as text", async () => {
    const { page, errors } = await viewer("UTC", g.linkFor(ACME));
    await page.goto(`${g.base}/web/release?id=R-5`);
    expect(await page.locator("#votes").textContent()).toContain(HOSTILE);
    expect(await page.locator('img[src="x"]').count()).toBe(0);
    expect(await page.evaluate(() => (window as unknown as { __pwned?: number }).__pwned)).toBeUndefined();
    expect(errors).toEqual([]);
  });
});
