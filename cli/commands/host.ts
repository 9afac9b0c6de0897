import {
  applyHostAddition,
  applyHostRevocation,
  applyHostRotation,
  planHostAddition,
  planHostRevocation,
  planHostRotation,
} from "@/lib/server/registry/sync";
import { flag, listOpt, parse, requireOpt, UsageError } from "../args";
import { ACTOR_HELP, actorEmail, DB_HELP, describeDatabase, origin, withDatabase } from "../context";
import { printApplied, printPlan } from "../print-plan";

export const HOST_HELP = `
Usage:
  cellgate host add HOST --profile SLUG [--profile SLUG…] --key-id ID --public-key B64 [--apply]
  cellgate host rotate HOST --key-id NEW --public-key B64 [--revoke-old] [--apply]
  cellgate host revoke HOST --key-id ID --reason TEXT [--apply]

Register a host and its Ed25519 public key (base64 of the raw 32 bytes),
add a key (rotation, optionally revoking the host's other keys at once), or
revoke a key. Prints the plan; changes nothing without --apply. Needs
registry.write in the tenants of the host's profiles.

Options:
  --apply         make the change (one transaction, one receipt)
${ACTOR_HELP}
  --json          print the plan (and receipt) as JSON

${DB_HELP}
`;

const COMMON = { apply: { type: "boolean" }, actor: { type: "string" }, json: { type: "boolean" } } as const;

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
    ...COMMON,
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
  const email = apply ? actorEmail(parsed, HOST_HELP) : undefined;
  const title = `host ${sub} ${hostId} → ${describeDatabase()}${apply ? "" : " (dry run)"}`;
  const applyOptions = { actorEmail: email ?? "", origin: origin() };

  if (sub === "add") {
    const profiles = listOpt(parsed, "profile");
    if (profiles.length === 0) throw new UsageError("--profile is required (repeat it for several profiles)", HOST_HELP);
    const input = { hostId, profiles, keyId, publicKey: requireOpt(parsed, "public-key", HOST_HELP) };
    return withDatabase(async (database) =>
      email
        ? printApplied(await applyHostAddition(database, input, applyOptions), { json, title })
        : printPlan(await planHostAddition(database, input), { json, title }),
    );
  }
  if (sub === "rotate") {
    const input = { hostId, keyId, publicKey: requireOpt(parsed, "public-key", HOST_HELP), revokeOld: flag(parsed, "revoke-old") };
    return withDatabase(async (database) =>
      email
        ? printApplied(await applyHostRotation(database, input, applyOptions), { json, title })
        : printPlan(await planHostRotation(database, input), { json, title }),
    );
  }
  const input = { hostId, keyId, reason: requireOpt(parsed, "reason", HOST_HELP) };
  return withDatabase(async (database) =>
    email
      ? printApplied(await applyHostRevocation(database, input, applyOptions), { json, title })
      : printPlan(await planHostRevocation(database, input), { json, title }),
  );
}
