// The Slack floor for the storm benchmark: a bare Bolt app in HTTP mode, in its own
// process, whose only listener acks. Plain JS, so nothing but Bolt runs.
import process from "node:process";
import bolt from "@slack/bolt";

const { App, HTTPReceiver, LogLevel } = bolt;
const receiver = new HTTPReceiver({ signingSecret: process.env.SLACK_SIGNING_SECRET, endpoints: "/slack/events", processBeforeResponse: false, logLevel: LogLevel.ERROR });
const app = new App({ token: process.env.SLACK_BOT_TOKEN, receiver, logLevel: LogLevel.ERROR, clientOptions: { slackApiUrl: process.env.SLACK_API_URL, retryConfig: { retries: 0 } } });
app.action(/.*/, async ({ ack }) => {
  await ack();
});
const server = await app.start({ port: 0, host: "127.0.0.1" });
process.stdout.write(`ready ${server.address().port}\n`);
process.once("SIGTERM", () => void app.stop().finally(() => process.exit(0)));
