import type Database from "better-sqlite3";
import type { IdentityStore } from "../src/app/identity-store.js";
import type { SyncStore } from "./serialised-store.js";

type IdentityStatements = Pick<SyncStore, keyof IdentityStore>;

/** Linked accounts and link codes on SQLite (identity-store.ts of the core says what each does). */
export function createIdentityStore(sqlite: Database.Database): IdentityStatements {
  // Every chat event asks who else its actor is: one prepared statement on a small table.
  const linkedStmt = sqlite.prepare<[string, string], { account: string }>(
    "SELECT other.account FROM identity_links AS own JOIN identity_links AS other ON other.person = own.person WHERE own.account = ? AND other.account <> ?",
  );
  const personStmt = sqlite.prepare<[string], { person: string }>("SELECT person FROM identity_links WHERE account = ?");
  const membersStmt = sqlite.prepare<[string], { account: string }>("SELECT account FROM identity_links WHERE person = ? ORDER BY linked_at, account");
  const insertStmt = sqlite.prepare<[string, string, number]>("INSERT INTO identity_links (account, person, linked_at) VALUES (?, ?, ?)");
  const movePersonStmt = sqlite.prepare<[string, string]>("UPDATE identity_links SET person = ? WHERE person = ?");
  const deleteStmt = sqlite.prepare<[string]>("DELETE FROM identity_links WHERE account = ?");
  const saveCodeStmt = sqlite.prepare<[string, string, number]>(
    "INSERT INTO link_codes (code_hash, account, expires_at) VALUES (?, ?, ?) ON CONFLICT (account) DO UPDATE SET code_hash = excluded.code_hash, expires_at = excluded.expires_at",
  );
  const dropExpiredStmt = sqlite.prepare<[number]>("DELETE FROM link_codes WHERE expires_at <= ?");
  const takeCodeStmt = sqlite.prepare<[string], { account: string; expiresAt: number }>("DELETE FROM link_codes WHERE code_hash = ? RETURNING account, expires_at AS expiresAt");

  return {
    linkedAccounts(account) {
      return linkedStmt.all(account, account).map((r) => r.account);
    },
    linkAccounts(account, other, at) {
      const own = personStmt.get(account)?.person;
      const theirs = personStmt.get(other)?.person;
      const person = own ?? theirs ?? account;
      if (own === undefined) insertStmt.run(account, person, at);
      if (theirs === undefined) insertStmt.run(other, person, at);
      else if (theirs !== person) movePersonStmt.run(person, theirs);
    },
    unlinkAccount(account) {
      const person = personStmt.get(account)?.person;
      if (person === undefined) return [];
      deleteStmt.run(account);
      const others = membersStmt.all(person).map((r) => r.account);
      // One account alone is no person; a person named by the account that left is renamed.
      if (others.length === 1) deleteStmt.run(others[0]!);
      else if (person === account) movePersonStmt.run(others[0]!, person);
      return others;
    },
    saveLinkCode(codeHash, account, expiresAt) {
      saveCodeStmt.run(codeHash, account, expiresAt);
    },
    takeLinkCode(codeHash, now) {
      const row = takeCodeStmt.get(codeHash);
      dropExpiredStmt.run(now);
      return row && row.expiresAt > now ? row.account : undefined;
    },
  };
}
