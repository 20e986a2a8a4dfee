// Which health fields of a page of campaigns a query asks for: what the campaigns field
// prefetches with the page (health-prefetch.ts). Fragments and inline fragments count;
// the same names elsewhere in the query (a domain's stats) do not.

import "reflect-metadata";
import {
  parse,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type FieldNode,
} from "graphql";
import { describe, expect, it } from "vitest";
import { healthWanted } from "../../src/modules/health/health-prefetch";

function wantedIn(query: string) {
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === "FragmentDefinition")
      .map((f) => [f.name.value, f]),
  );
  const campaigns = op.selectionSet.selections[0] as FieldNode;
  return healthWanted([campaigns], { fragments } as unknown as GraphQLResolveInfo, ["edges", "node"]);
}

describe("healthWanted", () => {
  it.each([
    ["{ campaigns(first: 5) { edges { node { id name } } } }", { totals: false, readiness: false }],
    ["{ campaigns(first: 5) { edges { node { zone } } } }", { totals: true, readiness: false }],
    ["{ campaigns(first: 5) { edges { node { benchmarks { zone } } } } }", { totals: true, readiness: false }],
    ["{ campaigns(first: 5) { edges { node { readiness { ready } } } } }", { totals: false, readiness: true }],
    [
      "{ campaigns(first: 5) { edges { node { s: stats { sent } readiness { ready } } } } }",
      { totals: true, readiness: true },
    ],
    [
      "{ campaigns(first: 5) { edges { node { domain { stats { sent } zone } } } } }",
      { totals: false, readiness: false },
    ],
    ["{ campaigns(first: 5) { pageInfo { hasNextPage } edges { cursor } } }", { totals: false, readiness: false }],
    [
      "{ campaigns(first: 5) { edges { ... on CampaignEdge { node { ... on Campaign { zone } } } } } }",
      { totals: true, readiness: false },
    ],
    [
      "{ campaigns(first: 5) { ...P } } fragment P on CampaignConnection { edges { node { ...H } } } fragment H on Campaign { readiness { ready } }",
      { totals: false, readiness: true },
    ],
  ])("%s", (query, expected) => {
    expect(wantedIn(query)).toEqual(expected);
  });
});
