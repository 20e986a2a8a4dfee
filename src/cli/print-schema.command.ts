import { printSchema } from "graphql";
import { getSchema } from "../app/schema";

/** `rebound print-schema`: the SDL generated from the code (what schema.graphql must equal). */
export async function run(): Promise<number> {
  process.stdout.write(printSchema(await getSchema()) + "\n");
  return 0;
}
