import { describe, expect, it } from "vitest";
import { crc32, hashToken, mintToken, parseToken, TOKEN_LENGTH, TOKEN_PREFIX, tokenHint, tokenMatchesHash } from "./format";

describe("API token format", () => {
  it("mints cgt_ + id + secret + check, with a public id and the SHA-256 of the whole token", () => {
    const minted = mintToken();
    expect(minted.token).toMatch(/^cgt_[a-z2-7]{48}$/);
    expect(minted.token).toHaveLength(TOKEN_LENGTH);
    expect(minted.id).toBe(`tok_${minted.token.slice(TOKEN_PREFIX.length, TOKEN_PREFIX.length + 10)}`);
    expect(minted.hash).toBe(hashToken(minted.token));
    expect(minted.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(parseToken(minted.token)).toEqual({ ok: true, id: minted.id });
  });

  it("never mints the same token twice and never derives the secret from the id", () => {
    const seen = new Set<string>();
    for (let i = 0; i < 200; i += 1) seen.add(mintToken().token);
    expect(seen.size).toBe(200);
    const fixed = (byte: number) => (n: number) => new Uint8Array(n).fill(byte);
    expect(mintToken(fixed(0)).token).toBe(`${TOKEN_PREFIX}${"a".repeat(42)}${mintToken(fixed(0)).token.slice(-6)}`);
    expect(mintToken(fixed(0)).token).not.toBe(mintToken(fixed(1)).token);
  });

  it("tells a mistyped or truncated token (checksum, shape) from a wrong one", () => {
    const { token } = mintToken();
    const typo = token.slice(0, 20) + (token[20] === "a" ? "b" : "a") + token.slice(21);
    expect(parseToken(typo)).toEqual({ ok: false, reason: "checksum" });
    expect(parseToken(token.slice(0, -1))).toEqual({ ok: false, reason: "malformed" });
    expect(parseToken(token.toUpperCase())).toEqual({ ok: false, reason: "malformed" });
    expect(parseToken("ghp_abcdefghijklmnopqrstuvwxyz0123456789")).toEqual({ ok: false, reason: "malformed" });
    expect(parseToken("")).toEqual({ ok: false, reason: "malformed" });
    expect(parseToken(` ${token}\n`)).toMatchObject({ ok: true });
  });

  it("compares a presented token with the stored hash (whitespace around it ignored)", () => {
    const a = mintToken();
    const b = mintToken();
    expect(tokenMatchesHash(a.token, a.hash)).toBe(true);
    expect(tokenMatchesHash(`${a.token}\n`, a.hash)).toBe(true);
    expect(tokenMatchesHash(b.token, a.hash)).toBe(false);
    expect(tokenMatchesHash(a.token, "not-hex")).toBe(false);
  });

  it("crc32 is the standard CRC-32 (IEEE)", () => {
    expect(crc32("123456789")).toBe(0xcbf43926);
    expect(crc32("")).toBe(0);
  });

  it("a hint shows the prefix and four characters only", () => {
    const { token } = mintToken();
    expect(tokenHint(token)).toBe(`${token.slice(0, 8)}…`);
  });
});
