import { build, type Plugin } from "esbuild";
import { readFileSync, rmSync } from "node:fs";
import { join } from "node:path";
import { MAIN_BUNDLE, ROOT } from "./processes.js";

/**
 * gonogo built without one of its speed tricks, to measure what the trick earns in the same
 * run. The switch lives here, in the bench's own build of the program, not in the product:
 * a module is swapped (or one line of it rewritten) while bundling.
 */
interface Variant {
  what: string;
  /** Module path (from the repository root) → its source in this variant. */
  replace: Record<string, (source: string) => string>;
}

/** Replaces `from` in `source`, and fails loudly when the code no longer has it (the variant would measure nothing). */
function rewrite(source: string, from: string, to: string): string {
  if (!source.includes(from)) throw new Error(`bench variant: the source no longer contains ${JSON.stringify(from)}; update bench/variants.ts`);
  return source.replace(from, to);
}

export const VARIANTS = {
  "no-idle-gc": {
    what: "no full GC in the lull",
    replace: { "src/idle-gc.ts": () => "export function createIdleCollector() { return () => {}; }\n" },
  },
  "no-checkpoint-worker": {
    what: "SQLite's own automatic WAL checkpoint (every 1,000 pages, in the committing call) instead of the worker",
    replace: {
      "db/client.ts": (s) => rewrite(s, `sqlite.pragma("wal_autocheckpoint = 0");`, `sqlite.pragma("wal_autocheckpoint = 1000");`),
      // The timer still finds the lulls (the idle GC stays as it is); the checkpoint does nothing.
      "db/checkpointer.ts": (s) =>
        `${rewrite(s, "export function createCheckpointer(", "export function createWorkerCheckpointer(")}
export function createCheckpointer(_path: string, _onThisThread: () => void): Checkpointer {
  let completed = 0;
  let settledUntilMs = 0;
  return {
    run() { settledUntilMs = Date.now(); completed++; },
    get completed() { return completed; },
    get settledUntilMs() { return settledUntilMs; },
    stop() {},
  };
}
`,
    },
  },
} satisfies Record<string, Variant>;

export type VariantName = keyof typeof VARIANTS;

function swap(variant: Variant): Plugin {
  return {
    name: "bench-variant",
    setup(b) {
      b.onLoad({ filter: /\.ts$/ }, (args) => {
        const rel = args.path.slice(ROOT.length + 1).replaceAll("\\", "/");
        const replace = variant.replace[rel];
        return replace ? { contents: replace(readFileSync(args.path, "utf8")), loader: "ts" } : undefined;
      });
    },
  };
}

/**
 * Bundles src/main.ts as `npm run build` does, with the variant's swaps, into
 * `dist-bench-<name>/` beside `dist/` (so the bundle finds db/migrations and node_modules
 * the same way). Returns the bundle's path for `startProgram`, and a cleanup.
 */
export async function buildVariant(name: VariantName | "as-is"): Promise<{ main: string; remove: () => void }> {
  if (name === "as-is") return { main: MAIN_BUNDLE, remove: () => undefined };
  const outdir = join(ROOT, `dist-bench-${name}`);
  rmSync(outdir, { recursive: true, force: true });
  await build({
    entryPoints: [join(ROOT, "src/main.ts")],
    bundle: true,
    platform: "node",
    target: "node20",
    format: "esm",
    packages: "external",
    splitting: true,
    outdir,
    sourcemap: true,
    logLevel: "warning",
    plugins: [swap(VARIANTS[name])],
  });
  return { main: join(outdir, "main.js"), remove: () => rmSync(outdir, { recursive: true, force: true }) };
}
