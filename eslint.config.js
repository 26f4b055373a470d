import js from "@eslint/js";
import tseslint from "typescript-eslint";

const platformAndDb = ["@slack/*", "discord.js", "@discordjs/*", "drizzle-orm", "drizzle-orm/*", "better-sqlite3"];
// The bundle keeps packages external, so `from "date-fns"` loads all ~250 functions at run time: 1.9 MB more heap to mark in every major GC.
// The core reads time from the injected Clock and waits on the injected Timer (src/app/ports.ts), so tests move a fake clock instead of sleeping.
const readsTheRealClock = [
  { selector: "CallExpression[callee.object.name='Date'][callee.property.name='now']", message: "read the injected Clock (ctx.clock.now() / deps.clock.now()) instead of Date.now()." },
  { selector: "NewExpression[callee.name='Date'][arguments.length=0]", message: "`new Date()` reads the real clock: pass the time in (new Date(clock.now()))." },
];
const realTimers = ["setTimeout", "setInterval"].map((name) => ({ name, message: `wait on the injected Timer (timer.after / timer.every / sleep(timer, ms)) instead of ${name}.` }));
// Identities are typed (src/domain/identity.ts): outside that module nothing reads their string form.
const identityMessage = "identities are typed: use src/domain/identity.ts (parseSubject, subject.kind, person.scope, parseChannelKey) instead of reading the string form.";
const sniffsIdentities = [
  { selector: "Literal[raw=/-group:|-role:/]", message: identityMessage },
  { selector: "TemplateElement[value.raw=/-group:|-role:/]", message: identityMessage },
  { selector: "CallExpression[callee.property.name=/^(indexOf|lastIndexOf|split|startsWith|endsWith|includes)$/][arguments.0.value=':']", message: identityMessage },
];
const wholeDateFns = { name: "date-fns", message: 'import each function from its own path, e.g. `import { format } from "date-fns/format"`.' };

export default tseslint.config(
  { ignores: ["node_modules/", "data/", "dist/", "db/migrations/", "coverage/"] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: { allowDefaultProject: ["eslint.config.js", "bench/bare/*.mjs", "scripts/*.mjs"] }, tsconfigRootDir: import.meta.dirname } },
    rules: {
      "@typescript-eslint/no-floating-promises": "error",
      "@typescript-eslint/no-misused-promises": ["error", { checksVoidReturn: { arguments: false } }],
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": ["error", { paths: [wholeDateFns] }],
    },
  },
  {
    // The core stays platform- and storage-neutral: adapters and db/ depend on it, never the reverse.
    files: ["src/domain/**/*.ts", "src/app/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [wholeDateFns],
          patterns: [
            { group: platformAndDb, message: "src/domain and src/app stay platform- and storage-neutral; do this in an adapter or db/." },
            { group: ["**/adapters/**", "**/db/**"], message: "the core may not import adapters or db; depend on the ports in src/app instead." },
          ],
        },
      ],
    },
  },
  {
    // Adapters translate; they see the core only through its public surface (the door and the
    // event, view and port types), never use-case internals, and never another adapter.
    files: ["adapters/**/*.ts"],
    rules: {
      "no-restricted-imports": [
        "error",
        {
          paths: [wholeDateFns],
          patterns: [
            {
              regex: "src/app/(?!(bot-api|events|views|ports)\\.js$)",
              message: "adapters use the core's public surface only: src/app/bot-api, events, views and ports.",
            },
            { regex: "^\\.\\./(slack|discord|terminal)/", message: "an adapter does not import another adapter; shared code belongs in the core's ports or views." },
          ],
        },
      ],
    },
  },
  {
    // One clock, one timer: only ports.ts touches the real ones (systemClock, systemTimer).
    files: ["src/domain/**/*.ts", "src/app/**/*.ts"],
    ignores: ["src/app/ports.ts"],
    rules: {
      "no-restricted-syntax": [
        "error",
        ...readsTheRealClock,
        { selector: "MemberExpression[object.name='globalThis'][property.name=/^set(Timeout|Interval)$/]", message: "wait on the injected Timer instead." },
        ...sniffsIdentities,
      ],
      "no-restricted-globals": ["error", ...realTimers],
    },
  },
  {
    // The one module that reads and writes the string form of identities.
    files: ["src/domain/identity.ts"],
    rules: { "no-restricted-syntax": ["error", ...readsTheRealClock] },
  },
  {
    files: ["adapters/**/*.ts"],
    rules: { "no-restricted-syntax": ["error", ...sniffsIdentities] },
  },
  {
    files: ["test/**/*.ts", "bench/**/*.ts", "fakes/**/*.ts"],
    rules: {
      "@typescript-eslint/no-unsafe-assignment": "off",
      "@typescript-eslint/no-unsafe-member-access": "off",
      "@typescript-eslint/no-unsafe-call": "off",
      "@typescript-eslint/no-unsafe-argument": "off",
      "@typescript-eslint/no-non-null-assertion": "off",
    },
  },
  {
    // The benchmarks share the fakes in fakes/ with the tests, never the tests' own helpers.
    files: ["bench/**/*.ts", "bench/**/*.mjs"],
    rules: {
      "no-restricted-imports": ["error", { paths: [wholeDateFns], patterns: [{ group: ["**/test/**"], message: "bench/ imports no test helpers; move what both need to fakes/." }] }],
    },
  },
  { files: ["eslint.config.js"], ...tseslint.configs.disableTypeChecked },
);
