import { and, eq, lte, ne } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import type { IdentityStore } from "../../src/app/identity-store.js";
import { identityLinks, linkCodes } from "./schema.js";
import type { Queryable, Statements } from "./store.js";
import type { TxState } from "./vote-cache.js";

type IdentityStatements = Pick<Statements, keyof IdentityStore>;

/** Up to this many linked accounts, a transaction reads them all at once and keeps them. */
const LINKS_KEPT = 1_000;

/**
 * Linked accounts and link codes on PostgreSQL. Every chat event asks who else its actor is:
 * in a transaction that reads the (small) table once per batch of presses, kept with the
 * other shared rows and dropped when any instance links or unlinks (the shared rows' version).
 */
export function createPgIdentityStatements(q: Queryable, tx?: TxState): IdentityStatements {
  const other = alias(identityLinks, "other");
  const personOf = async (account: string) => (await q.select({ person: identityLinks.person }).from(identityLinks).where(eq(identityLinks.account, account)))[0]?.person;
  const changed = () => {
    if (!tx) return;
    tx.shared.identityLinks = undefined;
    tx.touchedShared = true;
  };
  async function keptLinks(): Promise<Map<string, string> | undefined> {
    if (!tx) return undefined;
    if (tx.shared.identityLinks === undefined) {
      const rows = await q.select({ account: identityLinks.account, person: identityLinks.person }).from(identityLinks).limit(LINKS_KEPT + 1);
      if (rows.length > LINKS_KEPT) return undefined;
      tx.shared.identityLinks = new Map(rows.map((r) => [r.account, r.person]));
    }
    return tx.shared.identityLinks;
  }

  return {
    async linkedAccounts(account) {
      const kept = await keptLinks();
      if (kept) {
        const person = kept.get(account);
        return person === undefined ? [] : [...kept].filter(([a, p]) => p === person && a !== account).map(([a]) => a);
      }
      const rows = await q
        .select({ account: other.account })
        .from(identityLinks)
        .innerJoin(other, eq(other.person, identityLinks.person))
        .where(and(eq(identityLinks.account, account), ne(other.account, account)));
      return rows.map((r) => r.account);
    },
    async linkAccounts(account, linked, at) {
      changed();
      const own = await personOf(account);
      const theirs = await personOf(linked);
      const person = own ?? theirs ?? account;
      if (own === undefined) await q.insert(identityLinks).values({ account, person, linkedAt: at });
      if (theirs === undefined) await q.insert(identityLinks).values({ account: linked, person, linkedAt: at });
      else if (theirs !== person) await q.update(identityLinks).set({ person }).where(eq(identityLinks.person, theirs));
    },
    async unlinkAccount(account) {
      const person = await personOf(account);
      if (person === undefined) return [];
      changed();
      await q.delete(identityLinks).where(eq(identityLinks.account, account));
      const others = (await q.select({ account: identityLinks.account }).from(identityLinks).where(eq(identityLinks.person, person)).orderBy(identityLinks.linkedAt, identityLinks.account)).map((r) => r.account);
      // One account alone is no person; a person named by the account that left is renamed.
      if (others.length === 1) await q.delete(identityLinks).where(eq(identityLinks.account, others[0]!));
      else if (person === account) await q.update(identityLinks).set({ person: others[0]! }).where(eq(identityLinks.person, person));
      return others;
    },
    async saveLinkCode(codeHash, account, expiresAt) {
      await q.insert(linkCodes).values({ codeHash, account, expiresAt }).onConflictDoUpdate({ target: linkCodes.account, set: { codeHash, expiresAt } });
    },
    async takeLinkCode(codeHash, now) {
      const [row] = await q.delete(linkCodes).where(eq(linkCodes.codeHash, codeHash)).returning({ account: linkCodes.account, expiresAt: linkCodes.expiresAt });
      await q.delete(linkCodes).where(lte(linkCodes.expiresAt, now));
      return row && row.expiresAt > now ? row.account : undefined;
    },
  };
}
