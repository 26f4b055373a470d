import { chromium, type Browser } from "playwright-core";

/** Debian's chromium, which .ci/run installs where it is missing. */
export const CHROMIUM = "/usr/bin/chromium";

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
