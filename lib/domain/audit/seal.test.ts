import { describe, expect, it } from "vitest";
import { sealText } from "./seal";

describe("sealText", () => {
  const now = new Date("2026-12-07T18:00:10.000Z");
  it("names the sequence number once sealed", () => {
    expect(sealText({ auditSeq: 42, time: "2026-12-07T18:00:00.000Z" }, now)).toBe("sealed at #42");
  });
  it("says how long a receipt has waited while pending", () => {
    expect(sealText({ auditSeq: null, time: "2026-12-07T18:00:00.000Z" }, now)).toBe("pending seal, 10 s");
    expect(sealText({ auditSeq: null, time: new Date("2026-12-07T18:00:09.600Z") }, now)).toBe("pending seal, 0 s");
  });
  it("never reports a negative wait (clock skew between replicas)", () => {
    expect(sealText({ auditSeq: null, time: "2026-12-07T18:00:30.000Z" }, now)).toBe("pending seal, 0 s");
  });
});
