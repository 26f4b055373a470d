import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { coreTextHtml } from "../../src/web/pages/parts.js";
import { ACME, startWebGonogo, type WebGonogo } from "../helpers/web-seed.js";

let dir: string | undefined;
let g: WebGonogo | undefined;
afterEach(async () => {
  await g?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
  g = dir = undefined;
});

describe("core text on a web page", () => {
  it("shows its code spans as code, and escapes what is inside and outside them", () => {
    expect(coreTextHtml("Roll back by hand, then `/release recovered R-3`.").markup).toBe("Roll back by hand, then <code>/release recovered R-3</code>.");
    expect(coreTextHtml("held by <b>x</b>: `a <i>` and `b`").markup).toBe("held by &#60;b&#62;x&#60;/b&#62;: <code>a &#60;i&#62;</code> and <code>b</code>");
    expect(coreTextHtml("a lone ` stays").markup).toBe("a lone ` stays");
  });

  it("the release page shows the commands in a card's notes as code, not between backticks", async () => {
    dir = mkdtempSync(join(tmpdir(), "gonogo-web-notes-"));
    g = await startWebGonogo(dir, {});
    await g.say(ACME, "alice", "create payments 1.4.2");
    await g.say(ACME, "bob", "vote R-1 go");
    await g.say(ACME, "carol", "vote R-1 go");
    await g.say(ACME, "alice", "ship R-1");
    await g.say(ACME, "alice", "shipped R-1");
    // No rollback webhook here: the card's note says to roll back by hand, then mark it recovered.
    await g.say(ACME, "alice", "rollback R-1 error rate 5x");
    await g.app.bot.idle();
    const login = await fetch(g.linkFor(ACME), { redirect: "manual" });
    const cookie = login.headers.get("set-cookie")!.split(";")[0]!;
    const page = await (await fetch(`${g.base}/web/release?id=R-1`, { headers: { cookie } })).text();
    expect(page).toContain("roll back by hand, then <code>/release recovered R-1</code>.");
    expect(page).not.toContain("`/release");
  });
});
