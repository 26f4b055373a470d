import { existsSync } from "node:fs";
import { chromium, type Browser } from "playwright-core";

/** Debian's chromium, which .ci/run installs where it is missing. */
export const CHROMIUM = "/usr/bin/chromium";

/**
 * Whether the browser tests run: where Chromium is installed, and always under `.ci/run`
 * (which installs it and sets GONOGO_BROWSER_TESTS=required, so a missing browser fails
 * there instead of skipping). A newcomer without it gets a green `npm test` and one line.
 */
export const RUN_BROWSER_TESTS = existsSync(CHROMIUM) || process.env.GONOGO_BROWSER_TESTS === "required";
export const SKIP_WITHOUT_BROWSER = "(skipped: no Chromium at /usr/bin/chromium; `apt-get install chromium` to run them)";

/**
 * Headless Chromium as these tests and the screenshot script drive it. `launch` gives each
 * browser a fresh, temporary user-data-dir; the flags keep it off the network and quiet.
 */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}
