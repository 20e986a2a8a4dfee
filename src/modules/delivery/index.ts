// What the delivery module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export { CounterDeltas, addCounts, deliveryCounterService, emptyTotals, utcDay } from "./delivery-counter.service";
export type { CounterWindow, DeliveryCounts, DeliveryTotals } from "./delivery-counter.service";
