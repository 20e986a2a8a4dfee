// What the suppression module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { Suppression } from "./suppression.entity";
export { suppressionService } from "./suppression.service";
export type { IngestedEventFacts } from "./suppression.service";
export { SUPPRESSION_HOOKS } from "./suppression.hooks";
export type { SuppressionChange, SuppressionHook } from "./suppression.hooks";
