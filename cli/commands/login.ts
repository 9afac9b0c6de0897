import { parse, stringOpt, UsageError, CommandFailed, flag } from "../args";
import {
  callConsole,
  ConsoleProblem,
  credentialsFile,
  describeProblem,
  normalizeUrl,
  removeStoredCredentials,
  writeStoredCredentials,
  type PipelineAnswer,
} from "../console";
import type { WhoAmI } from "@/lib/server/tokens/whoami";

export const LOGIN_HELP = `
Usage: cellgate login --url URL [--token-stdin]
       cellgate logout

login    Check an API token against the console at URL and keep both in
         ${credentialsFile()} (mode 0600), for every
         later command that talks to the console (registry sync, host,
         policy, audit). The token comes from CELLGATE_TOKEN, else standard
         input (pasted at the prompt, or piped with --token-stdin). Create
         one on the console's Tokens page; it is shown there once.
logout   Forget the stored URL and token (the token itself stays valid until
         it expires or is revoked on the Tokens page).

A CI pipeline need not log in: CELLGATE_URL and CELLGATE_TOKEN take
precedence over the stored file.
`;

async function readToken(fromStdin: boolean): Promise<string> {
  const fromEnv = process.env.CELLGATE_TOKEN?.trim();
  if (fromEnv) return fromEnv;
  if (process.stdin.isTTY && !fromStdin) process.stderr.write("API token (input hidden is not supported; paste it and press Enter): ");
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(chunk as Buffer);
    if (process.stdin.isTTY && Buffer.concat(chunks).includes(10)) break;
  }
  const token = Buffer.concat(chunks).toString("utf8").split("\n")[0]!.trim();
  if (!token) throw new CommandFailed("no token given (set CELLGATE_TOKEN or paste it on standard input)");
  return token;
}

export async function loginCommand(argv: string[]): Promise<void> {
  const parsed = parse(argv, { url: { type: "string" }, "token-stdin": { type: "boolean" } }, LOGIN_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  const raw = stringOpt(parsed, "url") ?? process.env.CELLGATE_URL;
  if (!raw) throw new UsageError("--url is required (the console's address, e.g. http://localhost:3000)", LOGIN_HELP);
  const credentials = { url: normalizeUrl(raw), token: await readToken(flag(parsed, "token-stdin")) };
  let who: WhoAmI;
  try {
    who = (await callConsole<PipelineAnswer<WhoAmI>>(credentials, "GET", "/api/v1/whoami")).data;
  } catch (error) {
    if (error instanceof ConsoleProblem) throw new CommandFailed(`not logged in: ${describeProblem(error, credentials)}`);
    throw error;
  }
  const file = writeStoredCredentials({ ...credentials, user: who.user.email, savedAt: new Date().toISOString() });
  const token = who.token;
  process.stdout.write(
    `Logged in to ${credentials.url} as ${who.user.email}` +
      (token ? ` with token ${token.id} ("${token.name}", scope ${token.scope}, expires ${token.expiresAt})` : "") +
      `.\nCredentials kept in ${file} (mode 0600).\n`,
  );
  const powers = who.effective.filter((e) => e.permission !== "session.whoami");
  if (powers.length === 0) process.stdout.write("Note: this token can do nothing right now (its owner holds none of its permissions).\n");
  for (const e of powers) process.stdout.write(`  ${e.permission}: ${e.tenants === "*" ? "every tenant" : e.tenants.join(", ")}\n`);
}

export async function logoutCommand(argv: string[]): Promise<void> {
  const parsed = parse(argv, {}, LOGIN_HELP, { min: 0, max: 0 });
  if (!parsed) return;
  process.stdout.write(removeStoredCredentials() ? `Removed ${credentialsFile()}.\n` : "Not logged in; nothing to remove.\n");
}
