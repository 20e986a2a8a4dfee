// What the delivery module offers the rest of the system: other modules import these from here,
// never its files (a lint rule holds them to it).
export {
  CounterDeltas,
  MAX_TIMELINE_BUCKETS,
  addCounts,
  deliveryCounterService,
  emptyTotals,
  timeline,
  timelineStarts,
  utcDay,
} from "./delivery-counter.service";
export type {
  CounterWindow,
  DeliveryCounts,
  DeliveryTotals,
  TimelineCounts,
  TimelineInterval,
  TimelineScope,
} from "./delivery-counter.service";
