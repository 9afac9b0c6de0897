import { describe, expect, it } from "vitest";
import { Prisma } from "@/lib/generated/prisma/client";
import { scopedSql, scopedSqlText, scopedWhere } from "./where";

const A = "00000000-0000-4000-8000-00000000000a";
const B = "00000000-0000-4000-8000-00000000000b";

describe("scope → WHERE, one helper per dialect", () => {
  it("Prisma where objects: nothing for every tenant, `in` otherwise (an empty `in` matches nothing)", () => {
    expect(scopedWhere({ all: true })).toEqual({});
    expect(scopedWhere({ all: false, tenantIds: [A, B] })).toEqual({ tenantId: { in: [A, B] } });
    expect(scopedWhere({ all: false, tenantIds: [] }, "id")).toEqual({ id: { in: [] } });
  });

  it("tagged SQL: TRUE, FALSE, or = ANY with the ids as one parameter", () => {
    expect(scopedSql({ all: true }, Prisma.sql`t."id"`).sql).toBe("TRUE");
    expect(scopedSql({ all: false, tenantIds: [] }, Prisma.sql`t."id"`).sql).toBe("FALSE");
    const some = scopedSql({ all: false, tenantIds: [A] }, Prisma.sql`j."tenantId"`);
    expect(some.sql).toBe('j."tenantId" = ANY(?::uuid[])');
    expect(some.values).toEqual([[A]]);
  });

  it("plain SQL text: numbers its parameter after those already pushed", () => {
    const params: unknown[] = ["x"];
    expect(scopedSqlText({ all: false, tenantIds: [A, B] }, `e."tenantId"`, params)).toBe(`e."tenantId" = ANY($2::uuid[])`);
    expect(params).toEqual(["x", [A, B]]);
    expect(scopedSqlText({ all: true }, "c", params)).toBe("TRUE");
    expect(scopedSqlText({ all: false, tenantIds: [] }, "c", params)).toBe("FALSE");
    expect(params).toHaveLength(2);
  });
});
