import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { validationFailed } from '../validation';
import type { AuditEntry, AuditPage } from './audit.dto';

/**
 * Where a service's audit trail is read from. A writing service's is its outbox: every write's events go there in the
 * write's own transaction, each with its `actor`, and the rows are kept after they are published (only the
 * `outbox_pending` list is emptied), so nothing more is written per request. Reporting's is its `event_log`: every
 * event it applied, as received, with the actor of the write that caused it.
 */
export type AuditSource = 'outbox' | 'event_log';
export const AUDIT_SOURCE = Symbol('AUDIT_SOURCE');

interface Row {
  cursor: string;
  at: Date;
  actor: string | null;
  type: string;
  subject: string;
  institution: string;
  event_id: string;
}

/** A page's position: the outbox id, or the event log's (received_at as PostgreSQL wrote it, id). */
type Position = { id: string } | { at: string; id: string };

const SQL: Record<AuditSource, (after: boolean, filtered: boolean) => string> = {
  outbox: (after, filtered) => `
    SELECT id::text AS cursor, created_at AS at, payload->>'actor' AS actor, routing_key AS type, payload->>'subject' AS subject,
           payload->>'institution' AS institution, event_id::text AS event_id
    FROM outbox
    WHERE true ${after ? 'AND id < $2::bigint' : ''} ${filtered ? `AND payload->>'institution' = ANY($${after ? 3 : 2}::text[])` : ''}
    ORDER BY id DESC LIMIT $1`,
  event_log: (after, filtered) => `
    SELECT received_at::text || ' ' || id::text AS cursor, received_at AS at, event->>'actor' AS actor, type, subject,
           institution, id::text AS event_id
    FROM event_log
    WHERE true ${after ? 'AND (received_at, id) < ($2::timestamptz, $3::uuid)' : ''} ${filtered ? `AND institution = ANY($${after ? 4 : 2}::text[])` : ''}
    ORDER BY received_at DESC, id DESC LIMIT $1`,
};

@Injectable()
export class AuditReader {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUDIT_SOURCE) private readonly source: AuditSource,
  ) {}

  /** Newest first; `institutions` undefined: every institution. */
  async page(limit: number, cursor: string | undefined, institutions: string[] | undefined): Promise<AuditPage> {
    const after = cursor === undefined ? undefined : this.decode(cursor);
    const params: unknown[] = [limit + 1];
    if (after) params.push(...('at' in after ? [after.at, after.id] : [after.id]));
    if (institutions) params.push(institutions);
    const rows = await this.dataSource.query<Row[]>(SQL[this.source](after !== undefined, institutions !== undefined), params);
    const items: AuditEntry[] = rows.slice(0, limit).map((r) => ({
      at: new Date(r.at).toISOString(),
      actor: r.actor,
      type: r.type,
      subject: r.subject,
      institution: r.institution,
      eventId: r.event_id,
    }));
    const last = rows.length > limit ? rows[limit - 1] : undefined;
    return { items, nextCursor: last ? this.encode(last.cursor) : null };
  }

  private encode(position: string): string {
    return Buffer.from(position, 'utf8').toString('base64url');
  }

  private decode(cursor: string): Position {
    const text = Buffer.from(cursor, 'base64url').toString('utf8');
    if (this.source === 'outbox' && /^\d{1,19}$/.test(text)) return { id: text };
    const m = /^(\d{4}-\d{2}-\d{2} [\d:.]+[+-][\d:]+) ([0-9a-f-]{36})$/.exec(text);
    if (this.source === 'event_log' && m) return { at: m[1]!, id: m[2]! };
    throw validationFailed([{ field: 'cursor', message: 'cursor must be the nextCursor of an earlier page' }]);
  }
}
