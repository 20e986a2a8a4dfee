import {
  getNamedType,
  isInterfaceType,
  isObjectType,
  Kind,
  visit,
  type DocumentNode,
  type FragmentDefinitionNode,
  type GraphQLNamedType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from "graphql";
import { textProblem } from "../../core/input-checks";
import { AppError } from "./errors";

// Checks that depend on the request (its variables, its key), run once per operation after
// validation and before anything executes, by both transports (HTTP and WebSocket). They
// are not validation rules because validated documents are cached without the request.

const MAX_VARIABLE_DEPTH = 64;

function refuse(path: string, problem: string): never {
  throw new AppError("BAD_USER_INPUT", `${path} ${problem}.`, { field: path, http: { status: 400 } });
}

/**
 * The input wall for GraphQL: every string the operation carries (literals in the document
 * and the variables, keys included) is refused when it cannot be stored as given (NUL, an
 * unpaired surrogate), so no resolver or database statement ever sees one.
 */
export function checkInputStrings(document: DocumentNode, variables: Record<string, unknown> | null | undefined): void {
  visit(document, {
    StringValue(node) {
      const problem = textProblem(node.value);
      if (problem) refuse(`A string in the query (line ${node.loc?.startToken.line ?? "?"})`, problem);
    },
  });
  const walk = (value: unknown, path: string, depth: number): void => {
    if (typeof value === "string") {
      const problem = textProblem(value);
      if (problem) refuse(path, problem);
      return;
    }
    if (value === null || typeof value !== "object") return;
    if (depth > MAX_VARIABLE_DEPTH) refuse(path, `is nested more than ${MAX_VARIABLE_DEPTH} levels deep`);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walk(value[i], `${path}.${i}`, depth + 1);
      return;
    }
    for (const key of Object.keys(value)) {
      const problem = textProblem(key);
      if (problem) refuse(`${path} key`, problem);
      walk((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
  };
  if (variables) for (const name of Object.keys(variables)) walk(variables[name], `$${name}`, 0);
}

function isNodeType(type: GraphQLNamedType): boolean {
  if (isInterfaceType(type)) return type.name === "Node" || type.getInterfaces().some((i) => i.name === "Node");
  return isObjectType(type) && type.getInterfaces().some((i) => i.name === "Node");
}

/**
 * What a mutation's payload shows a key without the `read` scope: the ids of the objects it
 * touched and counts, nothing more. Inside any object that is a Node (an event, a
 * suppression, a campaign...), only `id` and `__typename` may be selected; everything else
 * is FORBIDDEN before the mutation runs (an ingest-only key must not read campaign names,
 * status or stats through `ingestBounces { events { campaign { … } } }`).
 */
export function checkPayloadScopes(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  canRead: boolean,
): void {
  if (canRead || operation.operation !== "mutation") return;
  const root = schema.getMutationType();
  if (!root) return;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);

  const walk = (
    set: SelectionSetNode,
    parent: GraphQLNamedType | undefined,
    inNode: boolean,
    seen: ReadonlySet<string>,
  ): void => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        const name = s.name.value;
        if (name === "__typename") continue;
        if (inNode && name !== "id") {
          throw new AppError(
            "FORBIDDEN",
            `Reading ${parent?.name ?? "an object"}.${name} in a mutation's answer needs the "read" scope; without it, a payload gives ids and counts only.`,
            { requiredScope: "read", http: { status: 403 } },
          );
        }
        if (!s.selectionSet) continue;
        const field =
          parent && (isObjectType(parent) || isInterfaceType(parent)) ? parent.getFields()[name] : undefined;
        const type = field ? getNamedType(field.type) : undefined;
        walk(s.selectionSet, type, inNode || (type !== undefined && isNodeType(type)), seen);
      } else if (s.kind === Kind.INLINE_FRAGMENT) {
        const type = s.typeCondition ? schema.getType(s.typeCondition.name.value) : parent;
        walk(s.selectionSet, type ?? undefined, inNode || (type ? isNodeType(type) : false), seen);
      } else {
        const fragment = fragments.get(s.name.value);
        if (!fragment || seen.has(s.name.value)) continue;
        const type = schema.getType(fragment.typeCondition.name.value) ?? undefined;
        walk(
          fragment.selectionSet,
          type,
          inNode || (type ? isNodeType(type) : false),
          new Set([...seen, s.name.value]),
        );
      }
    }
  };
  walk(operation.selectionSet, root, false, new Set());
}
