import { it } from "vitest";
import { startHarness, visibleText } from "./harness.js";

it("explores", async () => {
  const h = await startHarness();
  try {
    const r = await h.slash("UMGR", "create payments 1.4.2 at in 2h env production");
    console.log(r.status, JSON.stringify(r.body).slice(0, 600));
    const card = await h.fake.waitFor("chat.postMessage");
    console.log(visibleText(card));
    const r2 = await h.press("UQA", card, "Go");
    console.log(r2.status, r2.text);
    const eph = await h.fake.waitFor("chat.postEphemeral");
    console.log(visibleText(eph));
    const upd = await h.fake.waitFor("chat.update", undefined, 3000);
    console.log(visibleText(upd));
    console.log(h.logs);
  } finally {
    await h.close();
  }
});
