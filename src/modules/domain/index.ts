// What the domain module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { Domain } from "./domain.entity";
export { domainService } from "./domain.service";
export { domainById } from "./domain.service";
