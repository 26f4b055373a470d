import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SLACK_EVENTS_PATH } from "../../adapters/slack/index.js";

interface Manifest {
  display_information: { name: string; description: string };
  features: { app_home: { home_tab_enabled: boolean }; slash_commands: { command: string; url?: string; should_escape: boolean; description: string; usage_hint: string }[] };
  oauth_config: { scopes: { bot: string[] } };
  settings: { event_subscriptions: { request_url?: string; bot_events: string[] }; interactivity: { is_enabled: boolean; request_url?: string }; socket_mode_enabled: boolean };
}

const read = (name: string) => JSON.parse(readFileSync(new URL(`../../adapters/slack/${name}`, import.meta.url), "utf8")) as Manifest;

describe("Slack app manifests", () => {
  for (const [name, socket] of [
    ["manifest.json", true],
    ["manifest-http.json", false],
  ] as const) {
    it(`${name} creates an app with what gonogo uses`, () => {
      const m = read(name);
      const [cmd] = m.features.slash_commands;
      expect(cmd?.command).toBe("/release");
      // Mentions must arrive escaped (<@U…>, <!subteam^S…>) so role grants name the right person or group.
      expect(cmd?.should_escape).toBe(true);
      expect(cmd!.description.length).toBeLessThanOrEqual(100);
      expect(m.features.app_home.home_tab_enabled).toBe(true);
      expect(m.settings.event_subscriptions.bot_events).toEqual(["app_home_opened"]);
      expect(m.settings.interactivity.is_enabled).toBe(true);
      expect(m.oauth_config.scopes.bot.sort()).toEqual(["chat:write", "chat:write.public", "commands", "files:write", "im:write", "usergroups:read", "users:read"]);
      expect(m.settings.socket_mode_enabled).toBe(socket);
      if (!socket) {
        for (const url of [cmd?.url, m.settings.event_subscriptions.request_url, m.settings.interactivity.request_url]) expect(url).toMatch(new RegExp(`^https://.+${SLACK_EVENTS_PATH}$`));
      }
    });
  }
});
