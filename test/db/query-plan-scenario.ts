import type { Bot } from "../../src/app/bot-api.js";
import type { WebScope } from "../../src/app/web-link.js";
import { replyLineText, type Reply } from "../../src/app/views.js";
import { actorOf, channelKey } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { channel, person, type FakeTime } from "../helpers/core.js";

const MIN = 60_000;
const HOUR = 60 * MIN;
const web: WebScope = { kind: "workspace", platform: "terminal", scope: "local" };
/** dana, on Slack and on Discord: she links the two accounts into one voter. */
const danaOnSlack = actorOf({ kind: "person", platform: "slack", scope: "T1", user: "UDANA" }, "dana");
const danaOnDiscord = actorOf({ kind: "person", platform: "discord", scope: "1001", user: "2002" }, "dana_d");
const channelOf = (actor: Actor): ChannelRef =>
  actor.person.platform === "slack" ? { platform: "slack", key: channelKey({ platform: "slack", scope: "T1", channel: "C1" }), nativeId: "C1" } : { platform: "discord", key: channelKey({ platform: "discord", scope: "1001", channel: "4001" }), nativeId: "4001" };
const textOf = (reply: Reply) => (reply.type === "message" ? [reply.text, ...(reply.lines ?? []).map(replyLineText)].join("\n") : "");

/**
 * A week of a team's releases through the real bot, touching every store statement a user can
 * reach: guardrails set up, releases created and voted on (no-go, changed and retracted votes),
 * criteria ticked by people and CI, a freeze, a lock, the queue, ship, shipped, rollback,
 * recovered, the retro, and the reads (status, list, stats, audit, the web view), with the clock
 * moved through reminders, T-0 and retro prompts; then a running bot's start-up sweeps and
 * hourly prunes.
 * Plain calls, no assertions: the query-plan audit judges the SQL it makes the stores run.
 */
