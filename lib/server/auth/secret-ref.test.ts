import { describe, expect, it } from "vitest";
import { resolveSecretRef, SecretRefError } from "./secret-ref";

describe("resolveSecretRef", () => {
  const files: Record<string, string> = { "/run/secret": "s3cret\n", "/run/empty": "\n" };
  const readFile = (p: string) => {
    const text = files[p];
    if (text === undefined) throw Object.assign(new Error("nope"), { code: "ENOENT" });
    return text;
  };

  it("reads file: references without the trailing newline", () => {
    expect(resolveSecretRef("file:/run/secret", { readFile })).toBe("s3cret");
  });

  it("reads env: references", () => {
    expect(resolveSecretRef("env:OIDC_SECRET", { env: { OIDC_SECRET: "from-env" } })).toBe("from-env");
  });

  it("takes anything else literally", () => {
    expect(resolveSecretRef("plain-value")).toBe("plain-value");
  });

  it("names the reference, never the value, when it cannot be resolved", () => {
    expect(() => resolveSecretRef("file:/run/missing", { readFile })).toThrow("secret file /run/missing cannot be read (ENOENT)");
    expect(() => resolveSecretRef("file:/run/empty", { readFile })).toThrow("is empty");
    expect(() => resolveSecretRef("env:UNSET_VAR", { env: {} })).toThrow("UNSET_VAR");
    expect(() => resolveSecretRef("env:bad name", { env: {} })).toThrow(SecretRefError);
    expect(() => resolveSecretRef("file:", { readFile })).toThrow("names no file");
  });
});
