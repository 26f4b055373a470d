/*
 * Takes the README's screenshots of the web view: `npx tsx test/web/screenshots.ts`.
 * Starts gonogo with the seeded releases of the browser tests (and a local webhook receiver,
 * so a release shows its deploy and rollback calls), signs in as one workspace in headless
 * Chromium, and writes one small PNG per page to docs/screenshots/.
 */
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:http";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { launchChromium } from "../helpers/browser.js";
import { ACME, seedReleases, startWebGonogo } from "../helpers/web-seed.js";

const OUT = resolve(import.meta.dirname, "../../docs/screenshots");

const receiver = createServer((req, res) => {
  req.resume();
  req.on("end", () => res.writeHead(200, { "content-type": "application/json" }).end("{}"));
});
await new Promise<void>((done) => receiver.listen(0, "127.0.0.1", done));
const address = receiver.address();
const hookUrl = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}/hooks`;

const dir = mkdtempSync(join(tmpdir(), "gonogo-shots-"));
const g = await startWebGonogo(dir, { DEPLOY_WEBHOOK_URL: hookUrl, ROLLBACK_WEBHOOK_URL: hookUrl, WEBHOOK_SECRET: `whsec_${Buffer.from("screenshot-secret-0123456789abcdef").toString("base64")}` });
const browser = await launchChromium();
try {
  await seedReleases(g);
  const context = await browser.newContext({ timezoneId: "Europe/Berlin", locale: "en-GB", viewport: { width: 1100, height: 900 } });
  const page = await context.newPage();
  await page.goto(g.linkFor(ACME));
  await page.waitForFunction(() => document.body.dataset.zone === "Europe/Berlin");
  mkdirSync(OUT, { recursive: true });
  // The release page is taller so its readiness checklist (below the card and guardrails) shows.
  const shots: Array<[string, string, number]> = [
    ["/web/", "web-releases.png", 900],
    ["/web/release?id=R-1", "web-release.png", 1120],
    ["/web/numbers?days=30", "web-numbers.png", 900],
  ];
  for (const [path, file, height] of shots) {
    await page.setViewportSize({ width: 1100, height });
    await page.goto(`${g.base}${path}`);
    await page.waitForLoadState("load");
    await page.screenshot({ path: join(OUT, file), fullPage: false });
    console.log(`wrote docs/screenshots/${file}`);
  }
} finally {
  await browser.close();
  await g.stop();
  receiver.close();
  rmSync(dir, { recursive: true, force: true });
}
