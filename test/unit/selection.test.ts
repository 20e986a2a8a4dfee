// Which fields a query selects on a connection's nodes: what the campaign list tells its page
// readers (campaign.pages.ts; health reads a page's health with it when stats, benchmarks,
// zone or readiness are selected). Fragments and inline fragments count; the same names
// elsewhere in the query (a domain's stats) do not.

import "reflect-metadata";
import {
  parse,
  type FragmentDefinitionNode,
  type GraphQLResolveInfo,
  type OperationDefinitionNode,
  type FieldNode,
} from "graphql";
import { describe, expect, it } from "vitest";
import { selectedFields } from "../../src/platform/graphql/selection";

function wantedIn(query: string) {
  const doc = parse(query);
  const op = doc.definitions.find((d) => d.kind === "OperationDefinition") as OperationDefinitionNode;
  const fragments = Object.fromEntries(
    doc.definitions
      .filter((d): d is FragmentDefinitionNode => d.kind === "FragmentDefinition")
      .map((f) => [f.name.value, f]),
  );
  const campaigns = op.selectionSet.selections[0] as FieldNode;
  const info = { fieldNodes: [campaigns], fragments } as unknown as GraphQLResolveInfo;
  return [...selectedFields(info, ["edges", "node"])].sort();
}

describe("selectedFields on edges.node", () => {
  it.each([
    ["{ campaigns(first: 5) { edges { node { id name } } } }", ["id", "name"]],
    ["{ campaigns(first: 5) { edges { node { zone } } } }", ["zone"]],
    ["{ campaigns(first: 5) { edges { node { benchmarks { zone } } } } }", ["benchmarks"]],
    ["{ campaigns(first: 5) { edges { node { readiness { ready } } } } }", ["readiness"]],
    ["{ campaigns(first: 5) { edges { node { s: stats { sent } readiness { ready } } } } }", ["readiness", "stats"]],
    ["{ campaigns(first: 5) { edges { node { domain { stats { sent } zone } } } } }", ["domain"]],
    ["{ campaigns(first: 5) { pageInfo { hasNextPage } edges { cursor } } }", []],
    ["{ campaigns(first: 5) { edges { ... on CampaignEdge { node { ... on Campaign { zone } } } } } }", ["zone"]],
    [
      "{ campaigns(first: 5) { ...P } } fragment P on CampaignConnection { edges { node { ...H } } } fragment H on Campaign { readiness { ready } }",
      ["readiness"],
    ],
  ])("%s", (query, expected: string[]) => {
    expect(wantedIn(query)).toEqual(expected);
  });
});
