import { allianceChildSubject, buildEvent, CloudEvent, MAX_SUBJECT_LENGTH } from '@chanjiao/contracts';
import { DomainError, ItemResult, actorAt, traceparentAt, WriteContext } from '@chanjiao/platform';
import { AllianceErrorCode } from './alliance.errors';
import type { Decision } from '@chanjiao/domain';

/**
 * Collects the effects of the items of one write, decided in order: rows to insert, rows to update
 * and the events to append to the outbox in the same transaction.
 */
export class Staging<S> {
  readonly created = new Map<string, S>();
  readonly updated = new Map<string, S>();
  readonly events: CloudEvent[] = [];

  constructor(private readonly ctx: WriteContext) {}

  /** Stages item `index`'s decision about the entity `key`; its event goes out under `subject` with `sequence`. */
  apply(index: number, key: string, subject: string, d: Decision<S>, sequence: (s: S) => number): ItemResult<S> {
    if (!d.ok) return d;
    if (d.emit) {
      // Created then changed within one batch: still one INSERT, of the latest state.
      (this.created.has(key) || d.outcome === 'created' ? this.created : this.updated).set(key, d.state);
      this.events.push(
        buildEvent(d.emit.definition, {
          institution: this.ctx.institution,
          subject,
          sequence: sequence(d.state),
          data: d.emit.data,
          traceparent: traceparentAt(this.ctx, index),
          actor: actorAt(this.ctx, index),
        }),
      );
    }
    return { ok: true, outcome: d.outcome, value: d.state };
  }
}

export const allianceNotFound = (allianceId: string): DomainError =>
  new DomainError(
    'not_found',
    AllianceErrorCode.AllianceNotFound,
    `no alliance ${allianceId}; PUT /alliances/${allianceId} first`,
    'allianceId',
  );

/** `<allianceId>/<id>` must fit in an event subject; a 400 naming `field` otherwise. */
export function subjectError(allianceId: string, id: string, field: string): DomainError | undefined {
  if (allianceChildSubject(allianceId, id).length <= MAX_SUBJECT_LENGTH) return undefined;
  return new DomainError(
    'invalid',
    AllianceErrorCode.SubjectTooLong,
    `allianceId and ${field} together must be at most ${MAX_SUBJECT_LENGTH - 1} characters`,
    field,
  );
}
