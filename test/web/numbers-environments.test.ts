import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ACME, startWebGonogo, type WebGonogo } from "../helpers/web-seed.js";

const API_TOKEN = "api-token-for-environment-tests-0123";
let dir: string;
let g: WebGonogo;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), "gonogo-web-env-"));
  g = await startWebGonogo(dir, { GONOGO_API_TOKEN: API_TOKEN });
  // payments ships twice to staging and once to production.
  let n = 0;
  for (const env of ["staging", "staging", "production"]) {
    n += 1;
    const created = await g.say(ACME, "alice", `create payments 1.${n}.0 env ${env}`);
    if (!created.includes(`Created R-${n}`)) throw new Error(`seeding: ${created}`);
    await g.say(ACME, "bob", `vote R-${n} go`);
    await g.say(ACME, "carol", `vote R-${n} go`);
    await g.say(ACME, "alice", `ship R-${n}`);
    await g.say(ACME, "alice", `shipped R-${n}`);
  }
  await g.app.bot.idle();
});
afterEach(async () => {
  await g?.stop();
  rmSync(dir, { recursive: true, force: true });
});

async function page(query: string): Promise<string> {
  const login = await fetch(g.linkFor(ACME), { redirect: "manual" });
  const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
  return (await fetch(`${g.base}/web/numbers${query}`, { headers: { cookie } })).text();
}

const shippedRow = (html: string) => /<th scope="row">Shipped<\/th><td class="num">(\d+)<\/td>/.exec(html)?.[1];

describe("the numbers page per environment", () => {
  it("says it counts every environment together, and how many each shipped, unless one is picked", async () => {
    const all = await page("");
    expect(all).toContain("All services · all environments, counted together: staging (2 shipped), production (1 shipped) · what happened");
    expect(shippedRow(all)).toBe("3");
    expect(all).toContain('<option value="production" >production</option>');

    const production = await page("?environment=Production");
    expect(production).toContain("All services · production · what happened");
    expect(shippedRow(production)).toBe("1");
    expect(production).toContain('<option value="production" selected>production</option>');
    // Not an environment name: every environment, as with none.
    expect(shippedRow(await page("?environment=%3Cscript%3E"))).toBe("3");
  });

  it("offers the chosen service's environments only, keeping the one picked", async () => {
    await g.say(ACME, "alice", "create search 2.0.0 env canary");
    const payments = await page("?service=payments");
    expect(payments).toContain('<option value="staging" >staging</option>');
    expect(payments).not.toContain('value="canary"');
    const all = await page("");
    expect(all).toContain('<option value="canary" >canary</option>');
    // An environment counted with nothing shipped in the window reads "none shipped", not "0 shipped".
    expect(all).toContain("staging (2 shipped), production (1 shipped), canary (none shipped)");
    // Switched service with canary still picked: the form says canary, as the figures do.
    expect(await page("?service=payments&environment=canary")).toContain('<option value="canary" selected>canary</option>');
  });

  it("keeps a window the address asks for chosen in the Window filter, even one the filter does not offer", async () => {
    expect(await page("?days=90")).toContain('<option value="90" selected>last 90 days</option>');
    const fortnight = await page("?days=14");
    expect(fortnight).toContain('<option value="14" selected>last 14 days</option>');
    expect(fortnight.match(/ selected>last/g)).toHaveLength(1);
    expect(await page("?days=1")).toContain('<option value="1" selected>last 24 hours</option>');
    // The weekly charts say the window cuts their first and last weeks.
    expect(fortnight).toMatch(/Releases marked shipped each week; the first week counted from \d{1,2} [A-Z][a-z]{2} \d{2}:\d{2} \(UTC\), the last so far\./);
  });

  it("keeps a picked service with no release listed and chosen, as it keeps an environment, so Show does not switch to all services", async () => {
    const typo = await page("?service=paymnets");
    expect(typo).toContain("paymnets · all environments · what happened");
    expect(typo).toContain('<option value="paymnets" selected>paymnets</option>');
  });
});

describe("GET /api/stats per environment", () => {
  const stats = async (query: string) => fetch(`${g.base}/api/stats?${query}`, { headers: { authorization: `Bearer ${API_TOKEN}` } });

  it("narrows the figures to the environment asked for and names it; without one, lists the environments counted", async () => {
    expect(await (await stats("service=payments&environment=staging")).json()).toMatchObject({ service: "payments", environment: "staging", deploymentFrequency: { shipped: 2 }, environments: [{ environment: "staging", shipped: 2 }] });
    expect(await (await stats("environment=PRODUCTION")).json()).toMatchObject({ environment: "production", deploymentFrequency: { shipped: 1 } });
    expect(await (await stats("environment=")).json()).toMatchObject({
      environment: null,
      deploymentFrequency: { shipped: 3 },
      environments: [
        { environment: "staging", shipped: 2 },
        { environment: "production", shipped: 1 },
      ],
    });
    const bad = await stats("environment=prod%20eu");
    expect(bad.status).toBe(400);
    expect(await bad.json()).toEqual({ error: "environment must be one word such as production or staging (leave it out for every environment)" });
  });
});
