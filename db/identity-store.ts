import type Database from "better-sqlite3";
import type { Account, IdentityStore } from "../src/app/identity-store.js";
import type { SyncStore } from "./serialised-store.js";

type IdentityStatements = Pick<SyncStore, keyof IdentityStore>;

/** Linked accounts and link codes on SQLite (src/app/identity-store.ts says what each does). */
export function createIdentityStore(sqlite: Database.Database): IdentityStatements {
  // Every chat event asks who else its actor is: one prepared statement on a small table.
  const linkedStmt = sqlite.prepare<[string, string], Account>(
    "SELECT other.account, other.name FROM identity_links AS own JOIN identity_links AS other ON other.person = own.person WHERE own.account = ? AND other.account <> ? ORDER BY other.linked_at, other.account",
  );
  const personStmt = sqlite.prepare<[string], { person: string }>("SELECT person FROM identity_links WHERE account = ?");
  const membersStmt = sqlite.prepare<[string], Account>("SELECT account, name FROM identity_links WHERE person = ? ORDER BY linked_at, account");
  const insertStmt = sqlite.prepare<[string, string, string, number]>("INSERT INTO identity_links (account, person, name, linked_at) VALUES (?, ?, ?, ?)");
  const movePersonStmt = sqlite.prepare<[string, string]>("UPDATE identity_links SET person = ? WHERE person = ?");
  const deleteStmt = sqlite.prepare<[string]>("DELETE FROM identity_links WHERE account = ?");
  const saveCodeStmt = sqlite.prepare<[string, string, string, number]>(
    "INSERT INTO link_codes (code_hash, account, name, expires_at) VALUES (?, ?, ?, ?) ON CONFLICT (account) DO UPDATE SET code_hash = excluded.code_hash, name = excluded.name, expires_at = excluded.expires_at",
  );
  const dropExpiredStmt = sqlite.prepare<[number]>("DELETE FROM link_codes WHERE expires_at <= ?");
  const takeCodeStmt = sqlite.prepare<[string], Account & { expiresAt: number }>("DELETE FROM link_codes WHERE code_hash = ? RETURNING account, name, expires_at AS expiresAt");

  return {
    linkedAccounts(account) {
      return linkedStmt.all(account, account);
    },
    linkAccounts(one, other, at) {
      const own = personStmt.get(one.account)?.person;
      const theirs = personStmt.get(other.account)?.person;
      const person = own ?? theirs ?? one.account;
      if (own === undefined) insertStmt.run(one.account, person, one.name, at);
      if (theirs === undefined) insertStmt.run(other.account, person, other.name, at);
      else if (theirs !== person) movePersonStmt.run(person, theirs);
    },
    unlinkAccount(account) {
      const person = personStmt.get(account)?.person;
      if (person === undefined) return [];
      deleteStmt.run(account);
      const others = membersStmt.all(person);
      // One account alone is no person; a person named by the account that left is renamed.
      if (others.length === 1) deleteStmt.run(others[0]!.account);
      else if (person === account) movePersonStmt.run(others[0]!.account, person);
      return others;
    },
    saveLinkCode(codeHash, owner, expiresAt) {
      saveCodeStmt.run(codeHash, owner.account, owner.name, expiresAt);
    },
    takeLinkCode(codeHash, now) {
      const row = takeCodeStmt.get(codeHash);
      dropExpiredStmt.run(now);
      return row && row.expiresAt > now ? { account: row.account, name: row.name } : undefined;
    },
  };
}
