/**
 * Argument parsing on node:util parseArgs (no dependency). A usage error
 * exits 2; every command answers --help.
 */
import { parseArgs, type ParseArgsConfig } from "node:util";

export class UsageError extends Error {
  constructor(message: string, readonly help?: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** An expected failure: message printed, exit 1 (or `exitCode`). */
export class CommandFailed extends Error {
  constructor(message: string, readonly exitCode = 1) {
    super(message);
    this.name = "CommandFailed";
  }
}

export type Options = NonNullable<ParseArgsConfig["options"]>;

export interface Parsed {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

export function parse(argv: string[], options: Options, help: string, positionals: { min: number; max: number }): Parsed | null {
  let parsed: Parsed;
  try {
    parsed = parseArgs({ args: argv, options: { ...options, help: { type: "boolean", short: "h" } }, allowPositionals: true, strict: true }) as Parsed;
  } catch (error) {
    throw new UsageError((error as Error).message.split("\n")[0] ?? "bad arguments", help);
  }
  if (parsed.values.help) {
    process.stdout.write(`${help.trim()}\n`);
    return null;
  }
  if (parsed.positionals.length < positionals.min) throw new UsageError("missing argument", help);
  if (parsed.positionals.length > positionals.max) throw new UsageError(`unexpected argument ${parsed.positionals[positionals.max]}`, help);
  return parsed;
}

export function stringOpt(parsed: Parsed, name: string): string | undefined {
  const v = parsed.values[name];
  return typeof v === "string" ? v : undefined;
}

export function requireOpt(parsed: Parsed, name: string, help: string): string {
  const v = stringOpt(parsed, name);
  if (!v) throw new UsageError(`--${name} is required`, help);
  return v;
}

export function listOpt(parsed: Parsed, name: string): string[] {
  const v = parsed.values[name];
  return Array.isArray(v) ? v.flatMap((x) => x.split(",")).map((x) => x.trim()).filter(Boolean) : [];
}

export function flag(parsed: Parsed, name: string): boolean {
  return parsed.values[name] === true;
}
