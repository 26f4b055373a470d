import { readAfterCommit, type ReadAfterCommit } from "../after-commit.js";
import type { Ctx } from "../context.js";
import type { WebScope } from "../web-link.js";
import type { WebNumbers } from "../web-views.js";
import { statsReport } from "./stats.js";
import { scopeSees, seenReleases } from "./web.js";

/** What the numbers page was asked for: a service, an environment (null: every one) and a window. */
export interface NumbersQuery {
  service: string | null;
  environment: string | null;
  days: number;
}

/**
 * The numbers page: the stats over the releases the scope sees (of one environment, or of every one,
 * which the page then says), the services and environments it may pick, and (when asked) the
 * audit chain's verification. The walk of the chain takes seconds on a large trail: it reads a
 * snapshot after the transaction, so the votes pressed meanwhile do not wait for it.
 */
export async function webNumbers(ctx: Ctx, scope: WebScope, query: NumbersQuery, checkAudit: boolean): Promise<WebNumbers | ReadAfterCommit<WebNumbers>> {
  // The releases the workspace sees, created in it or shared into it, as its calendar and `/release stats` count them.
  const owned = await seenReleases(ctx, scope);
  const numbers: WebNumbers = {
    stats: await statsReport(ctx, query.service, query.days, { environment: query.environment, counts: (r) => scopeSees(ctx, scope, r) }),
    // A picked service or environment stays listed (one with no release too), so the form shows what the figures are of.
    services: [...new Set([...owned.map((r) => r.service), ...(query.service ? [query.service] : [])])].sort(),
    // The chosen service's environments.
    environments: [...new Set([...owned.filter((r) => !query.service || r.service === query.service).map((r) => r.environment), ...(query.environment ? [query.environment] : [])])].sort(),
    audit: null,
  };
  return checkAudit ? readAfterCommit(async (snapshot) => ({ ...numbers, audit: await snapshot.verifyAudit() })) : numbers;
}
