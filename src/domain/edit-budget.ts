/**
 * A platform's budget for message edits within one workspace or server: `burst` edits may go
 * at once, then `perMinute` a minute on average. Slack limits `chat.update` this way (Tier 3,
 * about 50 a minute per workspace); past it Slack answers 429 and its client pauses every call
 * behind the refused one, notices too.
 */
export interface EditBudget {
  perMinute: number;
  burst: number;
}

/**
 * Hands out the times at which edits may go, first come first served, within `budget`: a
 * token bucket kept as one number, the time at which the bucket is next full again (GCRA).
 * Pure: the caller passes the time and waits until the time it gets back.
 */
export function createEditPacer(budget: EditBudget): { reserve(now: number): number } {
  const spacing = 60_000 / budget.perMinute;
  const burstAllowance = (Math.max(1, budget.burst) - 1) * spacing;
  /** When the last reservation's share of the budget is paid back. */
  let paidBackAt = Number.NEGATIVE_INFINITY;
  return {
    /** The earliest time the next edit may go (`now` or later); that slot is taken. */
    reserve(now: number): number {
      const at = Math.max(now, paidBackAt - burstAllowance);
      paidBackAt = Math.max(paidBackAt, now) + spacing;
      return at;
    },
  };
}
