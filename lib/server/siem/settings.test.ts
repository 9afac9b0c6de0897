import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { env, resetEnvCache } from "@/lib/env";
import { sinksFromEnv } from "./sinks";

const SIEM_VARS = ["CELLGATE_SIEM_WEBHOOK_URL", "CELLGATE_SIEM_WEBHOOK_SECRET", "CELLGATE_SIEM_SYSLOG", "CELLGATE_SIEM_SYSLOG_CA", "CELLGATE_SIEM_OTLP_URL", "CELLGATE_SIEM_BATCH"];

function withEnv(vars: Record<string, string>): () => ReturnType<typeof env> {
  for (const v of SIEM_VARS) delete process.env[v];
  Object.assign(process.env, vars);
  resetEnvCache();
  return () => env();
}

describe("SIEM sink settings", () => {
  afterEach(() => {
    for (const v of SIEM_VARS) delete process.env[v];
    resetEnvCache();
  });

  it("no variable: no sink", () => {
    expect(sinksFromEnv(withEnv({})())).toEqual([]);
  });

  it("a malformed setting is an environment error naming the variable", () => {
    expect(withEnv({ CELLGATE_SIEM_SYSLOG: "udp://siem:514" })).toThrow(/CELLGATE_SIEM_SYSLOG: CELLGATE_SIEM_SYSLOG must be "tcp:\/\/host:port" or "tls:\/\/host:port"/);
    expect(withEnv({ CELLGATE_SIEM_WEBHOOK_URL: "http://siem.example/hook", CELLGATE_SIEM_WEBHOOK_SECRET: "whsec_AAAA" })).toThrow(/CELLGATE_SIEM_WEBHOOK_URL: .*https/);
    expect(withEnv({ CELLGATE_SIEM_WEBHOOK_URL: "https://siem.example/hook" })).toThrow(/CELLGATE_SIEM_WEBHOOK_SECRET: .*required/);
    expect(withEnv({ CELLGATE_SIEM_OTLP_URL: "collector:4318" })).toThrow(/CELLGATE_SIEM_OTLP_URL/);
    expect(withEnv({ CELLGATE_SIEM_SYSLOG: "tcp://siem:514", CELLGATE_SIEM_SYSLOG_CA: "/etc/ca.pem" })).toThrow(/CELLGATE_SIEM_SYSLOG_CA: .*tls:\/\//);
    expect(withEnv({ CELLGATE_SIEM_BATCH: "0" })).toThrow(/CELLGATE_SIEM_BATCH/);
  });

  it("an unreadable secret or CA file is a start-up error naming the variable, never quoting the secret", () => {
    const e1 = withEnv({ CELLGATE_SIEM_WEBHOOK_URL: "https://siem.example/hook", CELLGATE_SIEM_WEBHOOK_SECRET: "whsec_not base64!" })();
    expect(() => sinksFromEnv(e1)).toThrow(/^CELLGATE_SIEM_WEBHOOK_SECRET: (?!.*not base64)/);
    const e2 = withEnv({ CELLGATE_SIEM_WEBHOOK_URL: "https://siem.example/hook", CELLGATE_SIEM_WEBHOOK_SECRET: "env:CELLGATE_TEST_NO_SUCH_VAR" })();
    expect(() => sinksFromEnv(e2)).toThrow(/^CELLGATE_SIEM_WEBHOOK_SECRET: environment variable CELLGATE_TEST_NO_SUCH_VAR/);
    const e3 = withEnv({ CELLGATE_SIEM_SYSLOG: "tls://siem:6514", CELLGATE_SIEM_SYSLOG_CA: "/nonexistent/ca.pem" })();
    expect(() => sinksFromEnv(e3)).toThrow(/^CELLGATE_SIEM_SYSLOG_CA: \/nonexistent\/ca.pem cannot be read \(ENOENT\)/);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "siem-ca-"));
    fs.writeFileSync(path.join(dir, "ca.pem"), "not a certificate");
    const e4 = withEnv({ CELLGATE_SIEM_SYSLOG: "tls://siem:6514", CELLGATE_SIEM_SYSLOG_CA: path.join(dir, "ca.pem") })();
    expect(() => sinksFromEnv(e4)).toThrow(/holds no PEM certificate/);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it("builds each configured sink, targets without credentials", () => {
    const e = withEnv({
      CELLGATE_SIEM_WEBHOOK_URL: "https://user:pw@siem.example/hook?token=x",
      CELLGATE_SIEM_WEBHOOK_SECRET: `whsec_${Buffer.from("k".repeat(24)).toString("base64")}`,
      CELLGATE_SIEM_SYSLOG: "tcp://siem.internal:601",
      CELLGATE_SIEM_OTLP_URL: "http://collector:4318/v1/logs",
    })();
    expect(sinksFromEnv(e).map((s) => [s.name, s.target])).toEqual([
      ["webhook", "https://siem.example/hook"],
      ["syslog", "tcp://siem.internal:601"],
      ["otlp", "http://collector:4318/v1/logs"],
    ]);
  });
});
