import { groupsText, guardText, moreNotShown, replyLineText, type CardView, type CriterionLine, type FormView, type NoticeView, type Reply, type ReplyPart } from "../../src/app/views.js";
import { displayName } from "../../src/domain/identity.js";
import type { Paint } from "./safe-text.js";

const PRESS_WORDS: Record<string, string> = { go: "go", no_go: "no-go", abstain: "abstain", rollback: "rollback", retro: "retro" };

const CRITERION_MARKS: Record<CriterionLine["status"], string> = { pending: "⏳", passed: "✅", failed: "❌" };

/** One checklist line with its evidence: who or what set it and when, the note and the link. */
function criterionLine(c: CriterionLine, p: Paint): string {
  const status = c.status === "passed" ? p.green(c.status) : c.status === "failed" ? p.red(c.status) : p.yellow(c.status);
  const by = c.byName ? ` by ${c.byName}${c.byCi ? " (CI)" : ""}${c.overridden ? " (admin override)" : ""}` : "";
  const when = c.atText ? p.dim(`, ${c.atText}`) : "";
  const evidence = [c.note, c.url].filter(Boolean).join(" ");
  return `${CRITERION_MARKS[c.status]} ${c.name} ${status}${by}${when}${evidence ? ` — ${evidence}` : ""}`;
}

function decisionColour(card: CardView, p: Paint): string {
  if (card.state !== "voting" && card.state !== "held") return p.dim(card.decisionLine);
  return card.decision === "go" ? p.green(card.decisionLine) : card.decision === "no_go" ? p.red(card.decisionLine) : p.yellow(card.decisionLine);
}

/** The card as a framed block of text, with the commands that press its buttons. */
export function renderCard(card: CardView, p: Paint, heading = ""): string {
  const lines = [
    `${heading}${p.bold(`${card.releaseId}  ${card.title}`)}  [${card.stateLabel}]`,
    `  Manager: ${card.managerName}${card.description ? `   ${card.description}` : ""}`,
  ];
  if (card.state === "voting" || card.state === "held") {
    lines.push(`  Decision: ${decisionColour(card, p)}`);
    // After a NO-GO, what else it waits for: lifting the no-go alone does not make it GO.
    if (card.alsoPendingLine) lines.push(`            ${p.yellow(card.alsoPendingLine)}`);
  }
  const t = card.tally;
  lines.push(`  Votes: ${t.go} go · ${t.noGo} no-go · ${t.abstain} abstain`);
  for (const v of card.votes) {
    const mark = v.choice === "go" ? p.green("GO") : v.choice === "no_go" ? p.red("NO-GO") : p.dim("abstain");
    lines.push(`    ${v.voterName}: ${mark}${v.reason ? ` — ${v.reason}` : ""}`);
  }
  if (card.criteria.length) {
    lines.push("  Criteria:");
    for (const c of card.criteria) lines.push(`    ${criterionLine(c, p)}`);
  }
  if (card.scheduledText) lines.push(`  When: ${card.scheduledText}${card.countdownLine ? `  (${card.countdownLine})` : ""}`);
  for (const g of card.guards ?? []) lines.push(`  ${guardText(g)}`);
  for (const n of card.notes) lines.push(`  ${p.dim("•")} ${n}`);
  if (card.buttons.length) lines.push(`  Buttons: ${card.buttons.map((b) => `[${b.label}] /press ${card.releaseId} ${PRESS_WORDS[b.action]}`).join("   ")}`);
  if (card.tickable.length) lines.push(`  Tick: /release check ${card.releaseId} <${card.tickable.join("|")}> pass|fail [note]`);
  return `${p.dim("┌──")}\n${lines.map((l) => `${p.dim("│")} ${l}`).join("\n")}\n${p.dim("└──")}`;
}

/** Whether two renders of a card differ only in the time left to T-0 (the fallback text quotes it too). */
export function sameButTheTimeLeft(a: CardView, b: CardView): boolean {
  const rest = (c: CardView) => JSON.stringify({ ...c, countdownLine: null, fallbackText: null });
  return a.countdownLine !== b.countdownLine && rest(a) === rest(b);
}

/** A countdown step of a card already on screen: one line, not the card again. */
export function renderCountdown(card: CardView, p: Paint): string {
  return `${p.dim("⏱")} ${p.bold(card.releaseId)}  ${card.title}: ${card.countdownLine ?? ""}`;
}

export function renderNotice(n: NoticeView, p: Paint): string {
  const who = [...n.mention, ...n.mentionGroups].map((s) => `@${displayName(s)}`);
  const buttons = n.buttons.map((b) => `[${b.label}] /press ${n.releaseId} ${PRESS_WORDS[b.action]}`);
  const groups = n.groups ? `\n${groupsText(n.groups)}` : "";
  const where = n.channel ? `  ${n.channel.nativeId}:` : `  ↳ ${n.releaseId} thread:`;
  return `${p.dim(where)} ${n.text}${who.length ? ` ${who.join(" ")}` : ""}${groups}${buttons.length ? `\n    ${buttons.join("   ")}` : ""}`;
}

/** A direct message from the bot (a link code someone used), marked with whom it is for. */
export function renderPrivateLine(person: string, line: ReplyPart[], p: Paint): string {
  return `${p.dim(`(private to ${displayName(person)})`)} ${replyLineText(line)}`;
}

function renderForm(form: FormView, p: Paint): string {
  // A field filled in already (your earlier answer) shows what it holds; /submit keeps it unless you give the field again.
  const fields = form.fields.map((f) => `    ${f.key}${f.required ? "" : " (optional)"}: ${f.label}${f.initial ? `\n      now: ${f.initial.replace(/\n/g, "\n           ")}` : ""}`);
  const example = form.fields.map((f) => `${f.key}=…`).join(" ");
  const keeps = form.fields.some((f) => f.initial) ? "; a field you leave out keeps what it holds, `field=` with nothing after it empties it" : "";
  return [`${p.bold(form.title)}: ${form.context}`, ...fields, `  Answer with: /submit ${example}   (or /cancel)${keeps}`].join("\n");
}

/** A private reply: only the person who typed sees it (here: shown as a "(private)" line). */
export function renderReply(reply: Reply, p: Paint): string {
  switch (reply.type) {
    case "message": {
      // A chat's code fence (an audit timeline, stats) only adds ``` lines in a terminal, which is monospaced already.
      const plain = reply.text.split("\n").filter((line) => line.trim() !== "```").join("\n");
      const text = reply.error ? p.red(plain) : plain;
      const lines = (reply.lines ?? []).map(replyLineText);
      if (reply.linesLeftOut) lines.push(moreNotShown(reply.linesLeftOut));
      // An answer that is all lines (`role grant`'s one sentence about someone) starts on the "(private)" line.
      const first = text ? undefined : lines.shift();
      const head = text || (first !== undefined && reply.error ? p.red(first) : first) || "";
      // A terminal has no message size: a list under headings (a retro's answers) is shown whole.
      const groups = reply.groups ? [groupsText(reply.groups)] : [];
      return [`${p.dim("(private)")} ${head}`, ...lines.map((l) => `  ${l}`), ...groups, ...reply.cards.map((c) => renderCard(c, p))].join("\n");
    }
    case "form":
      return renderForm(reply.form, p);
    case "form_errors":
      return `${p.red(Object.entries(reply.errors).map(([k, v]) => `${k}: ${v}`).join("; "))}\n  Fix it and /submit again, or /cancel.`;
  }
}
