import { getSchema, schemaSdl } from "../app/schema";

/** `rebound print-schema`: the SDL generated from the code (what schema.graphql must equal). */
export async function run(): Promise<number> {
  process.stdout.write(schemaSdl(await getSchema()));
  return 0;
}
