/** An account (a stored subject id: `slack:T1:U2`, `discord:G1:U7`) with the display name it had when it was linked. */
export interface Account {
  account: string;
  name: string;
}

/**
 * Accounts of one person (`/release link`): a Slack account and a Discord account, or accounts
 * in two Slack workspaces, that count as one voter.
 */
export interface IdentityStore {
  /** The other accounts linked to `account`, oldest link first; empty when it is linked to none. */
  linkedAccounts(account: string): Promise<Account[]>;
  /** Makes the two accounts one person, together with every account either was already linked to. */
  linkAccounts(one: Account, other: Account, at: number): Promise<void>;
  /** Takes `account` out of its person and answers the accounts it was linked to (a person left with one account is no person any more). */
  unlinkAccount(account: string): Promise<Account[]>;
  /** Keeps a link code's hash for an account until `expiresAt`; the account's earlier code stops working. */
  saveLinkCode(codeHash: string, owner: Account, expiresAt: number): Promise<void>;
  /** Uses a code up: the account it was given to, or undefined when there is none or it expired before `now`. */
  takeLinkCode(codeHash: string, now: number): Promise<Account | undefined>;
}
