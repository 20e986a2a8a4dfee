import { Kind, type GraphQLResolveInfo, type SelectionSetNode } from "graphql";

/**
 * The field names an operation selects at `path` below the current field (e.g. ["edges",
 * "node"] of a connection), fragments followed. Directives (@skip, @include) are not
 * evaluated: a field they leave out may still be listed, so use this to read ahead, never to
 * decide what a response contains.
 */
export function selectedFields(info: GraphQLResolveInfo, path: readonly string[]): ReadonlySet<string> {
  const out = new Set<string>();
  const walk = (set: SelectionSetNode | undefined, rest: readonly string[]): void => {
    if (!set) return;
    for (const s of set.selections) {
      if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet, rest);
      else if (s.kind === Kind.FRAGMENT_SPREAD) walk(info.fragments[s.name.value]?.selectionSet, rest);
      else if (rest.length === 0) out.add(s.name.value);
      else if (s.name.value === rest[0]) walk(s.selectionSet, rest.slice(1));
    }
  };
  for (const field of info.fieldNodes) walk(field.selectionSet, path);
  return out;
}
