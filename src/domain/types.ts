import type { Person, SubjectId } from "./identity.js";
import type { ReleaseState } from "./release.js";

/**
 * A platform-qualified identity as stored: `slack:T123:U456`, `discord:G1:U2`, `terminal:alice`.
 * Read its parts with `parseSubject` (domain/identity.ts), never by slicing.
 */
export type UserId = string;

/** Who acted: the person, their stored id, a display name and the platform groups they belong to. Made by `actorOf`. */
export interface Actor {
  /** `subjectId(person)`. */
  id: SubjectId;
  person: Person;
  name: string;
  /** Platform groups as stored subjects, e.g. `slack-group:T1:S9`, `discord-role:G1:R7`. */
  groups: SubjectId[];
  /**
   * The person's other accounts (`/release link`: Slack and Discord, or two workspaces), filled
   * in by the core when a chat event comes in. They share one vote; roles stay with each account.
   */
  linked?: readonly UserId[];
}

/** A channel, qualified by platform so channels on different platforms never collide. */
export interface ChannelRef {
  platform: string;
  /** Platform-qualified key, e.g. `slack:T1:C1`; policies are stored under it. */
  key: string;
  /** The platform's own channel id (what its API needs). */
  nativeId: string;
}

export type VoteChoice = "go" | "no_go" | "abstain";

export interface Vote {
  voter: UserId;
  voterName: string;
  choice: VoteChoice;
  reason: string | null;
  /** The voter's roles when they voted: sign-offs count the role they held then. */
  roles: string[];
  at: number;
}

export interface Release {
  /** Human id, `R-1`. */
  id: string;
  seq: number;
  service: string;
  version: string;
  environment: string;
  description: string | null;
  managerId: UserId;
  managerName: string;
  channel: ChannelRef;
  /** UTC ms, or null when not scheduled. */
  scheduledAt: number | null;
  timezone: string;
  state: ReleaseState;
  /** Why it is held / cancelled / rolled back (latest). */
  stateReason: string | null;
  createdAt: number;
  createdBy: UserId;
  decidedGoAt: number | null;
  shippedAt: number | null;
  rollbackRequestedAt: number | null;
  recoveredAt: number | null;
  retroOpenedAt: number | null;
  closedAt: number | null;
  /** Shown on the card after a content change voided votes. */
  votesVoidedNote: string | null;
  /** Latest webhook outcome shown on the card ("rollback webhook: delivered (200)"). */
  webhookNote: string | null;
}
