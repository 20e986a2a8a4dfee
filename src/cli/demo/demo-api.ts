// The demo speaks to Rebound the way an integrating product does: GraphQL over HTTP with an
// API key. Any error or userError stops it with the API's own message.

export type Call = <T>(query: string, variables?: Record<string, unknown>) => Promise<T>;

export function graphqlCall(url: string, apiKey: string): Call {
  return async function call<T>(query: string, variables?: Record<string, unknown>): Promise<T> {
    const res = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${apiKey}` },
      body: JSON.stringify({ query, variables }),
    });
    const body = (await res.json()) as {
      data?: Record<string, unknown>;
      errors?: Array<{ message: string; extensions?: { code?: string } }>;
    };
    if (body.errors?.length) {
      throw new Error(
        `the API answered ${body.errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; ")}`,
      );
    }
    for (const [field, value] of Object.entries(body.data ?? {})) {
      const userErrors = (value as { userErrors?: Array<{ code: string; message: string }> } | null)?.userErrors;
      if (userErrors?.length)
        throw new Error(`${field}: ${userErrors.map((e) => `${e.code}: ${e.message}`).join("; ")}`);
    }
    return body.data as T;
  };
}
