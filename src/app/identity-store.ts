/**
 * Accounts of one person (`/release link`): a Slack account and a Discord account, or accounts
 * in two Slack workspaces, that count as one voter. Accounts are stored subject ids
 * (`slack:T1:U2`, `discord:G1:U7`).
 */
export interface IdentityStore {
  /** The other accounts linked to `account`, in no particular order; empty when it is linked to none. */
  linkedAccounts(account: string): Promise<string[]>;
  /** Makes `account` and `other` one person, together with every account either was already linked to. */
  linkAccounts(account: string, other: string, at: number): Promise<void>;
  /** Takes `account` out of its person and answers the accounts it was linked to (a person left with one account is no person any more). */
  unlinkAccount(account: string): Promise<string[]>;
  /** Keeps a link code's hash for `account` until `expiresAt`; an account's earlier code stops working. */
  saveLinkCode(codeHash: string, account: string, expiresAt: number): Promise<void>;
  /** Uses a code up: the account it was given to, or undefined when there is none or it expired before `now`. */
  takeLinkCode(codeHash: string, now: number): Promise<string | undefined>;
}
