import { freshCriteria } from "../../domain/criteria.js";
import { UserError } from "../../domain/errors.js";
import { subjectId } from "../../domain/identity.js";
import { checkLength } from "../../domain/limits.js";
import { mistypedKeywordIn } from "../../domain/create-typo.js";
import { parseWhen, formatInZone, relative } from "../../domain/time.js";
import { remindersPhrase } from "../../domain/countdown.js";
import { isFinal } from "../../domain/release.js";
import type { Actor, ChannelRef, Release } from "../../domain/types.js";
import { audit, policyFor, qualifyPerson, requirePermission, rolesOf, type Ctx } from "../context.js";
import { planCountdownJobs } from "../countdown-jobs.js";
import { ok, okLines, Refusal } from "../replies.js";
import { channelPart } from "../channel-names.js";
import type { Reply } from "../views.js";
import { lockWarning } from "./deploy-lock.js";
import { freezeWarning } from "./freeze.js";

export interface CreateInput {
  service: string;
  version: string;
  environment: string | null;
  when: string | null;
  manager: string | null;
  description: string | null;
}

/** Creates a release, posts its card in the channel and plans its countdown. */
export async function createRelease(ctx: Ctx, actor: Actor, channel: ChannelRef, input: CreateInput, names: Record<string, string> = {}): Promise<Reply> {
  await requirePermission(ctx, actor, "create");
  const policy = await policyFor(ctx, channel.key);
  const now = ctx.clock.now();
  // Read everything that can be wrong before writing anything.
  const read = input.when ? withField("when", () => readCreateTime(input, now, policy.timezone)) : null;
  const scheduledAt = read?.at ?? null;
  if (input.description) checkLength("description", input.description, "description");
  // The service's releases to this environment, newest first, read once: where they are decided, and any still open.
  const environment = input.environment ?? "production";
  const earlier = (await ctx.store.findReleases({ service: input.service })).filter((r) => r.environment === environment);
  await requireHomeChannel(ctx, actor, channel, earlier);
  const manager = input.manager ? qualifyPerson(actor, input.manager) : null;
  const managerId = manager ? subjectId(manager) : actor.id;
  // A named manager is called by the name the platform gave with the mention; only without one by their id.
  const managerName = manager ? (names[managerId] ?? manager.user) : actor.name;

  const release = await ctx.store.insertRelease({
    service: input.service,
    version: input.version,
    environment,
    description: input.description,
    managerId,
    managerName,
    channel,
    scheduledAt,
    timezone: policy.timezone,
    state: "voting",
    stateReason: null,
    createdAt: now,
    createdBy: actor.id,
    decidedGoAt: null,
    shippedAt: null,
    rollbackRequestedAt: null,
    recoveredAt: null,
    retroOpenedAt: null,
    closedAt: null,
    votesVoidedNote: null,
    webhookNote: null,
  });
  // The channel's readiness criteria as they are now: changing them later leaves this release's list alone.
  if (policy.criteria.length) await ctx.store.replaceCriteria(release.id, freshCriteria(policy.criteria));
  await audit(ctx, actor, channel.platform, release.id, { type: "release_created", data: { service: release.service, version: release.version, environment: release.environment, managerId, scheduledAt } });
  const reminders = await planCountdownJobs(ctx, release);
  ctx.effects.push({ type: "post", releaseId: release.id, channel });

  const when = scheduledAt === null
    ? `Not scheduled yet: \`/release schedule ${release.id} <time>\` starts the countdown.`
    : `T-0 ${formatInZone(scheduledAt, policy.timezone)} (${relative(scheduledAt, now)}); ${remindersPhrase(reminders, policy.reminders)}.${read?.note ? ` ${read.note}` : ""}`;
  const frozen = [await freezeWarning(ctx, release), await lockWarning(ctx, release), twinWarning(release, earlier)].filter(Boolean).join(" ");
  const head = `Created ${release.id}: ${release.service} ${release.version} → ${release.environment}, managed by `;
  const tail = `. Voting is open (needs ${policy.quorum} GO${policy.require.length ? ` incl. ${policy.require.join(", ")}` : ""}${policy.criteria.length ? ` and ${policy.criteria.map((c) => c.name).join(", ")} passed` : ""}). ${when}${frozen ? ` ${frozen}` : ""}`;
  // A manager someone named is shown as chat shows people (a mention: a Discord option carries only
  // the id); the creator by the name they act under.
  return manager ? okLines("", [[head, { subject: managerId, text: managerName }, tail]]) : ok(`${head}${managerName}${tail}`);
}

/** Tags a parse error with the form field it belongs to (shown inline in modals). */
/**
 * The release time of a create; an unreadable one whose words hold a mistyped option word
 * (`at 10:00 envv staging`) is refused pointing at the word meant, with the command as meant.
 */
function readCreateTime(input: CreateInput, now: number, zone: string): ReturnType<typeof parseWhen> {
  try {
    return parseWhen(input.when!, now, zone);
  } catch (e) {
    if (!(e instanceof UserError) || e.code !== "bad_time") throw e;
    // Words that are a time, even one refused as past or too far ahead, read as a time.
    const reads = (text: string) => {
      try {
        parseWhen(text, now, zone);
        return true;
      } catch (err) {
        return !(err instanceof UserError && err.code === "bad_time");
      }
    };
    const typo = mistypedKeywordIn(input.when!, reads);
    if (!typo) throw e;
    throw new UserError(e.code, `${e.message} Did you mean \`${typo.keyword}\`? \`/release create ${input.service} ${input.version} at ${typo.meant}\``);
  }
}

export function withField<T>(fieldKey: string, fn: () => T): T {
  try {
    return fn();
  } catch (e) {
    if (e instanceof UserError && !e.field) throw new UserError(e.code, e.message, fieldKey);
    throw e;
  }
}

/**
 * The same service, version and environment already being decided (a form sent twice, a command
 * retyped): said, not refused (a second channel may mean it), with how to drop the extra one.
 */
function twinWarning(release: Release, earlier: readonly Release[]): string | null {
  const twins = earlier.filter((r) => r.version === release.version && !isFinal(r.state)).map((r) => r.id).reverse();
  if (!twins.length) return null;
  return `Note: ${twins.join(", ")} ${twins.length === 1 ? "is" : "are"} already open for ${release.service} ${release.version} → ${release.environment}; if this one is a duplicate, \`/release cancel ${release.id} duplicate\`.`;
}

/**
 * A service's releases to an environment are decided in one channel: the one its last release
 * was created in. A channel's policy (quorum, sign-offs, criteria, freezes) guards what it ships,
 * while the deploy and rollback webhooks act on the service and environment: a release created in
 * a laxer channel would ship payments to production past every one of them. Admins and
 * release-managers may create it elsewhere, which moves it there.
 */
async function requireHomeChannel(ctx: Ctx, actor: Actor, channel: ChannelRef, earlier: readonly Release[]): Promise<void> {
  const last = earlier[0];
  if (!last || last.channel.key === channel.key) return;
  const roles = await rolesOf(ctx, actor);
  if (roles.includes("admin") || roles.includes("release-manager")) return;
  // Named (a link on the same workspace or server): "another channel" left people asking which.
  throw new Refusal("service_elsewhere", [
    `${last.service} → ${last.environment} is decided in `,
    channelPart(last.channel, channel),
    `: its last release, ${last.id}, was created there, under that channel's policy. Create it in that channel (\`/release status ${last.id}\` shows the card), or ask an admin or release-manager to create it here, which moves it here.`,
  ]);
}
