import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { channel, createTestCore, person, type TestCore } from "../helpers/core.js";
import type { Reply } from "../../src/app/views.js";

let core: TestCore;
const say = (who: string, text: string) => core.bot.handle({ kind: "command", actor: person(who), channel, text });
const text = (r: Reply) => (r.type === "message" ? r.text : "");

beforeEach(async () => {
  core = createTestCore();
  // payments ships three times to staging and once to production; one production deploy is rolled back.
  let n = 0;
  for (const env of ["staging", "staging", "staging", "production"]) {
    n += 1;
    await say("alice", `create payments 1.${n}.0 env ${env}`);
    await say("bob", `vote R-${n} go`);
    await say("carol", `vote R-${n} go`);
    await say("alice", `ship R-${n}`);
    await say("alice", `shipped R-${n}`);
    core.clock.advance(60 * 60_000);
  }
  await say("alice", "rollback R-4 error rate 5x");
});
afterEach(async () => core?.close());

describe("/release stats per environment", () => {
  it("without an environment, says the figures cover every environment and how many each shipped, with the command for production alone", async () => {
    const out = text(await say("dave", "stats payments 30"));
    expect(out.split("\n")[0]).toBe("📊 Release stats · payments · all environments · last 30 days");
    expect(out).toContain("• Deploys: 4 shipped");
    expect(out).toContain("• Environments: staging (3 shipped) · production (1 shipped), counted together here. For one alone: `/release stats payments 30 env production`.");
  });

  it("with `env production`, counts production's releases alone and says so", async () => {
    const out = text(await say("dave", "stats payments 30 env production"));
    expect(out.split("\n")[0]).toBe("📊 Release stats · payments · production · last 30 days");
    expect(out).toContain("• Deploys: 1 shipped");
    expect(out).toContain("• Change failure rate: 100% · 1 of 1 deploy failed or rolled back");
    expect(out).not.toContain("• Environments:");
    // In any order, and in any case, as the other words of the command.
    expect(text(await say("dave", "stats env STAGING 30"))).toContain("📊 Release stats · all services · staging · last 30 days");
  });

  it("refuses an environment no release went to, naming those that have releases", async () => {
    const refused = await say("dave", "stats payments env prod");
    expect(refused).toMatchObject({ error: true });
    expect(text(refused)).toBe("No release of payments to prod is known, so it has no stats. Environments with releases of payments: production, staging. Without `env`, the stats cover every environment.");
    expect(text(await say("dave", "stats payments env"))).toContain("`env` needs an environment after it. Use `/release stats [service] [days] [env <environment>]`");
  });
});
