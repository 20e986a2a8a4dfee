import "reflect-metadata";
import { readFileSync } from "node:fs";
import { resolve } from "node:path";
import { isEnumType, isInputObjectType, isInterfaceType, isObjectType, isSpecifiedScalarType } from "graphql";
import { describe, expect, it } from "vitest";
import { getSchema, schemaSdl } from "../../src/app/schema";

describe("the GraphQL schema", () => {
  it("is committed as schema.graphql exactly as the code generates it (run `npm run schema` after a change)", async () => {
    const committed = readFileSync(resolve(__dirname, "../../schema.graphql"), "utf8");
    expect(committed).toBe(schemaSdl(await getSchema()));
  });

  it("describes every type, field, argument and enum value: it is the playground's documentation", async () => {
    const schema = await getSchema();
    const missing: string[] = [];
    for (const type of Object.values(schema.getTypeMap())) {
      if (type.name.startsWith("__") || isSpecifiedScalarType(type)) continue;
      const isRoot = [schema.getQueryType(), schema.getMutationType(), schema.getSubscriptionType()].includes(
        type as never,
      );
      if (!type.description && !isRoot) missing.push(type.name);
      if (isObjectType(type) || isInterfaceType(type) || isInputObjectType(type)) {
        for (const field of Object.values(type.getFields())) {
          if (!field.description) missing.push(`${type.name}.${field.name}`);
          for (const arg of "args" in field ? field.args : []) {
            if (!arg.description && !["first", "after", "id", "input"].includes(arg.name))
              missing.push(`${type.name}.${field.name}(${arg.name})`);
          }
        }
      }
      if (isEnumType(type)) {
        for (const value of type.getValues())
          if (!value.description && !type.description) missing.push(`${type.name}.${value.name}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
