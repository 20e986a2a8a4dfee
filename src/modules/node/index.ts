// What the node module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { MAX_NODES, registerNodeType } from "./node.resolver";
