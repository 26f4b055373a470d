import { UserError } from "./errors.js";
import { checkLength, INPUT_LIMITS } from "./limits.js";
import type { Permission } from "./permissions.js";
import type { Release, UserId } from "./types.js";

/*
 * Readiness criteria: facts a release must have before it is GO, agreed in advance per
 * channel (`/release criteria set tests:qa, rollback-plan:release-manager, changelog`).
 * A release copies its channel's list when it is created; each criterion is then pending,
 * passed or failed, with who or what set it. The rules (who may tick, what CI owns, what a
 * version change does) live here; the decision reads them in decision.ts.
 */

/** A criterion as the channel names it: who may tick it, or null for the release's manager, release-managers and admins. */
export interface CriterionSpec {
  name: string;
  role: string | null;
}

export const CRITERION_STATUSES = ["pending", "passed", "failed"] as const;
export type CriterionStatus = (typeof CRITERION_STATUSES)[number];

/** Who set a criterion last: a person in chat, or CI through the signed hook. */
export type CriterionSource = "person" | "ci";

/** One criterion of one release, with its evidence. */
export interface Criterion extends CriterionSpec {
  status: CriterionStatus;
  /** A person's id, or the pipeline's actor id for CI; null while nobody has set it. */
  setBy: UserId | null;
  setByName: string | null;
  source: CriterionSource | null;
  /** UTC ms of the last change; null while pending since creation. */
  at: number | null;
  note: string | null;
  /** Evidence link, http(s) only. */
  url: string | null;
  /** CI has reported this criterion: people tick it only through an admin override. Survives a reset. */
  ciOwned: boolean;
}

/**
 * How many criteria a channel may name: each takes a pass and a fail option in the card's
 * menu, and Discord's select holds 25 options (PLATFORM-FACTS), so 12 is the ceiling; 10
 * leaves the card readable.
 */
export const MAX_CRITERIA = 10;

export const CRITERION_NAME = new RegExp(`^[a-z][a-z0-9_-]{0,${INPUT_LIMITS.criterion.max - 1}}$`);
const ROLE_NAME = new RegExp(`^[a-z][a-z0-9_-]{0,${INPUT_LIMITS.role.max - 1}}$`);

const CRITERIA_USAGE = "`/release criteria set tests:qa, rollback-plan:release-manager, changelog` (name:role; no role means the release manager, release-managers and admins tick it), or `/release criteria set none`";
export const CHECK_USAGE = "`/release check R-7 tests pass|fail [note or link]`; an admin overrides a CI-reported criterion with `/release check R-7 tests pass override <reason>`";

/** Reads `tests:qa, rollback-plan:release-manager, changelog` (or `none`) into the channel's list. */
export function parseCriteriaSpec(text: string): CriterionSpec[] {
  checkLength("criteriaSpec", text);
  const trimmed = text.trim();
  if (!trimmed) throw new UserError("criteria_usage", `Name the criteria: ${CRITERIA_USAGE}.`);
  if (trimmed.toLowerCase() === "none") return [];
  // An empty entry (`tests,, changelog`, a trailing comma) is a typo, refused as configuration lists are.
  if (/(^|,)\s*(,|$)/.test(trimmed)) throw new UserError("criteria_usage", `\`${trimmed}\` has an empty entry: remove the extra comma. Usage: ${CRITERIA_USAGE}.`);
  const specs: CriterionSpec[] = [];
  for (const part of trimmed.split(/[,\s]+/).filter(Boolean)) {
    // `name` or `name:role`; a criterion is no identity, so no identity parser applies.
    const m = /^([^:]*)(?::([^:]*))?$/.exec(part);
    const rawRole = m?.[2];
    const name = (m?.[1] ?? "").toLowerCase();
    const role = rawRole === undefined || rawRole === "" ? null : rawRole.toLowerCase();
    if (!m || !CRITERION_NAME.test(name)) {
      throw new UserError("criteria_name", `\`${part}\` is not a criterion: a lower-case word of at most ${INPUT_LIMITS.criterion.max} characters, optionally with the role that ticks it, e.g. tests:qa. Usage: ${CRITERIA_USAGE}.`);
    }
    if (role !== null && !ROLE_NAME.test(role)) throw new UserError("criteria_role", `\`${rawRole}\` in \`${part}\` is not a role name: a lower-case word such as qa or release-manager.`);
    if (specs.some((s) => s.name === name)) throw new UserError("criteria_twice", `\`${name}\` is named twice; name each criterion once.`);
    specs.push({ name, role });
  }
  if (specs.length > MAX_CRITERIA) throw new UserError("criteria_many", `A channel names at most ${MAX_CRITERIA} criteria (you named ${specs.length}).`);
  return specs;
}

/** `tests:qa, changelog` — the form `/release criteria set` takes, so what is shown can be pasted back. */
export function describeCriteriaSpec(specs: readonly CriterionSpec[]): string {
  return specs.length ? specs.map((s) => (s.role ? `${s.name}:${s.role}` : s.name)).join(", ") : "none";
}

