import { EventSubscriber, type EntitySubscriberInterface, type TransactionStartEvent } from "typeorm";
import { TENANT_TRANSACTION } from "./tenant-transaction";

/**
 * Refuses a transaction TypeORM would open on a tenant transaction's connection (a save()
 * or remove() without `{ transaction: false }`, or manager.transaction()): TypeORM does not
 * know the tenant transaction is open, so its START would join it and its COMMIT would end
 * it halfway through the request, leaving the rest of the request unbound and uncommitted
 * as one. Registered as a TypeORM subscriber, its documented hook before a transaction starts.
 */
@EventSubscriber()
export class OwnTransactionGuard implements EntitySubscriberInterface {
  beforeTransactionStart(event: TransactionStartEvent): void {
    if (event.queryRunner.data?.[TENANT_TRANSACTION]) {
      throw new Error(
        "This connection is inside a tenant transaction TypeORM did not open: call save() and remove() with { transaction: false }.",
      );
    }
  }
}
