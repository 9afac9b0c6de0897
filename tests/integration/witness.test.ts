/**
 * Witnessed checkpoints (issue 17 §2), against the BUILT console on both
 * databases: `cellgate witness` (its own key and state file) fetches the
 * latest checkpoint as a C2SP signed note, checks consistency with the last
 * tree it cosigned and posts its cosignature, which the console verifies and
 * stores. A log rewritten behind the witness's back (entries re-hashed, the
 * checkpoints replaced by fresh ones) is refused, naming both tree sizes.
 * Bad cosignatures are refused over HTTP with problem+json and nothing stored.
 */
import { createPrivateKey, generateKeyPairSync } from "node:crypto";
import fs from "node:fs";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { hashAuditEntry } from "../../lib/domain/audit/chain";
import { checkpointBody, COSIGNATURE_V1, cosignNote, formatNote, NOTE_ED25519, parseNote, parseVerifierKey, verifierKey, verifyNoteSignature } from "../../lib/domain/checkpoint/note";
import { verifyConsistency } from "../../lib/domain/merkle";
import type { Database } from "../../lib/db";
import { chainEntriesAfter } from "../../lib/server/audit-verify";
import { BACKENDS, randomSlug } from "../support/databases";
import { runCli } from "../support/cli";
import { adminWithToken, openConsoleStore, ADMIN_TOKEN_PERMISSIONS, type ConsoleStore, type ServedConsole } from "../support/console-store";
import { mintTokenFor } from "../support/tokens";

const ORIGIN = "cellgate.test/audit";

async function cosignatureCount(db: Database): Promise<number> {
  const [row] = await db.sql.query<{ n: number }>(`SELECT count(*)::int AS n FROM "CheckpointCosignature"`);
  return Number(row!.n);
}

/** What an attacker with the database does: re-hash the chain from `fromSeq` on and replace every checkpoint (and cosignature) with nothing. */
async function rewriteLog(db: Database, fromSeq: number): Promise<void> {
  const tables = ["AuditEntry", "AuditCheckpoint", "CheckpointCosignature"];
  for (const t of tables) await db.sql.exec(`ALTER TABLE "${t}" DISABLE TRIGGER USER`);
  try {
    let prev = (await chainEntriesAfter(db.sql, fromSeq - 2, 1))[0]!.hash;
    for (const r of await chainEntriesAfter(db.sql, fromSeq - 1, 100_000)) {
      const forged = { ...r, data: { forged: true, seq: r.seq }, prevHash: prev };
      forged.hash = hashAuditEntry(forged);
      await db.sql.query(`UPDATE "AuditEntry" SET data = $1::jsonb, "prevHash" = $2, hash = $3 WHERE seq = $4`, [JSON.stringify(forged.data), forged.prevHash, forged.hash, r.seq]);
      prev = forged.hash;
    }
    await db.sql.query(`UPDATE "AuditHead" SET hash = $1 WHERE id = 1`, [prev]);
    await db.sql.exec(`DELETE FROM "CheckpointCosignature"; DELETE FROM "AuditCheckpoint";`);
  } finally {
    for (const t of tables) await db.sql.exec(`ALTER TABLE "${t}" ENABLE TRIGGER USER`);
  }
}

/** A signature line with one bit flipped in byte `at` of its signature bytes (after the 4-byte key ID). */
function flip(line: string, at: number): string {
  const [dash, who, b64] = line.trimEnd().split(" ");
  const bytes = Buffer.from(b64!, "base64");
  bytes[4 + at]! ^= 1;
  return `${dash} ${who} ${bytes.toString("base64")}\n`;
}

