// What the alert module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { Alert } from "./alert.entity";
export { alertService } from "./alert.service";
export { ALERT_RAISED_HOOKS } from "./alert.hooks";
export type { AlertRaisedHook } from "./alert.hooks";
export { alertsForAudits, alertsForIngest, feedsForIngest } from "./alert.plugs";
