import {
  execute,
  getNamedType,
  isInterfaceType,
  isLeafType,
  isNonNullType,
  isObjectType,
  parse,
  type DocumentNode,
  type GraphQLObjectType,
  type GraphQLSchema,
} from "graphql";
import type { RequestContext } from "../../platform/context";
import { toGlobalId } from "../../platform/graphql/global-id";
import { MAX_NODES } from "../node";

// The `data` of an outgoing webhook is the GraphQL type of its subject, read through the same
// schema and resolvers a client's query uses (one serializer for both): every field that needs
// no argument and is a scalar or an enum, related objects as { id } (an id node(id:) finds),
// and objects without an id (stats, checks) with their own such fields, two levels deep.
// Lists of other objects (connections) are left out: query them with the ids.

const MAX_DEPTH = 2;

function selectionOf(type: GraphQLObjectType, depth: number): string {
  const parts: string[] = [];
  for (const field of Object.values(type.getFields())) {
    if (field.deprecationReason) continue;
    if (field.args.some((a) => isNonNullType(a.type) && a.defaultValue === undefined)) continue;
    const named = getNamedType(field.type);
    if (isLeafType(named)) {
      parts.push(field.name);
    } else if (isObjectType(named) || isInterfaceType(named)) {
      if (named.name.endsWith("Connection")) continue;
      if (named.getFields().id) parts.push(`${field.name} { id }`);
      else if (depth > 0 && isObjectType(named)) {
        const inner = selectionOf(named, depth - 1);
        if (inner) parts.push(`${field.name} { ${inner} }`);
      }
    }
  }
  return parts.join(" ");
}

const documents = new WeakMap<GraphQLSchema, Map<string, DocumentNode>>();

function documentFor(schema: GraphQLSchema, typeName: string): DocumentNode {
  let bySchema = documents.get(schema);
  if (!bySchema) documents.set(schema, (bySchema = new Map()));
  let doc = bySchema.get(typeName);
  if (!doc) {
    const type = schema.getType(typeName);
    if (!isObjectType(type)) throw new Error(`no object type ${typeName} in the schema`);
    doc = parse(
      `query WebhookData($ids: [ID!]!) { nodes(ids: $ids) { ... on ${typeName} { ${selectionOf(type, MAX_DEPTH)} } } }`,
    );
    bySchema.set(typeName, doc);
  }
  return doc;
}

/**
 * The data of each row (by uuid) of a Node type, read in the caller's transaction with the
 * read scope. Rows that cannot be read (gone) are absent from the map.
 */
export async function serializeNodes(
  ctx: RequestContext,
  typeName: string,
  uuids: readonly string[],
): Promise<Map<string, Record<string, unknown>>> {
  const out = new Map<string, Record<string, unknown>>();
  if (uuids.length === 0) return out;
  const schema = ctx.app.schema;
  if (!schema) throw new Error("outgoing webhooks need the app's GraphQL schema");
  const reader = ctx.withScopes(["read"]);
  for (let start = 0; start < uuids.length; start += MAX_NODES) {
    const chunk = uuids.slice(start, start + MAX_NODES);
    const result = await execute({
      schema,
      document: documentFor(schema, typeName),
      contextValue: reader,
      variableValues: { ids: chunk.map((u) => toGlobalId(typeName, u)) },
    });
    if (result.errors?.length) throw result.errors[0];
    const nodes = (result.data?.nodes ?? []) as Array<Record<string, unknown> | null>;
    nodes.forEach((node, i) => {
      if (node) out.set(chunk[i], node);
    });
  }
  return out;
}