export async function runReleaseWeek(bot: Bot, clock: FakeTime): Promise<void> {
  const say = (who: string, text: string) => bot.handle({ kind: "command", actor: person(who), channel, text });
  const advance = async (ms: number) => {
    clock.advance(ms);
    await bot.runDueJobs();
    await bot.idle();
  };

  await say("admin", "role grant rel release-manager");
  await say("admin", "role grant oscar oncall");
  await say("admin", "role grant quinn qa");
  await say("admin", "role list");
  await say("admin", "policy set quorum=2");
  await say("admin", "policy");
  await say("admin", "criteria set tests:qa, changelog");
  await say("admin", "criteria");
  const asDana = (actor: Actor, text: string) => bot.handle({ kind: "command", actor, channel: channelOf(actor), text });
  const code = /link code is `([A-Z0-9]{4}-[A-Z0-9]{4})`/.exec(textOf(await asDana(danaOnSlack, "link")))?.[1];
  await asDana(danaOnDiscord, `link ${code}`);
  await asDana(danaOnDiscord, "link hello");

  await say("alice", "create payments 1.4.2 desc faster refunds");
  await say("bob", "create payments 1.4.3 at in 30m");
  await say("erin", "create search 2.0.0 at in 2h env staging");
  await say("erin", "create search 2.0.1");
  await say("carol", "vote R-1 go");
  await say("dave", "vote R-1 no-go flaky tests");
  await say("dave", "vote R-1 go fixed");
  await say("frank", "vote R-1 abstain");
  await say("frank", "retract R-1");
  await bot.handleOnce("slack:trigger-1", { kind: "command", actor: person("gina"), channel, text: "vote R-1 go" });
  await bot.handleOnce("slack:trigger-1", { kind: "command", actor: person("gina"), channel, text: "vote R-1 go" });
  await say("quinn", "check R-1 tests pass");
  await say("alice", "check R-1 changelog pass https://example.test/changes");
  await bot.handleHook({ kind: "check", signature: "sig-check-1", report: { release: "R-2", check: "tests", status: "passed", url: "https://ci.example/run/1" } });
  await bot.handleHook({ kind: "check", signature: "sig-check-1", report: { release: "R-2", check: "tests", status: "passed", url: "https://ci.example/run/1" } });
  await bot.handleHook({ kind: "check", signature: "sig-check-2", report: { service: "payments", version: "1.4.3", check: "changelog", status: "passed" } });
  await say("carol", "vote R-3 no-go not ready");
  await say("alice", "status R-1");
  await say("alice", "status");
  await say("alice", "list");
  await say("alice", "share R-1");
  await say("bob", "update R-2 desc refunds in one step");
  for (const voter of ["carol", "dave"]) await say(voter, "vote R-2 go");
  await say("erin", "schedule R-3 in 3h");
  await say("erin", "hold R-4 waiting for search infra");
  await say("erin", "cancel R-4 superseded");

  await say("rel", "freeze add now until in 1h reason incident 41");
  await say("rel", "freeze list");
  await say("rel", "lock search staging reason incident 7");
  await say("anyone", "locks");
  await advance(10 * MIN);
  await say("alice", "ship R-1");
  await say("bob", "ship R-2");
  await advance(50 * MIN);
  await say("rel", "unlock search staging reason done");
  await say("rel", "freeze remove F-1");
  // R-2 went out at its T-0; R-1 waits behind it in the queue until it is shipped.
  await say("alice", "ship R-1 override hotfix");
  await say("bob", "shipped R-2");
  await advance(0);
  await bot.handleHook({ kind: "deploy", signature: "sig-deploy-1", report: { release: "R-1", status: "succeeded" } });
  await say("alice", "shipped R-1");
  await advance(0);
  await bot.handleHook({ kind: "alert", signature: "sig-alert-1", report: { service: "payments", summary: "error rate 5x", severity: "critical" } });
  await say("oscar", "rollback R-1 error rate 5x");
  await advance(5 * MIN);
  await say("alice", "recovered R-1");
  await say("rel", "unlock payments reason recovered");
  await bot.handleHook({ kind: "deploy", signature: "sig-deploy-2", report: { service: "payments", version: "1.4.3", status: "failed" } });
  await advance(3 * HOUR);

  await advance(24 * HOUR);
  await bot.handle({ kind: "form", actor: person("bob"), channel, form: "retro", releaseId: "R-1", values: { went_well: "fast vote", went_badly: "the canary", action_items: "@dana canary alerts" } });
  await bot.handle({ kind: "form", actor: person("bob"), channel, form: "retro", releaseId: "R-1", values: { went_well: "fast vote", went_badly: "", action_items: "" } });
  await say("carol", "retro R-1");
  await say("carol", "retro R-1 show");
  await say("carol", "retro R-1 export");

  await say("anyone", "stats");
  await say("anyone", "stats payments 30 env production");
  await say("anyone", "audit R-1");
  await say("admin", "audit export");
  await say("admin", "audit export R-1");
  await say("admin", "audit verify");
  await bot.overviewFor(person("alice"));
  await bot.servicesFor(person("alice"));
  await bot.stats({ service: null, days: 30 });
  await bot.webRead({ kind: "web_calendar", scope: web, zone: null, channel: null });
  await bot.webRead({ kind: "web_release", scope: web, id: "R-1" });
  await bot.webRead({ kind: "web_numbers", scope: web, service: null, days: 30, checkAudit: true });
  await bot.webRead({ kind: "web_owned", scope: web, ids: ["R-1", "R-2"] });
  await asDana(danaOnSlack, "vote R-3 go");
  await asDana(danaOnDiscord, "unlink");

  // A week on: reminders and the retro windows closing.
  for (let day = 0; day < 7; day += 1) await advance(24 * HOUR);

  // Then the work of a running bot: the start-up reconcile and outbox sweep, and the hourly
  // prunes. Started only now, as its sweeps run every few seconds of the week's clock.
  await bot.start();
  await bot.idle();
  clock.advance(HOUR);
  await bot.idle();
  await bot.stop();
}
