import { parseSubject } from "../domain/identity.js";
import { subjectSees } from "../domain/places.js";
import type { Release } from "../domain/types.js";
import type { Ctx } from "./context.js";

/**
 * The people and groups holding `role` that a release's reminders and alerts call: those of a
 * workspace or server where the release is (its channel's, and each one its card was shared
 * into), and people one of whose linked accounts is there. A role is bound in one workspace:
 * another's holders of the same role name never see this release, and calling them would name
 * that workspace's people in this one's thread.
 */
export async function holdersWhoSee(ctx: Pick<Ctx, "store">, release: Release, role: string): Promise<string[]> {
  const holders = (await ctx.store.listRoleBindings()).filter((b) => b.role === role);
  if (!holders.length) return [];
  const channels = [release.channel.key, ...(await ctx.store.listMessageRefs(release.id)).map((ref) => ref.channel.key)];
  const seeing: string[] = [];
  for (const { subject } of holders) {
    const who = parseSubject(subject);
    if (!who) continue;
    // Linked accounts are read only for a holder not there already.
    const sees = subjectSees(who, [], channels) || (who.kind === "person" && subjectSees(who, (await ctx.store.linkedAccounts(subject)).map((a) => a.account), channels));
    if (sees) seeing.push(subject);
  }
  return seeing;
}
