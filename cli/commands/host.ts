import type { RegistryPlan } from "@/lib/domain/registry/plan-types";
import { flag, listOpt, parse, requireOpt, UsageError } from "../args";
import { callConsole, origin, withConsole, type PipelineAnswer } from "../console";
import { printApplied, printPlan } from "../print-plan";

export const HOST_HELP = `
Usage:
  cellgate host add HOST --profile SLUG [--profile SLUG…] --key-id ID --public-key B64 [--apply]
  cellgate host rotate HOST --key-id NEW --public-key B64 [--revoke-old] [--apply]
  cellgate host revoke HOST --key-id ID --reason TEXT [--apply]

Register a host and its Ed25519 public key (base64 of the raw 32 bytes),
add a key (rotation, optionally revoking the host's other keys at once), or
revoke a key, on the console you logged in to. Prints the plan; changes
nothing without --apply. Needs registry.write in the tenants of the host's
profiles (the token's owner's, at the time of the request).

Options:
  --apply         make the change (one transaction, one receipt)
  --json          print the plan (and receipt) as JSON

Console: CELLGATE_URL and CELLGATE_TOKEN, else what \`cellgate login\` stored.
`;

export async function hostCommand(argv: string[]): Promise<void> {
  const [sub, ...rest] = argv;
  if (sub === "--help" || sub === "-h") {
    process.stdout.write(`${HOST_HELP.trim()}\n`);
    return;
  }
  if (sub !== "add" && sub !== "rotate" && sub !== "revoke") {
    throw new UsageError(sub ? `unknown host subcommand ${sub}` : "missing subcommand", HOST_HELP);
  }
  const options = {
    apply: { type: "boolean" },
    json: { type: "boolean" },
    profile: { type: "string", multiple: true },
    "key-id": { type: "string" },
    "public-key": { type: "string" },
    "revoke-old": { type: "boolean" },
    reason: { type: "string" },
  } as const;
  const parsed = parse(rest, options, HOST_HELP, { min: 1, max: 1 });
  if (!parsed) return;
  const hostId = parsed.positionals[0]!;
  const apply = flag(parsed, "apply");
  const json = flag(parsed, "json");
  const keyId = requireOpt(parsed, "key-id", HOST_HELP);

  let body: Record<string, unknown>;
  if (sub === "add") {
    const profiles = listOpt(parsed, "profile");
    if (profiles.length === 0) throw new UsageError("--profile is required (repeat it for several profiles)", HOST_HELP);
    body = { hostId, profiles, keyId, publicKey: requireOpt(parsed, "public-key", HOST_HELP) };
  } else if (sub === "rotate") {
    body = { hostId, keyId, publicKey: requireOpt(parsed, "public-key", HOST_HELP), revokeOld: flag(parsed, "revoke-old") };
  } else {
    body = { hostId, keyId, reason: requireOpt(parsed, "reason", HOST_HELP) };
  }

  await withConsole(async (credentials) => {
    const title = `host ${sub} ${hostId} → ${credentials.url}${apply ? "" : " (dry run)"}`;
    const path = `/api/v1/hosts/${sub}/${apply ? "apply" : "plan"}`;
    const answer = await callConsole<PipelineAnswer<{ plan: RegistryPlan }>>(credentials, "POST", path, { ...body, origin: origin() });
    if (apply) printApplied(answer, { json, title });
    else printPlan(answer.data.plan, { json, title });
  });
}
