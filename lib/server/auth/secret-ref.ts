/**
 * Secret references: "file:/path" (file contents, trailing newline dropped),
 * "env:VAR" (another environment variable), or anything else taken literally.
 * Errors name the reference, never the value.
 */
import fs from "node:fs";

export class SecretRefError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "SecretRefError";
  }
}

export function resolveSecretRef(
  ref: string,
  deps: { readFile?: (path: string) => string; env?: Record<string, string | undefined> } = {},
): string {
  const readFile = deps.readFile ?? ((p: string) => fs.readFileSync(p, "utf8"));
  const environment = deps.env ?? process.env;
  if (ref.startsWith("file:")) {
    const file = ref.slice("file:".length);
    if (!file) throw new SecretRefError(`secret reference "file:" names no file`);
    let text: string;
    try {
      text = readFile(file);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? "unreadable";
      throw new SecretRefError(`secret file ${file} cannot be read (${code})`);
    }
    const value = text.replace(/\r?\n$/, "");
    if (!value) throw new SecretRefError(`secret file ${file} is empty`);
    return value;
  }
  if (ref.startsWith("env:")) {
    const name = ref.slice("env:".length);
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new SecretRefError(`"env:${name}" is not a variable name`);
    const value = environment[name];
    if (!value) throw new SecretRefError(`environment variable ${name} (from a secret reference) is not set`);
    return value;
  }
  if (!ref) throw new SecretRefError("secret reference is empty");
  return ref;
}
