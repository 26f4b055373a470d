// `npm run build`: bundles gonogo and its operator scripts into dist/ with esbuild.
// `--if-stale` (what `npm start` and the db/discord scripts run first) builds only when dist/
// is missing or older than a file it was built from, so starting gonogo never rebuilds a
// dist/ another gonogo in the same checkout is running from.
//
// Plain JavaScript on purpose: it runs with `node` before anything is built, and in a
// production install without the dev dependencies as long as dist/ is current.
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import process from "node:process";
import { parseArgs } from "node:util";

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..");
const DIST = join(ROOT, "dist");
/** What dist/ was built from and into; read by the next `--if-stale`. */
const STAMP = join(DIST, "build.json");
/** dist/<name>.js ← source. Flat, so db/client.ts finds db/migrations beside dist/. */
const ENTRIES = {
  main: "src/main.ts",
  "db-backup": "db/backup.ts",
  "audit-verify": "db/audit-verify.ts",
  "db-copy": "db/copy.ts",
  "discord-register": "adapters/discord/register.ts",
};
/** Files that change the output without being bundled inputs. */
const BUILD_FILES = ["scripts/build.mjs", "package.json", "package-lock.json"];

const HELP = `Usage: npm run build [-- --if-stale]

Bundles ${Object.values(ENTRIES).join(", ")} into dist/.
Running processes keep working: files are written beside dist/ and moved in.

Options:
  --if-stale  build only if dist/ is missing or older than its sources
  -h, --help  show this help
`;

/** @typedef {{ startedAt: number, inputs: string[], outputs: string[] }} Stamp */

/** @returns {Stamp | null} */
function readStamp() {
  try {
    // eslint-disable-next-line @typescript-eslint/no-unsafe-return -- written by build() below; a damaged one fails isCurrent and is rebuilt
    return JSON.parse(readFileSync(STAMP, "utf8"));
  } catch {
    return null;
  }
}

/** Whether dist/ holds every output of a build whose inputs have not changed since it started. */
function isCurrent() {
  const stamp = readStamp();
  if (!stamp || !Array.isArray(stamp.inputs) || !Array.isArray(stamp.outputs) || typeof stamp.startedAt !== "number") return false;
  if (!Object.keys(ENTRIES).every((name) => stamp.outputs.includes(`${name}.js`))) return false;
  if (!stamp.outputs.every((file) => existsSync(join(DIST, file)))) return false;
  return [...stamp.inputs, ...BUILD_FILES].every((file) => {
    const path = join(ROOT, file);
    return existsSync(path) && statSync(path).mtimeMs <= stamp.startedAt;
  });
}

async function loadEsbuild() {
  try {
    return await import("esbuild");
  } catch {
    throw new Error("dist/ must be built and esbuild (a dev dependency) is not installed. Run `npm install`, then `npm run build`.");
  }
}

async function build() {
  const startedAt = Date.now();
  const esbuild = await loadEsbuild();
  mkdirSync(DIST, { recursive: true });
  const staging = mkdtempSync(join(DIST, ".staging-"));
  try {
    const result = await esbuild.build({
      absWorkingDir: ROOT,
      entryPoints: ENTRIES,
      bundle: true,
      platform: "node",
      target: "node20",
      format: "esm",
      packages: "external",
      splitting: true,
      outdir: staging,
      sourcemap: true,
      metafile: true,
      logLevel: "warning",
    });
    const outputs = Object.keys(result.metafile.outputs).map((file) => relative(staging, join(ROOT, file)));
    // Shared chunks first, entry files last: a process starting meanwhile loads either the old
    // entry with its old chunks or the new entry with chunks already in place. Each rename is atomic.
    const isEntry = (/** @type {string} */ file) => Object.keys(ENTRIES).some((name) => file.startsWith(`${name}.js`));
    for (const file of [...outputs.filter((f) => !isEntry(f)), ...outputs.filter(isEntry)]) renameSync(join(staging, file), join(DIST, file));
    // Older builds' chunks (content-hashed names) go; a running gonogo loaded its own at start-up.
    // Another build's staging folder stays.
    for (const file of readdirSync(DIST)) if (!outputs.includes(file) && !file.startsWith(".staging-") && file !== "build.json") rmSync(join(DIST, file), { recursive: true, force: true });
    const inputs = Object.keys(result.metafile.inputs).filter((file) => !file.startsWith("node_modules/"));
    writeFileSync(`${STAMP}.tmp-${process.pid}`, `${JSON.stringify({ startedAt, inputs, outputs }, null, 2)}\n`);
    renameSync(`${STAMP}.tmp-${process.pid}`, STAMP);
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
}

try {
  const { values } = parseArgs({ options: { "if-stale": { type: "boolean" }, help: { type: "boolean", short: "h" } } });
  if (values.help) process.stdout.write(HELP);
  else if (!values["if-stale"] || !isCurrent()) await build();
} catch (err) {
  const message = err instanceof Error ? err.message : String(err);
  const usage = err instanceof TypeError && "code" in err && String(err.code).startsWith("ERR_PARSE_ARGS");
  process.stderr.write(`build: ${message.split("\n")[0]}${usage ? ". Run `npm run build -- --help` for usage." : ""}\n`);
  process.exitCode = usage ? 2 : 1;
}