describe.each(BACKENDS)("witnessed checkpoints (%s)", (backend) => {
  let store: ConsoleStore;
  let served: ServedConsole;
  let admin: { token: string };
  let auditor: { token: string };
  let viewer: { token: string };
  let serveEnv: Record<string, string>;
  let dir: string;
  let witnessVkey: string;
  const name = "witness.test/w1";

  const witnessKey = () => createPrivateKey(fs.readFileSync(path.join(dir, "witness.pem"), "utf8"));
  const asAdmin = () => ({ CELLGATE_URL: served.url, CELLGATE_TOKEN: admin.token });
  const asAuditor = () => ({ CELLGATE_URL: served.url, CELLGATE_TOKEN: auditor.token });
  const witness = (state = "state.json", extra: string[] = []) =>
    runCli(["witness", "run", "--once", "--name", name, "--key", path.join(dir, "witness.pem"), "--state", path.join(dir, state), ...extra], asAuditor());
  const checkpoint = async () => {
    const taken = await runCli(["audit", "checkpoint", "--apply"], asAdmin());
    expect(taken.code, taken.stderr).toBe(0);
  };
  const api = (p: string, init: RequestInit & { token?: string } = {}) =>
    fetch(`${served.url}${p}`, { ...init, headers: { Authorization: `Bearer ${init.token ?? auditor.token}`, ...(init.headers ?? {}) } });
  const latestNote = async () => {
    const res = await api("/api/v1/checkpoints/latest", { headers: { Accept: "text/plain" } });
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/^text\/plain/);
    return res.text();
  };

  beforeAll(async () => {
    store = await openConsoleStore(backend);
    dir = store.dir;
    await store.use(async (db) => {
      admin = await adminWithToken(db, [...ADMIN_TOKEN_PERMISSIONS, "audit.witness"]);
      const t = await db.prisma.tenant.create({ data: { slug: randomSlug("tn"), name: "Audited" } });
      for (const [role, holder] of [["auditor", "a"], ["viewer", "v"]] as const) {
        const email = `${randomSlug(holder)}@example.test`;
        await db.prisma.user.create({ data: { email, name: role, memberships: { create: { tenantId: t.id, role } } } });
        const minted = await mintTokenFor(db, email, { scope: t.slug, permissions: role === "auditor" ? ["audit.verify", "audit.witness"] : ["registry.read"] });
        if (role === "auditor") auditor = minted;
        else viewer = minted;
      }
    });
    const keyFile = path.join(dir, "platform-key.pem");
    fs.writeFileSync(keyFile, generateKeyPairSync("ed25519").privateKey.export({ format: "pem", type: "pkcs8" }).toString(), { mode: 0o600 });
    serveEnv = { CELLGATE_LOG_ORIGIN: ORIGIN, CELLGATE_PLATFORM_KEY: `file:${keyFile}` };
    served = await store.serve(serveEnv);
  }, 240_000);
  afterAll(async () => {
    await store?.close();
  });

  it("keygen writes a 0600 key and prints its cosignature/v1 verifier key", async () => {
    const made = await runCli(["witness", "keygen", "--name", name, "--out", path.join(dir, "witness.pem")]);
    expect(made.code, made.stderr).toBe(0);
    expect(fs.statSync(path.join(dir, "witness.pem")).mode & 0o777).toBe(0o600);
    witnessVkey = /verifier key: (\S+)/.exec(made.stdout)![1]!;
    const key = parseVerifierKey(witnessVkey);
    expect(key).toMatchObject({ name, type: COSIGNATURE_V1 });
    const bad = await runCli(["witness", "keygen", "--name", "has space", "--out", path.join(dir, "x.pem")]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('--name: key name "has space" contains white space or "+"');
  });

  it("with no checkpoint yet, says so and cosigns nothing", async () => {
    const first = await witness("empty.json");
    expect(first.code).toBe(1);
    expect(first.stderr).toContain("No signed checkpoint yet");
    expect(fs.existsSync(path.join(dir, "empty.json"))).toBe(false);
  });

  it("cosigns the first tree, then each grown tree once its consistency proof holds; the console serves the cosigned note", async () => {
    await checkpoint();
    const first = await witness();
    expect(first.code, first.stderr).toBe(0);
    expect(first.stderr).toContain("first contact: pinning the log key the console serves");
    const state1 = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as { size: number; rootHex: string; origin: string; logKey: string };
    expect(first.stdout).toContain(`cosigned tree size ${state1.size} of ${ORIGIN} (first tree seen) — receipt rcpt_`);
    expect(state1.origin).toBe(ORIGIN);
    const served1 = (await (await fetch(`${served.url}/api/v1/platform-key`)).json()) as { logKey: string; logOrigin: string };
    expect(served1).toMatchObject({ logOrigin: ORIGIN, logKey: state1.logKey });

    // The note the console now serves carries the log's signature and the witness's, both verifiable by anyone.
    const note = parseNote(await latestNote());
    expect(note.body.split("\n")[1]).toBe(String(state1.size));
    expect(verifyNoteSignature(note, parseVerifierKey(state1.logKey))).toEqual({ ok: true });
    expect(verifyNoteSignature(note, parseVerifierKey(witnessVkey))).toMatchObject({ ok: true, timestamp: expect.any(Number) });

    // The cosignature's receipt (and the next checkpoint) grew the log: the witness checks the proof from its last tree.
    await checkpoint();
    const second = await witness();
    expect(second.code, second.stderr).toBe(0);
    const state2 = JSON.parse(fs.readFileSync(path.join(dir, "state.json"), "utf8")) as { size: number; rootHex: string };
    expect(state2.size).toBeGreaterThan(state1.size);
    expect(second.stdout).toContain(`cosigned tree size ${state2.size} of ${ORIGIN} (consistent with tree size ${state1.size})`);
    expect(second.stderr).not.toContain("first contact");

    // The proof endpoint answers what the witness checked.
    const proof = await api(`/api/v1/checkpoints/consistency?from=${state1.size}&to=${state2.size}`);
    const body = (await proof.json()) as { data: { proof: string[] } };
    expect(body.data.proof.length).toBeGreaterThan(0);
    expect(verifyConsistency(state1.size, state2.size, state1.rootHex, state2.rootHex, body.data.proof)).toBe(true);
    expect(verifyConsistency(state1.size, state2.size, state1.rootHex, state2.rootHex, body.data.proof.slice(1))).toBe(false);

    // Same tree again: cosigned as unchanged; the console keeps the first cosignature of that checkpoint.
    const again = await witness();
    expect(again.code, again.stderr).toBe(0);
    expect(again.stdout).toContain(`cosigned tree size ${state2.size} of ${ORIGIN} (unchanged); the console already had this witness's cosignature`);
  }, 120_000);

  it("refuses bad cosignatures and bad proof requests with problem+json, storing nothing", async () => {
    const before = backend === "postgresql" ? await store.use(cosignatureCount) : null;
    const note = parseNote(await latestNote());
    const size = Number(note.body.split("\n")[1]);
    const other = generateKeyPairSync("ed25519");
    const otherVkey = verifierKey("other.test/w", COSIGNATURE_V1, other.publicKey);
    const post = (payload: unknown, token = auditor.token) =>
      api("/api/v1/checkpoints/cosignatures", { method: "POST", token, headers: { "Content-Type": "application/json" }, body: JSON.stringify(payload) });
    const cases: Array<{ payload: unknown; status: number; detail: RegExp; token?: string }> = [
      // Signed by another key under the witness's name: not its key ID.
      { payload: { note: formatNote(note.body, [cosignNote(note.body, name, other.privateKey, 1_765_000_000)]), vkey: witnessVkey }, status: 400, detail: /Cosignature refused: no signature by witness.test\/w1 \(key [0-9a-f]{8}\)/ },
      // The witness's own key with one bit of its signature flipped; then one bit of its time (bytes 0–7).
      { payload: { note: formatNote(note.body, [flip(cosignNote(note.body, name, witnessKey(), 1_765_000_000), 20)]), vkey: witnessVkey }, status: 400, detail: /Cosignature refused: the cosignature by witness.test\/w1 does not verify/ },
      { payload: { note: formatNote(note.body, [flip(cosignNote(note.body, name, witnessKey(), 1_765_000_000), 3)]), vkey: witnessVkey }, status: 400, detail: /Cosignature refused: the cosignature by witness.test\/w1 does not verify/ },
      // A tree this console never signed.
      (() => {
        const body = checkpointBody({ origin: ORIGIN, size: size + 1000, rootHex: "b".repeat(64) });
        return { payload: { note: formatNote(body, [cosignNote(body, "other.test/w", other.privateKey, 1_765_000_000)]), vkey: otherVkey }, status: 409, detail: new RegExp(`never signed a checkpoint of size ${size + 1000}`) };
      })(),
      // Another log's checkpoint.
      (() => {
        const body = checkpointBody({ origin: "elsewhere.test/log", size, rootHex: "b".repeat(64) });
        return { payload: { note: formatNote(body, [cosignNote(body, "other.test/w", other.privateKey, 1)]), vkey: otherVkey }, status: 400, detail: /of log "elsewhere.test\/log", not of this console's log "cellgate.test\/audit"/ };
      })(),
      // A log key where a cosignature/v1 key belongs, and a note that is not one.
      { payload: { note: "x", vkey: verifierKey("other.test/w", NOTE_ED25519, other.publicKey) }, status: 400, detail: /signed note must end with a newline/ },
      { payload: { note: formatNote(note.body, [cosignNote(note.body, "other.test/w", other.privateKey, 1)]), vkey: verifierKey("other.test/w", NOTE_ED25519, other.publicKey) }, status: 400, detail: /not a cosignature\/v1 key/ },
      // A viewer holds no audit.witness.
      { payload: { note: formatNote(note.body, [cosignNote(note.body, "other.test/w", other.privateKey, 1)]), vkey: otherVkey }, status: 403, detail: /cosign the audit log's checkpoints as a witness/, token: viewer.token },
    ];
    for (const c of cases) {
      const res = await post(c.payload, c.token);
      expect(res.status, JSON.stringify(c.payload).slice(0, 120)).toBe(c.status);
      expect(res.headers.get("content-type")).toMatch(/application\/problem\+json/);
      expect(((await res.json()) as { detail: string }).detail).toMatch(c.detail);
    }
    const proofs: Array<[string, number]> = [
      [`from=${size}&to=${size - 1}`, 400],
      [`from=0&to=${size + 100_000}`, 404],
      [`from=-1&to=2`, 400],
    ];
    for (const [query, status] of proofs) expect((await api(`/api/v1/checkpoints/consistency?${query}`)).status, query).toBe(status);
    if (before !== null) expect(await store.use(cosignatureCount)).toBe(before);
  });

  it("a log rewritten behind its back is refused, naming both tree sizes; the witness's state is kept", async () => {
    const stateFile = path.join(dir, "state.json");
    const kept = fs.readFileSync(stateFile, "utf8");
    const cosigned = (JSON.parse(kept) as { size: number }).size;
    await served.stop();
    await store.use((db) => rewriteLog(db, 3));
    served = await store.serve(serveEnv);
    await checkpoint(); // the console signs the rewritten log afresh, from genesis
    const refused = await witness();
    expect(refused.code).toBe(3);
    expect(refused.stderr).toMatch(new RegExp(`ALERT: refusing to cosign: tree size (\\d+) is not consistent with tree size ${cosigned} this witness cosigned \\(the consistency proof fails\\): the log was rewritten`));
    expect(fs.readFileSync(stateFile, "utf8")).toBe(kept);

    // A witness that remembers a larger tree than the log now shows: truncated.
    const ahead = { ...(JSON.parse(kept) as object), size: cosigned + 10_000 };
    fs.writeFileSync(path.join(dir, "ahead.json"), JSON.stringify(ahead));
    const shrunk = await witness("ahead.json");
    expect(shrunk.code).toBe(3);
    expect(shrunk.stderr).toMatch(new RegExp(`tree size \\d+, smaller than tree size ${cosigned + 10_000} this witness cosigned`));

    // Another log key than the pinned one: refused before anything is fetched.
    const otherLog = verifierKey(ORIGIN, NOTE_ED25519, generateKeyPairSync("ed25519").publicKey);
    const switched = await witness("state.json", ["--log-key", otherLog]);
    expect(switched.code).toBe(3);
    expect(switched.stderr).toContain("--log-key is not the log key this witness pinned");
  }, 180_000);
});
