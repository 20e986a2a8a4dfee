// The cost an answer reports (extensions.cost.actualQueryCost): every object in its data
// counts 1, a scalar 0, never more than was requested and never less than 1.

import "reflect-metadata";
import { buildSchema, execute, type GraphQLScalarType, Kind, parse, type OperationDefinitionNode } from "graphql";
import { describe, expect, it } from "vitest";
import { actualCost } from "../../src/platform/graphql/limits";

const schema = buildSchema(`
  scalar JSONObject
  type Query { campaigns: [Campaign!]!, viewer: Tenant!, nested: [[Campaign]] }
  type Tenant { name: String!, settings: JSONObject! }
  type Campaign { id: ID!, stats: Stats!, items: [Item!]!, previous: Campaign }
  type Stats { sent: Int! }
  type Item { id: ID!, passed: Boolean! }
`);
const json = schema.getType("JSONObject") as GraphQLScalarType;
json.serialize = (v) => v;

const campaign = (id: number, previous: unknown = null) => ({
  id,
  stats: { sent: id * 10 },
  items: [
    { id: "a", passed: true },
    { id: "b", passed: false },
  ],
  previous,
});
const root = {
  campaigns: [campaign(1), campaign(2, campaign(3))],
  viewer: { name: "t", settings: { deep: { deeper: {} } } },
  nested: [[campaign(4)], [null]],
};

/** The answer graphql-js builds (objects without a prototype), and its cost. */
function cost(query: string, requested = 1_000) {
  const document = parse(query);
  const operation = document.definitions.find((d) => d.kind === Kind.OPERATION_DEFINITION) as OperationDefinitionNode;
  const result = execute({ schema, document, rootValue: root }) as { data: unknown; errors?: unknown };
  expect(result.errors).toBeUndefined();
  return actualCost(result.data, requested, document, operation);
}

describe("the actual cost of an answer", () => {
  it("counts each object below the root once, in lists and lists of lists, null never", () => {
    // campaigns: 2 campaigns + 2 stats + 4 items + 1 previous (with its stats and 2 items);
    // nested: 1 campaign with its stats.
    expect(
      cost(`{ campaigns { id stats { sent } items { id } previous { id stats { sent } items { passed } } }
              nested { stats { sent } } }`),
    ).toBe(2 + 2 + 4 + 1 + 1 + 2 + 1 + 1);
  });

  it("counts a field selected twice, through fragments and aliases, as the one object the answer has", () => {
    const plain = cost(`{ campaigns { stats { sent } items { id passed } } }`);
    expect(
      cost(`query { campaigns { stats { sent } ...F ... on Campaign { items { passed } } } }
            fragment F on Campaign { stats { sent } items { id } }`),
    ).toBe(plain);
    expect(cost(`{ campaigns { s: stats { sent } t: stats { sent } } }`)).toBe(2 + 2 + 2);
  });

  it("counts a scalar as 0 whatever its value holds", () => {
    expect(cost(`{ viewer { name settings } }`)).toBe(1);
  });

  it("is never more than was requested, nor less than 1", () => {
    expect(cost(`{ campaigns { items { id } } }`, 3)).toBe(3);
    expect(cost(`{ __typename }`)).toBe(1);
    expect(actualCost(undefined, 10, undefined, undefined)).toBe(1);
  });
});
