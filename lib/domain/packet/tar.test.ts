import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readTar, TarError, writeTar } from "./tar";

const members = [
  { name: "manifest.json", data: Buffer.from('{"a":1}') },
  { name: "empty.jsonl", data: new Uint8Array(0) },
  { name: "policies/1.yaml", data: Buffer.from("x".repeat(512)) },
  { name: "big.bin", data: new Uint8Array(1300).fill(7) },
];

describe("ustar writer and strict reader", () => {
  it("round-trips and is readable by the system tar", () => {
    const bytes = writeTar(members, 1_700_000_000);
    expect(bytes.length % 512).toBe(0);
    expect(readTar(bytes).map((m) => [m.name, Buffer.from(m.data).toString("hex")])).toEqual(members.map((m) => [m.name, Buffer.from(m.data).toString("hex")]));
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cellgate-tar-"));
    try {
      fs.writeFileSync(path.join(dir, "p.tar"), bytes);
      const listing = execFileSync("tar", ["-tf", path.join(dir, "p.tar")], { encoding: "utf8" });
      expect(listing.trim().split("\n")).toEqual(members.map((m) => m.name));
      execFileSync("tar", ["-xf", "p.tar"], { cwd: dir });
      expect(fs.readFileSync(path.join(dir, "policies/1.yaml"), "utf8")).toBe("x".repeat(512));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("refuses names it did not generate", () => {
    for (const name of ["../etc/passwd", "/abs", "a/../b", "UPPER.json", "a//b", "", "x".repeat(101), "a b"]) {
      expect(() => writeTar([{ name, data: new Uint8Array(0) }], 0)).toThrow(TarError);
    }
    expect(() => writeTar([members[0]!, members[0]!], 0)).toThrow(/duplicate/);
  });

  it("fails on any changed byte outside member data", () => {
    const bytes = writeTar(members.slice(0, 2), 1_700_000_000);
    const dataRanges = readTar(bytes).map((m) => [m.offset + 512, m.offset + 512 + m.data.length] as const);
    for (let i = 0; i < bytes.length; i += 1) {
      if (dataRanges.some(([from, to]) => i >= from && i < to)) continue;
      const copy = bytes.slice();
      copy[i]! ^= 0x01;
      expect(() => readTar(copy), `byte ${i}`).toThrow(TarError);
    }
  });

  it("names the problem: truncation, trailing bytes, other headers", () => {
    const bytes = writeTar(members, 0);
    expect(() => readTar(bytes.subarray(0, bytes.length - 512))).toThrow(/end-of-archive/);
    expect(() => readTar(bytes.subarray(0, 1000))).toThrow(/multiple of 512/);
    expect(() => readTar(Buffer.concat([bytes, new Uint8Array(512)]))).toThrow(/exactly two end-of-archive blocks/);
    const gnu = bytes.slice();
    gnu.set(Buffer.from("ustar  \0"), 257);
    expect(() => readTar(gnu)).toThrow(/member 1 \("manifest.json"\)/);
  });
});
