import { it } from "vitest";
import { startHarness, visibleText } from "./harness.js";

it("explores", async () => {
  const h = await startHarness();
  try {
    await h.slash("UMGR", "create payments 1.4.2 at in 2h env production");
    const card = await h.fake.waitFor("chat.postMessage");
    await h.press("UQA", card, "Go");
    await h.press("UDEV", card, "Abstain");
    await new Promise((r) => setTimeout(r, 2500));
    for (const c of h.fake.calls) console.log(c.method, visibleText(c).slice(0, 2000));
    console.log(h.logs, h.core.logs);
  } finally {
    await h.close();
  }
});
