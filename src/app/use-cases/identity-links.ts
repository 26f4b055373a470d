import { createHash, randomInt } from "node:crypto";
import { UserError } from "../../domain/errors.js";
import { parseSubject } from "../../domain/identity.js";
import { LINK_CODE_ALPHABET, LINK_CODE_LENGTH, LINK_CODE_TTL_MS, readLinkCode, showLinkCode } from "../../domain/link-code.js";
import type { Actor, Vote } from "../../domain/types.js";
import { CHOICE_LABELS } from "../../domain/votes.js";
import { decisionInWords } from "../../domain/decision.js";
import { PLATFORM_NAMES } from "../channel-names.js";
import { audit, notice, type Ctx } from "../context.js";
import { releaseDecision } from "../release-decision.js";
import type { Account } from "../identity-store.js";
import { okLines } from "../replies.js";
import { decisionIfHeld, goReached } from "../go-reached.js";
import type { Reply, ReplyPart } from "../views.js";

/*
 * `/release link`: one person with accounts on Slack and Discord (or in two workspaces) counts
 * as one voter. A code asked for on one account and typed on the other proves both are theirs.
 * Linking only ever takes away: one vote between the accounts, and a release manager's own GO
 * does not count from either. Roles stay with each account, so a code typed by the wrong
 * person grants nothing.
 */

const WHAT_LINKING_DOES = "They share one vote (the last one cast counts), and as a release manager your GO does not count from either. Roles stay with each account.";

/** An account as people read it: `dana on Discord`, a mention where the reader is on its platform. */
function named(a: Account): ReplyPart {
  const platform = parseSubject(a.account);
  const where = platform?.kind === "person" ? (PLATFORM_NAMES[platform.platform] ?? (platform.platform === "terminal" ? "the terminal" : platform.platform)) : "another platform";
  return { subject: a.account, text: `${a.name} on ${where}` };
}

function list(accounts: Account[]): ReplyPart[] {
  return accounts.flatMap((a, i) => [...(i ? [", "] : []), named(a)]);
}

function hashOf(code: string): string {
  return createHash("sha256").update(code).digest("hex");
}

function newCode(): string {
  return Array.from({ length: LINK_CODE_LENGTH }, () => LINK_CODE_ALPHABET[randomInt(LINK_CODE_ALPHABET.length)]).join("");
}

/** `/release link`: a code for this account, to type on the other one. */
export async function startLink(ctx: Ctx, actor: Actor): Promise<Reply> {
  const code = newCode();
  await ctx.store.saveLinkCode(hashOf(code), { account: actor.id, name: actor.name }, ctx.clock.now() + LINK_CODE_TTL_MS);
  const shown = showLinkCode(code);
  const linked = await ctx.store.linkedAccounts(actor.id);
  const already: ReplyPart[][] = linked.length ? [["Already linked to this account: ", ...list(linked), "."]] : [];
  // The command for the other account in plain words, not a code span: Discord would rewrite a
  // span into its own option syntax, and the other account may well be on Slack.
  return okLines(`Your link code is \`${shown}\`. It works once, for ${LINK_CODE_TTL_MS / 60_000} minutes.`, [
    [`On your other account, run it there: in Slack /release link ${shown} — in Discord /release link with code ${shown}.`],
    [`Your accounts then count as one voter. ${WHAT_LINKING_DOES}`],
    ...already,
  ]);
}