/** Who may tick a criterion, in words. */
export function tickersOf(spec: CriterionSpec, release?: Pick<Release, "managerName">): string {
  return spec.role ? `holders of the ${spec.role} role and admins` : `${release ? `${release.managerName} (the release manager)` : "the release manager"}, release-managers and admins`;
}

/** A release's criteria when it is created: the channel's list, all pending. */
export function freshCriteria(specs: readonly CriterionSpec[]): Criterion[] {
  return specs.map((s) => ({ name: s.name, role: s.role, status: "pending", setBy: null, setByName: null, source: null, at: null, note: null, url: null, ciOwned: false }));
}

/** After the version changed: every criterion back to pending. CI keeps ownership of what it reported, so it must report again. */
export function resetCriteria(criteria: readonly Criterion[]): Criterion[] {
  return criteria.map((c) => ({ ...c, status: "pending", setBy: null, setByName: null, source: null, at: null, note: null, url: null }));
}

/** `pass`, `passed`, `ok` → passed; `fail`, `failed` → failed. A refusal shows the command as typed, fixed. */
export function parseVerdict(word: string | null | undefined, typed?: { id: string; criterion: string }): "passed" | "failed" {
  const w = word?.toLowerCase();
  if (w === "pass" || w === "passed" || w === "ok") return "passed";
  if (w === "fail" || w === "failed") return "failed";
  const usage = typed ? `\`/release check ${typed.id} ${typed.criterion} pass|fail [note or link]\`` : CHECK_USAGE;
  throw new UserError("check_usage", `${word ? `\`${word}\` is not pass or fail. ` : "Say pass or fail. "}Usage: ${usage}.`);
}

/** Finds a release's criterion by name, or says which ones it has. */
export function findCriterion(criteria: readonly Criterion[], name: string, releaseId: string): Criterion {
  const found = criteria.find((c) => c.name === name.toLowerCase());
  if (found) return found;
  throw new UserError("unknown_criterion", criteria.length ? `${releaseId} has no criterion \`${name}\`. Its criteria are: ${criteria.map((c) => c.name).join(", ")}.` : `${releaseId} has no readiness criteria. Admins name a channel's criteria with \`/release criteria set …\`; new releases copy them.`);
}

/**
 * May this person tick the criterion by hand? A named role's holders and admins; without a
 * role, the release's manager, release-managers and admins. Whether CI owns it is a separate
 * rule (`handTickRefusal`), so the two refusals stay distinct.
 */
export function canTick(actor: { id: UserId; roles: readonly string[] }, criterion: CriterionSpec, release: Release): Permission {
  const has = (role: string) => actor.roles.includes(role);
  if (has("admin")) return { allowed: true };
  if (criterion.role ? has(criterion.role) : release.managerId === actor.id || has("release-manager")) return { allowed: true };
  return {
    allowed: false,
    reason: `Only ${tickersOf(criterion, release)} may tick ${criterion.name} on ${release.id}.${criterion.role ? ` Ask an admin to grant you ${criterion.role}: \`/release role grant <you> ${criterion.role}\`.` : ""}`,
  };
}

/** Why a hand tick of a CI-owned criterion is refused without an admin's override, or null when it may go ahead. */
export function handTickRefusal(criterion: Criterion, release: Release, roles: readonly string[], override: string | null): string | null {
  if (!criterion.ciOwned) return null;
  const isAdmin = roles.includes("admin");
  if (override !== null && isAdmin) return null;
  const how = `An admin may override it with a reason: \`/release check ${release.id} ${criterion.name} pass|fail override <reason>\`.`;
  return override !== null ? `Only an admin may override what CI reported for ${criterion.name} on ${release.id}.` : `CI reports ${criterion.name} on ${release.id}, so it is not ticked by hand. ${how}`;
}

/** A note typed with a tick, split into its text and the first http(s) link in it (the evidence link). */
export function splitEvidence(note: string | null): { note: string | null; url: string | null } {
  if (!note) return { note: null, url: null };
  const words = note.split(/\s+/);
  const i = words.findIndex((w) => isHttpUrl(w));
  if (i < 0) return { note, url: null };
  const url = words[i]!;
  const rest = [...words.slice(0, i), ...words.slice(i + 1)].join(" ").trim();
  return { note: rest || null, url };
}

/** An absolute http(s) URL with a host: the only links a card shows as links. */
export function isHttpUrl(text: string): boolean {
  if (!/^https?:\/\//i.test(text) || text.length > INPUT_LIMITS.evidenceUrl.max) return false;
  try {
    const u = new URL(text);
    return (u.protocol === "http:" || u.protocol === "https:") && u.hostname.length > 0;
  } catch {
    return false;
  }
}

/** The evidence in words: `— note https://…`, or "" when there is none. */
export function evidenceText(c: Pick<Criterion, "note" | "url">): string {
  const parts = [c.note, c.url].filter(Boolean);
  return parts.length ? ` — ${parts.join(" ")}` : "";
}
