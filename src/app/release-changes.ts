/**
 * The publish port for "this release changed": the effect runner tells it after each commit,
 * and whoever shows releases live (the web view's server-sent events) listens. In-process
 * only: with several instances each instance hears the changes it committed itself.
 */
export interface ReleaseChanges {
  publish(releaseId: string): void;
  subscribe(listener: (releaseId: string) => void): () => void;
}

export function createReleaseChanges(onListenerError: (err: unknown) => void): ReleaseChanges {
  const listeners = new Set<(releaseId: string) => void>();
  return {
    publish(releaseId) {
      for (const listener of listeners) {
        // A listener that throws (a closed page) must not stop the others or the effects.
        try {
          listener(releaseId);
        } catch (err) {
          onListenerError(err);
        }
      }
    },
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
  };
}
