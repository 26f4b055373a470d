import type { ClusterBench } from "./cluster.js";
import type { CoreThroughput } from "./core-throughput.js";
import type { DiscordStorm } from "./discord-storm.js";
import type { Growth } from "./growth.js";
import type { Sustained, SustainedPlatform } from "./sustained.js";
import type { SchedulerScale } from "./scheduler-scale.js";
import type { SlackStorm } from "./slack-storm.js";

type Row = { measurement: string; gonogo: string; baseline: string; goal: string; met: string };

const yes = (ok: boolean) => (ok ? "yes" : "NO");

/** One row per figure: gonogo, its same-run baseline, the goal and whether it was met. */
function reportRows(r: Record<string, unknown>): Row[] {
  const rows: Row[] = [];
  const core = r.core as CoreThroughput | undefined;
  if (core) {
    rows.push({ measurement: `core: votes/s through bot.handle (median of ${core.rounds?.length ?? 1} rounds)`, gonogo: `${core.gonogoVotesPerSec} (p50 ${core.gonogoP50us} µs, p99 ${core.gonogoP99us} µs)`, baseline: `raw upserts ${core.rawUpsertsPerSec}/s (${core.ratio}×)`, goal: "≥ 10,000/s", met: yes(core.gonogoVotesPerSec >= 10_000) });
  }
  const storm = (name: string, s: SlackStorm | DiscordStorm | undefined, base: SlackStorm["bareBolt"] | undefined, baseName: string, updates: number, perSec: number, extra = "") => {
    if (!s || !base) return;
    rows.push({ measurement: `${name}: ack p50 / p99 (ms, median of rounds)`, gonogo: `${s.gonogo.p50Ms} / ${s.gonogo.p99Ms}`, baseline: `${baseName} ${base.p50Ms} / ${base.p99Ms}`, goal: "p99 ≤ 1.5× baseline", met: yes(s.p99Ratio <= 1.5) });
    rows.push({ measurement: `${name}: p99 ratio (p50 ratio)`, gonogo: `${s.p99Ratio}× (${s.p50Ratio}×)`, baseline: "1×", goal: "≤ 1.5×", met: yes(s.p99Ratio <= 1.5) });
    rows.push({ measurement: `${name}: votes lost / non-2xx`, gonogo: `${s.votesLost} / ${s.gonogo.non200}`, baseline: `– / ${base.non200}`, goal: "0", met: yes(s.votesLost === 0 && s.gonogo.non200 === 0) });
    rows.push({ measurement: `${name}: card updates (max in any 1 s${extra})`, gonogo: `${updates} (${perSec})`, baseline: "–", goal: "≤ 1 per second", met: yes(perSec <= 1) });
    rows.push({ measurement: `${name}: last press → true tally on card (worst round)`, gonogo: `${s.lastPressToTrueTallyMs} ms`, baseline: "–", goal: "≤ 2,000 ms", met: yes(s.lastPressToTrueTallyMs <= 2000) });
  };
  const slack = r.slack as SlackStorm | undefined;
  storm(`Slack storm (${slack?.presses ?? 0} in ${slack?.spreadMs ?? 0} ms, ${slack?.rounds.length ?? 0} rounds)`, slack, slack?.bareBolt, "bare Bolt", slack?.cardUpdates ?? 0, slack?.maxUpdatesPerSecond ?? 0);
  const discord = r.discord as DiscordStorm | undefined;
  storm(`Discord storm (${discord?.presses ?? 0} in ${discord?.spreadMs ?? 0} ms, ${discord?.rounds.length ?? 0} rounds)`, discord, discord?.bareDiscordJs, "bare discord.js", discord?.cardEdits ?? 0, discord?.maxEditsPerSecond ?? 0, `; ${discord?.maxEditsPer5s ?? 0} in any 5 s`);
  const sustained = r.sustained as Sustained | undefined;
  if (sustained) {
    const load = `${sustained.perSecond}/s for ${sustained.seconds} s on ${sustained.cards} cards`;
    const side = (name: string, p: SustainedPlatform, baseName: string) => {
      rows.push({ measurement: `sustained ${name} (${load}): ack p50 / p99 (ms)`, gonogo: `${p.gonogo.p50Ms} / ${p.gonogo.p99Ms}`, baseline: `${baseName} ${p.bare.p50Ms} / ${p.bare.p99Ms}`, goal: "p99 ≤ 1.5× baseline", met: yes(p.p99Ratio <= 1.5) });
      rows.push({ measurement: `sustained ${name}: p99 ratio (p50 ratio)`, gonogo: `${p.p99Ratio}× (${p.p50Ratio}×)`, baseline: "1×", goal: "≤ 1.5×", met: yes(p.p99Ratio <= 1.5) });
      rows.push({ measurement: `sustained ${name}: votes lost / non-2xx`, gonogo: `${p.gonogo.votesLost} / ${p.gonogo.non200}`, baseline: `– / ${p.bare.non200}`, goal: "0", met: yes(p.gonogo.votesLost === 0 && p.gonogo.non200 === 0) });
      rows.push({ measurement: `sustained ${name}: card updates (most of one card in any 1 s)`, gonogo: `${p.gonogo.cardUpdates} (${p.gonogo.maxCardUpdatesPerSecond})`, baseline: "–", goal: "≤ 1 per second", met: yes(p.gonogo.maxCardUpdatesPerSecond <= 1) });
      rows.push({ measurement: `sustained ${name}: CPU per press (µs)`, gonogo: `${p.gonogo.cpuUsPerPress ?? "–"}`, baseline: `${baseName} ${p.bare.cpuUsPerPress ?? "–"}`, goal: "–", met: "–" });
    };
    side("Slack", sustained.slack, "bare Bolt");
    side("Discord", sustained.discord, "bare discord.js");
  }
  const g = r.growth as Growth | undefined;
  if (g) {
    const fig = (s: { p50Ms: number; p99Ms: number }) => `${s.p50Ms} / ${s.p99Ms}`;
    rows.push({ measurement: `growth: ack p50 / p99 with ${g.releases} releases, ${g.auditRows} audit rows (${g.presses} presses at ${g.perSecond}/s)`, gonogo: fig(g.grown.freshRelease), baseline: `empty database ${fig(g.empty.freshRelease)}`, goal: "p99 ≤ 1.2× empty", met: yes(g.grownP99Ratio <= 1.2) });
    rows.push({ measurement: "growth: p99 ratio grown / empty (p50 ratio)", gonogo: `${g.grownP99Ratio}× (${g.grownP50Ratio}×)`, baseline: "1×", goal: "≤ 1.2×", met: yes(g.grownP99Ratio <= 1.2) });
    rows.push({ measurement: `growth: ack p50 / p99 on a release with ${g.voters} voters`, gonogo: fig(g.empty.crowdedRelease), baseline: `release with none ${fig(g.empty.freshRelease)}`, goal: "p99 ≤ 1.2×", met: yes(g.votersP99Ratio <= 1.2) });
    rows.push({ measurement: `growth: p99 ratio ${g.voters} voters / none (p50 ratio)`, gonogo: `${g.votersP99Ratio}× (${g.votersP50Ratio}×)`, baseline: "1×", goal: "≤ 1.2×", met: yes(g.votersP99Ratio <= 1.2) });
    rows.push({ measurement: `growth: both at once (${g.voters} voters on the grown database)`, gonogo: fig(g.grown.crowdedRelease), baseline: `empty, none ${fig(g.empty.freshRelease)}`, goal: "–", met: "–" });
  }
  const s = r.scheduler as SchedulerScale | undefined;
  if (s) {
    rows.push({ measurement: `scheduler: reminder lateness p50 / p99 (${s.watchedReminders} reminders, ${s.pendingJobs} jobs)`, gonogo: `${s.latenessP50Ms} / ${s.latenessP99Ms} ms (missing ${s.remindersMissing})`, baseline: `setTimeout ${s.timerLatenessP50Ms} / ${s.timerLatenessP99Ms} ms`, goal: "p99 < 50 ms", met: yes(s.latenessP99Ms < 50 && s.remindersMissing === 0) });
    rows.push({ measurement: "scheduler: one idle pass p50 / p99", gonogo: `${s.passP50Ms} / ${s.passP99Ms} ms`, baseline: "–", goal: "–", met: "–" });
    rows.push({ measurement: "scheduler: start-up to ready (open+start / spawn)", gonogo: `${s.openToReadyMs} / ${s.spawnToReadyMs} ms`, baseline: `empty node process ${s.bareSpawnToReadyMs} ms`, goal: "< 1,500 ms", met: yes(s.openToReadyMs < 1500) });
    rows.push({ measurement: "scheduler: RSS after start / at end", gonogo: `${s.rssAfterStartMb} / ${s.rssMb} MB (heap ${s.heapUsedMb})`, baseline: `empty node process ${s.bareRssMb} MB`, goal: "< 150 MB", met: yes(s.rssMb < 150) });
  }
  const c = r.cluster as ClusterBench | undefined;
  /** Machine busy (%, all cores) from which a storm's figures measure the wait for a core more than the program. */
  const SATURATED_PCT = 90;
  if (c && "skipped" in c) rows.push({ measurement: "cluster", gonogo: `skipped: ${c.skipped}`, baseline: "–", goal: "–", met: "–" });
  else if (c) {
    // A single process that had no core to spare queued for CPU: its p99 is no baseline, so no ratio against it is "met".
    const ratioMet = (c.single.machineBusyPct ?? 0) >= SATURATED_PCT ? `? (machine ${c.single.machineBusyPct}% busy during the single process's storm: run again on a quiet machine)` : yes(c.p99Ratio <= 2);
    rows.push({ measurement: `cluster: ack p50 / p99, ${c.presses} presses in ${c.spreadMs} ms through a round-robin front (ms)`, gonogo: `3 on PostgreSQL ${c.cluster.p50Ms} / ${c.cluster.p99Ms}`, baseline: `1 on SQLite ${c.single.p50Ms} / ${c.single.p99Ms}`, goal: "p99 ≤ 2× single", met: ratioMet });
    rows.push({ measurement: "cluster: p99 ratio (p50 ratio)", gonogo: `${c.p99Ratio}× (${c.p50Ratio}×)`, baseline: "1×", goal: "≤ 2×", met: ratioMet });
    const cpu = (side: typeof c.single) => `${side.cpuUsPerPress ?? "?"} µs · ${side.machineBusyPct ?? "?"}%`;
    rows.push({ measurement: "cluster: CPU of the gonogo processes per press · machine busy during the storm", gonogo: `3 on PostgreSQL ${cpu(c.cluster)}`, baseline: `1 on SQLite ${cpu(c.single)}`, goal: "–", met: "–" });
    rows.push({ measurement: "cluster: votes stored per second during the storm", gonogo: `${c.cluster.votesPerSec}`, baseline: `single ${c.single.votesPerSec}`, goal: "–", met: "–" });
    rows.push({ measurement: "cluster: votes lost / non-2xx", gonogo: `${c.cluster.votesLost} / ${c.cluster.non200}`, baseline: `${c.single.votesLost} / ${c.single.non200}`, goal: "0", met: yes(c.cluster.votesLost === 0 && c.single.votesLost === 0) });
    rows.push({ measurement: "cluster: SIGKILL of a card's lease holder → next card edit", gonogo: `${c.cardTakeoverMs} ms (true tally: ${c.cardEndedTrue ? "yes" : "NO"})`, baseline: "–", goal: "≤ 15,000 ms", met: yes(c.cardTakeoverMs <= 15_000 && c.cardEndedTrue) });
    rows.push({ measurement: "cluster: SIGKILL of a reminder's claimant → reminder posted", gonogo: `${c.orphanedReminderMs} ms`, baseline: "–", goal: "≤ 15,000 ms", met: yes(c.orphanedReminderMs <= 15_000) });
  }
  return rows;
}

export function printReport(r: Record<string, unknown>): void {
  console.table(reportRows(r));
}
