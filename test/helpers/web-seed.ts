import type { Clock, Timer } from "../../src/app/ports.js";
import { PassThrough } from "node:stream";
import { signWebToken } from "../../src/app/web-link.js";
import type { Reply } from "../../src/app/views.js";
import { loadConfig } from "../../src/config.js";
import { actorOf } from "../../src/domain/identity.js";
import type { Actor, ChannelRef } from "../../src/domain/types.js";
import { startGonogo, type RunningGonogo } from "../../src/program.js";

/*
 * A running gonogo with the web view on, and releases in two Slack workspaces, for the web
 * view's HTTP and browser tests and the README's screenshots.
 */

export const WEB_SECRET = "web-secret-for-tests-0123456789abcdef";
export const WEB_TOKEN = "operator-token-0123456789";

export interface Workspace {
  team: string;
  channel: ChannelRef;
  person(name: string): Actor;
}

export function slackWorkspace(team: string, channelId: string): Workspace {
  return {
    team,
    channel: { platform: "slack", key: `slack:${team}:${channelId}`, nativeId: channelId },
    person: (name) => actorOf({ kind: "person", platform: "slack", scope: team, user: `U${name.toUpperCase()}` }, name),
  };
}

export const ACME = slackWorkspace("T1ACME", "C1RELEASES");
export const GLOBEX = slackWorkspace("T2GLOBEX", "C2DEPLOYS");

export interface WebGonogo {
  app: RunningGonogo;
  base: string;
  logs: string[];
  /** Says `/release <text>` as `who` in `ws`; the reply's text. */
  say(ws: Workspace, who: string, text: string): Promise<string>;
  /** The bot's answer as it is (forms included). */
  handle(event: Parameters<RunningGonogo["bot"]["handle"]>[0]): Promise<Reply>;
  /** A link to the web view for `ws`, as `/release web` would sign it (to this server's address). */
  linkFor(ws: Workspace, expiresAt?: number): string;
  stop(): Promise<void>;
}

export async function startWebGonogo(dir: string, env: Record<string, string> = {}, io: { clock?: Clock; timer?: Timer } = {}): Promise<WebGonogo> {
  const logs: string[] = [];
  const config = loadConfig({
    DATABASE_PATH: `${dir}/g.db`,
    PORT: "0",
    HOST: "127.0.0.1",
    GONOGO_TERMINAL: "off",
    GONOGO_ADMINS: `slack:${ACME.team}:UADMIN,slack:${GLOBEX.team}:UADMIN`,
    GONOGO_PUBLIC_URL: "http://gonogo.invalid",
    GONOGO_WEB_SECRET: WEB_SECRET,
    GONOGO_WEB_TOKEN: WEB_TOKEN,
    GONOGO_RETRO_DELAY: "0s",
    LOG_LEVEL: "warn",
    ...env,
  });
  const app = await startGonogo(config, { stdin: new PassThrough(), stdout: new PassThrough(), writeLog: (l) => logs.push(l), portExplicit: true, logLevelExplicit: true, ...io });
  const base = `http://127.0.0.1:${app.port}`;
  const textOf = (r: Reply) => (r.type === "message" ? r.text : r.type === "form" ? `form ${r.form.form}` : r.text);
  return {
    app,
    base,
    logs,
    handle: (event) => app.bot.handle(event),
    say: async (ws, who, text) => textOf(await app.bot.handle({ kind: "command", actor: ws.person(who), channel: ws.channel, text })),
    linkFor: (ws, expiresAt = Date.now() + 3_600_000) => `${base}/web/login?t=${signWebToken(WEB_SECRET, { kind: "workspace", platform: "slack", scope: ws.team }, expiresAt)}`,
    stop: () => app.stop(),
  };
}

/** Text meant to break out of the page: it must show as these characters and do nothing. */
export const HOSTILE = `<img src=x onerror="window.__pwned=1"><script>window.__pwned=2</script>`;

/**
 * A week of one team's releases: one voting tomorrow (with readiness criteria, one passed with
 * a CI link, and T-0 inside a maintenance freeze), one GO in three days whose service is locked,
 * one shipped, rolled back, recovered and retro'd, one cancelled, and one unscheduled with a
 * hostile reason; a quarter-end freeze later in the week; and one release in the other
 * workspace that ACME's link must never show.
 */
export async function seedReleases(g: WebGonogo): Promise<void> {
  const say = (ws: Workspace, who: string, text: string) => g.say(ws, who, text);
  const must = async (ws: Workspace, who: string, text: string, expect: RegExp) => {
    const out = await say(ws, who, text);
    if (!expect.test(out)) throw new Error(`seeding: "${text}" answered "${out}"`);
  };
  // Only R-1 gets criteria: the channel names them, R-1 copies them, then the channel drops them.
  await must(ACME, "admin", "criteria set tests, rollback-plan", /tests/);
  await must(ACME, "alice", "create payments 1.4.2 at tomorrow 10:00 desc Card vault rotation, https://ci.example.com/changelog/142", /Created R-1/);
  await must(ACME, "admin", "criteria set none", /no readiness criteria/);
  await must(ACME, "alice", "check R-1 tests pass 212 specs green https://ci.example.com/run/981", /passed/);
  await must(ACME, "admin", "freeze add tomorrow 09:00 until tomorrow 12:00 reason card network maintenance", /Freeze F-1 added/);
  await must(ACME, "bob", "vote R-1 go", /GO/);
  await must(ACME, "alice", "create search 2.0.0 at in 3d env production desc New ranking model", /Created R-2/);
  await must(ACME, "bob", "vote R-2 go", /GO/);
  await must(ACME, "carol", "vote R-2 go looks good on staging", /GO/);
  await must(ACME, "admin", "lock search reason index rebuild after incident 77", /search production is locked/);
  await must(ACME, "alice", "create checkout 3.1.0 desc Faster checkout page", /Created R-3/);
  await must(ACME, "bob", "vote R-3 go", /GO/);
  await must(ACME, "carol", "vote R-3 go", /GO/);
  await must(ACME, "alice", "ship R-3", /R-3/);
  await must(ACME, "alice", "shipped R-3", /R-3/);
  await must(ACME, "alice", "rollback R-3 error rate 5x after deploy", /R-3/);
  await must(ACME, "alice", "recovered R-3", /R-3/);
  await must(ACME, "carol", "retro R-3", /form retro/);
  const retro = await g.handle({
    kind: "form",
    actor: ACME.person("carol"),
    channel: ACME.channel,
    form: "retro",
    releaseId: "R-3",
    values: { went_well: "Rollback took four minutes", went_badly: "No canary; errors showed only in production", action_items: "@bob add a canary stage" },
  });
  if (retro.type !== "message" || retro.error) throw new Error(`seeding: retro answered ${JSON.stringify(retro)}`);
  await must(ACME, "alice", "create billing 0.9.0 at in 5d desc Invoice export", /Created R-4/);
  await must(ACME, "alice", "cancel R-4 superseded by 0.9.1", /R-4/);
  await must(ACME, "alice", "create auth 5.2.0 desc Session store migration", /Created R-5/);
  await must(ACME, "dave", `vote R-5 no-go ${HOSTILE}`, /NO-GO/);
  await must(ACME, "admin", "freeze add in 4d until in 6d reason quarter-end close", /Freeze F-2 added/);
  await must(GLOBEX, "gina", "create secret-project 1.0.0 at tomorrow 11:00 desc Globex only", /Created R-6/);
  await g.app.bot.idle();
}
