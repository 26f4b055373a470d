import type { TestCore } from "../helpers/core.js";
import { channel, chatDriver, person } from "../helpers/core.js";

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const DAY = 24 * HOUR;

/**
 * One working day of a busy team, through the real bot: a release voted on, shipped and marked
 * shipped; one cancelled; one shipped, rolled back and recovered; each card read again; then the
 * clock moves a day, so reminders, T-0s and retro windows run and close. Returns the ids made.
 */
export async function aDayOfReleases(core: TestCore, day: number): Promise<string[]> {
  const { say, advance } = chatDriver(() => core);
  const ids: string[] = [];
  const create = async (service: string): Promise<string> => {
    const reply = await say("rm", `create ${service} 1.${day}.0 at in 2h`);
    const id = /R-\d+/.exec(reply.type === "message" ? reply.text : "")?.[0];
    if (!id) throw new Error(`create failed: ${JSON.stringify(reply)}`);
    ids.push(id);
    return id;
  };
  const shipped = await create("payments");
  const cancelled = await create("search");
  const rolledBack = await create("checkout");
  // Votes come as platform events, claimed once each (a Slack trigger_id, a Discord interaction id).
  for (const id of [shipped, rolledBack]) for (const voter of ["carol", "dave"]) await core.bot.handleOnce(`slack:${id}-${voter}`, { kind: "command", actor: person(voter), channel, text: `vote ${id} go` });
  await say("carol", `vote ${cancelled} no-go not ready`);
  await say("rm", `cancel ${cancelled} not this week`);
  for (const id of [shipped, rolledBack]) await say("rm", `ship ${id}`);
  // The pipeline reports the first deploy done; the second is marked by hand.
  await core.bot.handleHook({ kind: "deploy", signature: `deploy-${shipped}`, report: { release: shipped, status: "succeeded" } });
  await say("rm", `shipped ${rolledBack}`);
  await say("rm", `rollback ${rolledBack} errors up`);
  await say("rm", `recovered ${rolledBack}`);
  await say("rm", `unlock checkout production reason recovered`);
  for (const id of ids) await say("anyone", `status ${id}`);
  await advance(DAY);
  return ids;
}
