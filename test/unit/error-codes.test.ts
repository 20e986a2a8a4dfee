import "reflect-metadata";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isEnumType, isNonNullType, isObjectType, type GraphQLEnumType } from "graphql";
import { describe, expect, it } from "vitest";
import { ERROR_CODES, getSchema } from "../../src/app/schema";
import { EXTENSION_CODES } from "../../src/platform/graphql/errors";
import { assembleUserErrorCodes, defineErrorCodes, userErrorCodes } from "../../src/platform/graphql/user-error";

describe("UserErrorCode", () => {
  it("is the enum userErrors[].code returns, assembled from every module's codes and the common ones", async () => {
    const schema = await getSchema();
    const userError = schema.getType("UserError");
    if (!isObjectType(userError)) throw new Error("UserError is not an object type");
    const code = userError.getFields().code.type;
    expect(isNonNullType(code) && isEnumType(code.ofType) && code.ofType.name).toBe("UserErrorCode");
    const values = (schema.getType("UserErrorCode") as GraphQLEnumType).getValues();
    const fromModules = ERROR_CODES.flatMap((set) => Object.keys(set));
    expect(values.map((v) => v.name).sort()).toEqual(userErrorCodes());
    for (const c of [...fromModules, "NOT_FOUND", "TAKEN", "INVALID_EMAIL"]) expect(userErrorCodes()).toContain(c);
    // One meaning per code: each has its own description.
    for (const v of values) expect(v.description, v.name).toBeTruthy();
  });

  it("refuses a code that two modules declare", () => {
    const twice = defineErrorCodes("test", { TAKEN: "Taken again." });
    expect(() => assembleUserErrorCodes([twice])).toThrow(/TAKEN is declared by both common and test/);
  });
});

describe("extensions.code", () => {
  it("is listed in the schema's description and in README's table, the same codes with the same HTTP status", async () => {
    const schema = await getSchema();
    const readme = readFileSync(resolve(__dirname, "../../README.md"), "utf8");
    const table = [...readme.matchAll(/^ {2}\| `([A-Z_]+)` \| ([0-9 /]+) \|/gm)].map((m) => [m[1], m[2].trim()]);
    expect(table).toEqual(EXTENSION_CODES.map((c) => [c.code, c.http]));
    for (const c of EXTENSION_CODES) expect(schema.description).toContain(`- ${c.code} (HTTP ${c.http}`);
    expect(schema.description).toContain("extensions.committedAt");
  });
});
