// What the bounce module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { BounceEvent } from "./bounce-event.entity";
export { bounceService } from "./bounce.service";
