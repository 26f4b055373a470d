import type { Release, UserId } from "./types.js";

export type Action =
  | "create"
  | "vote"
  | "schedule"
  | "update"
  | "ship"
  | "shipped"
  | "hold"
  | "cancel"
  | "rollback"
  | "recovered"
  | "retro"
  | "policy"
  | "roles"
  | "audit_export"
  | "audit_verify"
  | "freeze"
  | "lock"
  | "override"

  /** Ticking a readiness criterion: who may is decided per criterion (canTick, criteria.ts). */
  | "check";

/** Built-in roles; any other role name is a sign-off role (qa, security, …). */
export const BUILTIN_ROLES = ["admin", "release-manager", "oncall"] as const;

export interface Permission {
  allowed: boolean;
  reason?: string;
}

export interface ActorRoles {
  id: UserId;
  roles: string[];
}

/** `may …`: the action in words, on release `id` when there is one. */
export function doing(action: Action, id?: string): string {
  const verb = VERBS[action];
  if (verb.includes("{id}")) return id ? verb.replace("{id}", id) : verb.replace("{id} ", "");
  return id ? `${verb} ${id}` : verb;
}

/** How each action reads in a sentence: "may <verb> R-1", or where `{id}` says, "may mark R-1 as shipped". */
const VERBS: Record<Action, string> = {
  create: "create releases",
  vote: "vote on",
  schedule: "schedule",
  update: "change",
  ship: "ship",
  shipped: "mark {id} as shipped",
  hold: "hold",
  cancel: "cancel",
  rollback: "roll back",
  recovered: "mark {id} as recovered",
  retro: "add retro notes to",
  policy: "change the channel policy",
  roles: "change role bindings",
  audit_export: "export the audit trail",
  audit_verify: "verify the audit trail",
  freeze: "add or remove freeze windows",
  lock: "lock or unlock deploys",
  override: "ship inside a freeze",
  check: "tick readiness criteria on",
};

const OPEN_TO_ALL: Action[] = ["create", "vote", "retro"];
const MANAGER_ACTIONS: Action[] = ["schedule", "update", "ship", "shipped", "hold", "cancel"];
const ROLLBACK_ACTIONS: Action[] = ["rollback", "recovered"];
/** Freezes, locks and freeze overrides: release-managers and admins. */
const GUARD_ACTIONS: Action[] = ["freeze", "lock", "override"];

/**
 * Who may do what. Anyone may create and vote; the release's manager, a
 * `release-manager` or an admin drives it; rollback is also open to on-call.
 */
export function can(actor: ActorRoles, action: Action, release?: Release): Permission {
  const has = (role: string) => actor.roles.includes(role);
  if (has("admin") || OPEN_TO_ALL.includes(action)) return { allowed: true };
  // Anyone may ask; each criterion names who may tick it, and canTick (criteria.ts) decides.
  if (action === "check") return { allowed: true };
  const isManager = release !== undefined && release.managerId === actor.id;

  if (MANAGER_ACTIONS.includes(action)) {
    if (isManager || has("release-manager")) return { allowed: true };
    return {
      allowed: false,
      reason: `Only ${release ? `${release.managerName} (the release manager of ${release.id})` : "the release manager"}, a release-manager or an admin may ${doing(action, release?.id)}.`,
    };
  }
  if (ROLLBACK_ACTIONS.includes(action)) {
    if (isManager || has("release-manager") || has("oncall")) return { allowed: true };
    return {
      allowed: false,
      reason: `Only on-call, the release manager${release ? ` (${release.managerName})` : ""}, a release-manager or an admin may ${doing(action, release?.id ?? "a release")}. Ask an admin to grant you oncall: \`/release role grant <you> oncall\`.`,
    };
  }
  if (GUARD_ACTIONS.includes(action)) {
    // (A lock set by a rollback may also be lifted by that release's manager: the unlock use case checks that first.)
    if (has("release-manager")) return { allowed: true };
    return { allowed: false, reason: `Only release-managers and admins may ${doing(action)}. Ask an admin: \`/release role grant <you> release-manager\`.` };
  }
  if (action === "audit_export" && has("release-manager")) return { allowed: true };
  return {
    allowed: false,
    reason: `Only ${action === "audit_export" ? "admins and release-managers" : "admins"} may ${doing(action)}. Ask an admin, or have the operator add your id (${actor.id}) to GONOGO_ADMINS.`,
  };
}
