import { Field, ID, InterfaceType } from "type-graphql";

@InterfaceType("Node", {
  description: "An object with a globally unique, opaque id that node(id:) can fetch again.",
  resolveType: (value: object) => value.constructor.name,
})
export abstract class Node {
  @Field(() => ID, { description: "Opaque global id. Treat it as an opaque string." })
  id: string;
}
