/**
 * Conditions a test waits for on events its fakes report (a chat call began, a notice was
 * posted), never on a timer: each `changed()` checks the waiting conditions again. A
 * condition that never comes true is caught by the test's own timeout.
 */
export function createConditions() {
  const waiting = new Set<() => void>();
  return {
    /** Call whenever something a condition may read has changed. */
    changed: (): void => {
      for (const check of [...waiting]) check();
    },
    /** Resolves once `check()` holds, at once if it already does. */
    until: (check: () => boolean): Promise<void> => {
      if (check()) return Promise.resolve();
      return new Promise<void>((resolve) => {
        const recheck = () => {
          if (!check()) return;
          waiting.delete(recheck);
          resolve();
        };
        waiting.add(recheck);
      });
    },
  };
}