/** `/release link <code>`: this account and the one the code was given to become one person. */
export async function useLinkCode(ctx: Ctx, actor: Actor, platform: string, typed: string): Promise<Reply> {
  const code = readLinkCode(typed);
  if (!code) throw new UserError("link_code", `\`${typed}\` is not a link code: a code looks like \`K7QM-4RPZ\`. Run /release link on your other account to get one, then type it here.`);
  const owner = await ctx.store.takeLinkCode(hashOf(code), ctx.clock.now());
  if (!owner) throw new UserError("link_code_unknown", `The link code ${showLinkCode(code)} is unknown or has expired (a code works once, for ${LINK_CODE_TTL_MS / 60_000} minutes). Run /release link on your other account for a new one.`);
  if (owner.account === actor.id) {
    throw new UserError("link_self", `That code is this account's own. Type it on your other account (in Discord, or in another Slack workspace); there it links the two.`);
  }
  const before = await ctx.store.linkedAccounts(actor.id);
  if (before.some((a) => a.account === owner.account)) return okLines("", [["This account is already linked to ", named(owner), ". Nothing changed."]]);
  await ctx.store.linkAccounts({ account: actor.id, name: actor.name }, owner, ctx.clock.now());
  await audit(ctx, actor, platform, null, { type: "accounts_linked", data: { account: owner.account, accountName: owner.name } });
  const person = [actor.id, ...(await ctx.store.linkedAccounts(actor.id)).map((a) => a.account)];
  const merged = await mergeVotes(ctx, actor, platform, person);
  const mergedWords = merged.length ? `Where both had voted, the later vote stands: ${merged.join("; ")}.` : "";
  const mergedLine: ReplyPart[][] = mergedWords ? [[mergedWords]] : [];
  // Whoever saw the code over a shoulder could link and then vote as its owner: the owner hears of it.
  ctx.effects.push({
    type: "tell",
    person: owner.account,
    line: ["Your link code was used: your account and ", named({ account: actor.id, name: actor.name }), ` now count as one voter. ${mergedWords ? `${mergedWords} ` : ""}Not you? \`/release unlink\` here undoes it.`],
  });
  return okLines("", [["Linked: this account and ", named(owner), " now count as one voter."], [WHAT_LINKING_DOES], ...mergedLine, ["`/release unlink` undoes it."]]);
}

/**
 * Releases still being decided on which two of the person's accounts voted: the later vote
 * stands and the others go, so the person counts once. Answers what was merged, in words.
 */
async function mergeVotes(ctx: Ctx, actor: Actor, platform: string, accounts: string[]): Promise<string[]> {
  const merged: string[] = [];
  for (const release of await ctx.store.listReleases({ states: ["voting", "held"] })) {
    const votes: Vote[] = [];
    for (const account of accounts) {
      const vote = await ctx.store.getVote(release.id, account);
      if (vote) votes.push(vote);
    }
    if (votes.length < 2) continue;
    const kept = votes.reduce((latest, v) => (v.at > latest.at ? v : latest));
    const dropped = votes.filter((v) => v !== kept);
    const heldBefore = await decisionIfHeld(ctx, release);
    for (const v of dropped) await ctx.store.deleteVote(release.id, v.voter);
    await audit(ctx, actor, platform, release.id, { type: "votes_merged", data: { kept: { voter: kept.voter, choice: kept.choice }, dropped: dropped.map((v) => ({ voter: v.voter, choice: v.choice })) } });
    ctx.effects.push({ type: "refresh", releaseId: release.id });
    // Dropping a vote can lift a veto or complete a GO: said and recorded as a vote doing so would be.
    const result = await releaseDecision(ctx, release);
    const vetoDropped = kept.choice !== "no_go" && dropped.find((v) => v.choice === "no_go");
    if (vetoDropped) {
      const text = `↩️ ${vetoDropped.voterName}'s NO-GO on ${release.id} no longer counts: they linked their accounts, and their later ${CHOICE_LABELS[kept.choice]} (as ${kept.voterName}) stands. Decision: ${decisionInWords(result)}.`;
      ctx.effects.push(notice(release.id, text, { mention: accounts.includes(release.managerId) ? [] : [release.managerId] }));
    }
    // After the veto's notice, as a vote's: a held release then hears what ships it now.
    await goReached(ctx, actor, platform, release, heldBefore, result);
    merged.push(`${release.id} keeps ${CHOICE_LABELS[kept.choice]} by ${kept.voterName}`);
  }
  return merged;
}

/** `/release unlink`: this account counts on its own again. */
export async function unlink(ctx: Ctx, actor: Actor, platform: string): Promise<Reply> {
  const was = await ctx.store.unlinkAccount(actor.id);
  if (!was.length) throw new UserError("not_linked", "This account is not linked to another. `/release link` gives a code to link it to your account on Slack or Discord.");
  await audit(ctx, actor, platform, null, { type: "accounts_unlinked", data: { accounts: was.map((a) => a.account) } });
  return okLines("", [["Unlinked: this account no longer counts as one voter with ", ...list(was), ". Votes already cast stay where they are."]]);
}
