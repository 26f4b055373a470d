import { and, asc, eq, lte, ne } from "drizzle-orm";
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
  const byAge = [asc(identityLinks.linkedAt), asc(identityLinks.account)] as const;
  const personOf = async (account: string) => (await q.select({ person: identityLinks.person }).from(identityLinks).where(eq(identityLinks.account, account)))[0]?.person;
  const changed = () => {
    if (!tx) return;
    tx.shared.identityLinks = undefined;
    tx.touchedShared = true;
  };
  async function keptLinks() {
    if (!tx) return undefined;
    // A table too large to keep is kept as its first rows, so it is known to be too large
    // until it changes: read once, not at every press (as the role bindings are).
    const rows = (tx.shared.identityLinks ??= await q.select({ account: identityLinks.account, person: identityLinks.person, name: identityLinks.name }).from(identityLinks).orderBy(...byAge).limit(LINKS_KEPT + 1));
    return rows.length > LINKS_KEPT ? undefined : rows;
  }

  return {
    async linkedAccounts(account) {
      const kept = await keptLinks();
      if (kept) {
        const person = kept.find((r) => r.account === account)?.person;
        return person === undefined ? [] : kept.filter((r) => r.person === person && r.account !== account).map(({ account, name }) => ({ account, name }));
      }
      return q
        .select({ account: other.account, name: other.name })
        .from(identityLinks)
        .innerJoin(other, eq(other.person, identityLinks.person))
        .where(and(eq(identityLinks.account, account), ne(other.account, account)))
        .orderBy(asc(other.linkedAt), asc(other.account));
    },
    async linkAccounts(one, linked, at) {
      changed();
      const own = await personOf(one.account);
      const theirs = await personOf(linked.account);
      const person = own ?? theirs ?? one.account;
      if (own === undefined) await q.insert(identityLinks).values({ account: one.account, person, name: one.name, linkedAt: at });
      if (theirs === undefined) await q.insert(identityLinks).values({ account: linked.account, person, name: linked.name, linkedAt: at });
      else if (theirs !== person) await q.update(identityLinks).set({ person }).where(eq(identityLinks.person, theirs));
    },
    async unlinkAccount(account) {
      const person = await personOf(account);
      if (person === undefined) return [];
      changed();
      await q.delete(identityLinks).where(eq(identityLinks.account, account));
      const others = await q.select({ account: identityLinks.account, name: identityLinks.name }).from(identityLinks).where(eq(identityLinks.person, person)).orderBy(...byAge);
      // One account alone is no person; a person named by the account that left is renamed.
      if (others.length === 1) await q.delete(identityLinks).where(eq(identityLinks.account, others[0]!.account));
      else if (person === account) await q.update(identityLinks).set({ person: others[0]!.account }).where(eq(identityLinks.person, person));
      return others;
    },
    async saveLinkCode(codeHash, owner, expiresAt) {
      await q
        .insert(linkCodes)
        .values({ codeHash, account: owner.account, name: owner.name, expiresAt })
        .onConflictDoUpdate({ target: linkCodes.account, set: { codeHash, name: owner.name, expiresAt } });
    },
    async takeLinkCode(codeHash, now) {
      const [row] = await q.delete(linkCodes).where(eq(linkCodes.codeHash, codeHash)).returning({ account: linkCodes.account, name: linkCodes.name, expiresAt: linkCodes.expiresAt });
      await q.delete(linkCodes).where(lte(linkCodes.expiresAt, now));
      return row && row.expiresAt > now ? { account: row.account, name: row.name } : undefined;
    },
  };
}
