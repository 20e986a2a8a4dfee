// What the inbox module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { Inbox } from "./inbox.entity";
export { inboxService } from "./inbox.service";
export { inboxById } from "./inbox.service";
