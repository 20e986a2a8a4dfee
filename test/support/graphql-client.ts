// A real HTTP client for the API under test: plain fetch, the way integrators call it.

export interface GraphQLResponse<T = any> {
  status: number;
  data: T;
  errors?: Array<{ message: string; path?: string[]; extensions?: { code?: string; [k: string]: unknown } }>;
}

export function graphqlClient(url: string, apiKey?: string | null) {
  return async function gql<T = any>(
    query: string,
    variables?: Record<string, unknown>,
    headers: Record<string, string> = {},
  ): Promise<GraphQLResponse<T>> {
    const res = await fetch(url, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        ...(apiKey ? { authorization: `Bearer ${apiKey}` } : {}),
        ...headers,
      },
      body: JSON.stringify({ query, variables }),
    });
    const text = await res.text();
    let json: any;
    try {
      json = JSON.parse(text);
    } catch {
      throw new Error(`non-JSON response ${res.status}: ${text.slice(0, 200)}`);
    }
    return { status: res.status, data: json.data, errors: json.errors };
  };
}

export type Gql = ReturnType<typeof graphqlClient>;

/** Fails loudly when a call that should succeed returned errors or userErrors. */
export function ok<T = any>(response: GraphQLResponse<T>, field?: string): any {
  if (response.errors?.length) throw new Error(`GraphQL errors: ${JSON.stringify(response.errors)}`);
  const value = field ? (response.data as any)[field] : response.data;
  if (field && value?.userErrors?.length) throw new Error(`userErrors: ${JSON.stringify(value.userErrors)}`);
  return value;
}
