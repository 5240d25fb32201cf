import type { CloudEvent } from '@chanjiao/contracts';

/**
 * The consumer's transaction over one batch of events, supplied by the consuming app.
 * The transport calls handlers between `begin` and `commit` and acknowledges only after `commit`.
 */
export interface EventUnitOfWork<TTx extends EventTransaction = EventTransaction> {
  /**
   * Opens a transaction and records the batch's event ids in the inbox; `isFresh` tells which were new. `received`,
   * where given, holds the body each event came in (the same order): JSON that parses to at least the event.
   */
  begin(events: readonly CloudEvent[], received?: readonly string[]): Promise<TTx>;
}

export interface EventTransaction {
  isFresh(eventId: string): boolean;
  /** The handler of this event failed: forget its inbox row, so a retry applies it. */
  discard(eventId: string): void;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * One handler for every event type it names, given each fresh event of a batch with the batch's transaction: the
 * consumer calls it directly (no Nest handler, context or filter per event). A throw rejects that event alone (retry
 * tiers, then the DLQ); a type it does not name is dead-lettered (`no_handler`), as a type with no handler is.
 */
export interface EventApplier<TTx extends EventTransaction = EventTransaction> {
  readonly types: readonly string[];
  /** `attempt`: 1 on first delivery, n on the n-th after retries through the retry tiers. */
  apply(event: CloudEvent, tx: TTx, attempt: number): void | Promise<void>;
}
