import type { CloudEvent } from '@chanjiao/contracts';

/**
 * The consumer's transaction over one batch of events, supplied by the consuming app.
 * The transport calls the app's applier between `begin` and `commit` and acknowledges only after `commit`.
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
  /** Applying this event failed: forget its inbox row, so a retry applies it. */
  discard(eventId: string): void;
  commit(): Promise<void>;
  rollback(): Promise<void>;
}

/**
 * How a consumer applies events: given each fresh event of a batch with the batch's transaction for every type it
 * names. The consumer calls it directly (Nest only starts and stops the transport; no handler is looked up per event).
 * A throw rejects that event alone (retry tiers, then the DLQ); a type it does not name is dead-lettered (`no_handler`).
 */
export interface EventApplier<TTx extends EventTransaction = EventTransaction> {
  readonly types: readonly string[];
  /** `attempt`: 1 on first delivery, n on the n-th after retries through the retry tiers. */
  apply(event: CloudEvent, tx: TTx, attempt: number): void | Promise<void>;
}
