import { afterEach, describe, expect, it } from "vitest";
import { createRecordingSurface } from "../../fakes/recording-surface.js";
import { createSqliteVoteCache, VOTE_CACHE_RELEASES, type SqliteVoteCache } from "../../db/sqlite-vote-cache.js";
import { createTestCore, type TestCore } from "../helpers/core.js";
import { aDayOfReleases } from "./activity.js";

/*
 * gonogo runs for months without a restart. What it keeps in memory per release, card or
 * page must end when that thing does, or stay within a bound: these drive the real bot
 * through many days of releases and look at what is left.
 */

let core: TestCore | undefined;
afterEach(async () => core?.close());

describe("a process running for months", () => {
  it("keeps the votes of a bounded number of releases in memory, not of every release it ever showed", async () => {
    let cache: SqliteVoteCache | undefined;
    core = createTestCore({ sqlite: { voteCache: (load) => (cache = createSqliteVoteCache(load)) } });
    core.bot.attachSurface(createRecordingSurface().surface);
    await core.bot.start();
    const made: string[] = [];
    for (let day = 1; day <= 30; day++) made.push(...(await aDayOfReleases(core, day)));
    expect(made.length).toBe(90);
    expect(await Promise.all(made.slice(0, 3).map(async (id) => (await core!.store.getRelease(id))?.state))).toEqual(["closed", "cancelled", "closed"]);
    expect(cache!.size).toBeLessThanOrEqual(VOTE_CACHE_RELEASES);
    // The oldest release's votes are still right when read again (from the file).
    expect((await core.store.getVotes("R-1")).map((v) => v.choice)).toEqual(["go", "go"]);
  });
});
