import { connect } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { createHttpServer, HEADERS_TIMEOUT_MS, REQUEST_TIMEOUT_MS, type HttpServer } from "../../src/http/server.js";

let http: HttpServer | undefined;
afterEach(async () => {
  await http?.close();
  http = undefined;
});

describe("the shared HTTP server", () => {
  it("gives a client seconds, not Node's default five minutes, to send a whole request (bodies are buffered before any signature check)", () => {
    http = createHttpServer(() => undefined);
    expect(http.server.headersTimeout).toBe(HEADERS_TIMEOUT_MS);
    expect(http.server.requestTimeout).toBe(REQUEST_TIMEOUT_MS);
    expect(REQUEST_TIMEOUT_MS).toBeLessThanOrEqual(15_000);
  });

  it("still answers a request whose body arrives in pieces within the limit", async () => {
    http = createHttpServer(() => undefined);
    http.route("POST", "/echo", async (req, res) => {
      let body = "";
      for await (const chunk of req) body += String(chunk);
      res.writeHead(200).end(body.toUpperCase());
    });
    const port = await http.listen(0, "127.0.0.1");
    const answer = await new Promise<string>((ok, fail) => {
      const socket = connect(port, "127.0.0.1", () => {
        socket.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nConnection: close\r\n\r\nabc");
        setImmediate(() => socket.end("def"));
      });
      let got = "";
      socket.on("data", (c: Buffer) => (got += c.toString()));
      socket.on("end", () => ok(got));
      socket.on("error", fail);
    });
    expect(answer).toMatch(/^HTTP\/1\.1 200/);
    expect(answer).toContain("ABCDEF");
  });
});
