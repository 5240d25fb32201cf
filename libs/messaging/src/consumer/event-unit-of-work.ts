import type { CloudEvent } from '@chanjiao/contracts';

/**
 * The consumer's transaction over one batch of events, supplied by the consuming app.
 * The transport calls the app's applier between `begin` and `commit` and acknowledges only after `commit`.
 */
export interface EventUnitOfWork<TTx extends EventTransaction = EventTransaction> {
  /**
   * Opens a transaction and records the batch's event ids in the inbox; `isFresh` tells which were new. `events` are at
   * the latest version of their types (`upcastEvent`); `received`, where given, holds each as it came (the same order).
   */
  begin(events: readonly CloudEvent[], received?: readonly ReceivedEvent[]): Promise<TTx>;
}

/** An event as it came, before upcasting: what a log of events received keeps. */
export interface ReceivedEvent {
  /** The body: JSON that parses to at least the event at this version. */
  body: string;
  /** The type it came as (its version), which `events` may hold upcast to a later one. */
  type: string;
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
  /** The types it applies, at their latest versions: the consumer takes their earlier versions too, upcast to these. */
  readonly types: readonly string[];
  /** `attempt`: 1 on first delivery, n on the n-th after retries through the retry tiers. */
  apply(event: CloudEvent, tx: TTx, attempt: number): void | Promise<void>;
}
