import { generateKeyPairSync, verify } from "node:crypto";
import { describe, expect, it } from "vitest";
import { rawPublicKey } from "../http-signatures/ed25519-keys";
import {
  checkpointBody,
  COSIGNATURE_V1,
  cosignatureMessage,
  cosignNote,
  formatNote,
  NOTE_ED25519,
  NoteError,
  noteKeyId,
  parseCheckpointBody,
  parseNote,
  parseVerifierKey,
  signNote,
  verifierKey,
  verifyNoteSignature,
} from "./note";

// Published vectors of other implementations: golang.org/x/mod sumdb/note
// (PeterNeumann, a key and a note it signed) and transparency-dev/formats
// (a cosignature/v1 key, and a key whose base64 holds "+").
const PETER = "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
const PETER_TEXT = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const PETER_NOTE = `${PETER_TEXT}\n— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n`;
const REMORA = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
const PLUS = "TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6";

const log = generateKeyPairSync("ed25519");
const witness = generateKeyPairSync("ed25519");
const ROOT = "a".repeat(64);

describe("signed notes (C2SP)", () => {
  it("read the verifier keys of other implementations and write them back byte for byte", () => {
    for (const text of [PETER, REMORA, PLUS]) {
      const key = parseVerifierKey(text);
      expect(verifierKey(key.name, key.type, key.publicKey)).toBe(text);
    }
    expect(parseVerifierKey(REMORA).type).toBe(COSIGNATURE_V1);
    expect(parseVerifierKey(PETER).type).toBe(NOTE_ED25519);
  });

  it("verify the note golang.org/x/mod signed, and nothing altered", () => {
    const key = parseVerifierKey(PETER);
    const note = parseNote(PETER_NOTE);
    expect(note.body).toBe(PETER_TEXT);
    expect(verifyNoteSignature(note, key)).toEqual({ ok: true });
    const altered = parseNote(PETER_NOTE.replace("answer", "Answer"));
    expect(verifyNoteSignature(altered, key)).toEqual({ ok: false, reason: "the signature by PeterNeumann does not verify" });
    expect(verifyNoteSignature(note, parseVerifierKey(verifierKey("PeterNeumann", NOTE_ED25519, log.publicKey)))).toMatchObject({ ok: false, reason: expect.stringMatching(/^no signature by PeterNeumann/) });
  });

  it("refuse malformed verifier keys", () => {
    const bad: Array<[string, RegExp]> = [
      ["example.com/foo", /is not <name>\+<key id>\+<key>/],
      [PETER.replace("c74f20a3", "c74f20a4"), /hashes to c74f20a3/],
      [PETER.replace("c74f20a3", "C74F20A3"), /8 hex digits/],
      [PETER.slice(0, -1), /not base64/],
      [`a b+${PETER.slice("PeterNeumann+".length)}`, /white space/],
      ["x+00000000+AQI=", /type byte and a 32-byte/],
      [`x+00000000+${Buffer.concat([Buffer.from([2]), Buffer.alloc(32)]).toString("base64")}`, /has type 0x02/],
    ];
    for (const [text, reason] of bad) expect(() => parseVerifierKey(text), text).toThrow(reason);
  });

  it("write a checkpoint body as origin, decimal size and base64 root, and read it back", () => {
    const body = checkpointBody({ origin: "console.example/audit", size: 20852163, rootHex: ROOT });
    expect(body).toBe(`console.example/audit\n20852163\n${Buffer.from(ROOT, "hex").toString("base64")}\n`);
    expect(parseCheckpointBody(body)).toEqual({ origin: "console.example/audit", size: 20852163, rootHex: ROOT, extensions: [] });
    expect(parseCheckpointBody(`${body}ext line\n`).extensions).toEqual(["ext line"]);
    expect(() => parseCheckpointBody("o\n012\nAAAA\n")).toThrow(/not a decimal/);
    expect(() => parseCheckpointBody("o\n1\nAAAA\n")).toThrow(/3 bytes, not 32/);
    expect(() => parseCheckpointBody("o\n1\n")).toThrow(/needs an origin/);
    expect(() => checkpointBody({ origin: "has space", size: 1, rootHex: ROOT })).toThrow(NoteError);
  });

  it("sign a checkpoint as the log (type 0x01): the signature is plain Ed25519 over the body", () => {
    const body = checkpointBody({ origin: "console.example/audit", size: 5, rootHex: ROOT });
    const note = formatNote(body, [signNote(body, "console.example/audit", log.privateKey)]);
    const parsed = parseNote(note);
    expect(parsed.body).toBe(body);
    const [line] = parsed.signatures;
    expect(line!.keyId).toBe(noteKeyId("console.example/audit", NOTE_ED25519, rawPublicKey(log.publicKey)).toString("hex"));
    expect(verify(null, Buffer.from(body), log.publicKey, line!.signature)).toBe(true);
    expect(verifyNoteSignature(parsed, parseVerifierKey(verifierKey("console.example/audit", NOTE_ED25519, log.publicKey)))).toEqual({ ok: true });
  });

  it("cosign as a witness (cosignature/v1): 8-byte time, then Ed25519 over the spec's message", () => {
    const body = checkpointBody({ origin: "console.example/audit", size: 5, rootHex: ROOT });
    const line = cosignNote(body, "witness.example/w1", witness.privateKey, 1_765_000_000);
    const note = parseNote(formatNote(body, [signNote(body, "console.example/audit", log.privateKey), line]));
    const cosig = note.signatures[1]!;
    expect(cosig.signature.length).toBe(72);
    expect(cosig.signature.readBigUInt64BE(0)).toBe(1_765_000_000n);
    expect(cosignatureMessage(body, 1_765_000_000).toString()).toBe(`cosignature/v1\ntime 1765000000\n${body}`);
    expect(verify(null, cosignatureMessage(body, 1_765_000_000), witness.publicKey, cosig.signature.subarray(8))).toBe(true);
    const vkey = parseVerifierKey(verifierKey("witness.example/w1", COSIGNATURE_V1, witness.publicKey));
    expect(verifyNoteSignature(note, vkey)).toEqual({ ok: true, timestamp: 1_765_000_000 });
    // The same key as a type-0x01 key has another key ID: its lines are not confused.
    expect(verifyNoteSignature(note, parseVerifierKey(verifierKey("witness.example/w1", NOTE_ED25519, witness.publicKey))).ok).toBe(false);
    // A cosignature moved onto another tree size fails.
    const other = checkpointBody({ origin: "console.example/audit", size: 6, rootHex: ROOT });
    expect(verifyNoteSignature(parseNote(formatNote(other, [line])), vkey)).toEqual({ ok: false, reason: "the cosignature by witness.example/w1 does not verify" });
  });

  it("refuse malformed notes with the reason", () => {
    expect(() => parseNote("text\n")).toThrow(/no blank line/);
    expect(() => parseNote("text\n\n— a AAAAAAA=")).toThrow(/end with a newline/);
    expect(() => parseNote("text\n\n-- a AAAAAAAA\n")).toThrow(/does not start with/);
    expect(() => parseNote("text\n\n— a\n")).toThrow(/not "— <name> <signature>"/);
    expect(() => parseNote("text\n\n— a AAAA\n")).toThrow(/too short/);
    expect(() => parseNote("text\r\n\n— a AAAAAAAA\n")).toThrow(/carriage return/);
  });
});
