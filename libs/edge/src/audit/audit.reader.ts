import { Inject, Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { KeyPart, keysetSql, KeyValue, Page, toPage } from '@chanjiao/persistence';
import { PageQuery, pageRequest } from '../paging';
import type { AuditEntryView } from './audit.dto';

/**
 * Where a service's audit trail is read from. A writing service's is its outbox: every write's events go there in the
 * write's own transaction, each with its `actor`, and the rows are kept after they are published (only the
 * `outbox_pending` list is emptied), so nothing more is written per request. Reporting's is its `event_log`: every
 * event it applied, as received, with the actor of the write that caused it.
 */
export type AuditSource = 'outbox' | 'event_log';
export const AUDIT_SOURCE = Symbol('AUDIT_SOURCE');

interface Row {
  k1: string;
  k2: string;
  at: Date;
  actor: string | null;
  type: string;
  subject: string;
  institution: string;
  event_id: string;
}

interface SourceSql {
  /** The key, newest first: the outbox id; the event log's time of receipt (as PostgreSQL writes it) and id. */
  key: readonly string[];
  parts: readonly KeyPart[];
  select: string;
  institution: string;
}

const SOURCES: Record<AuditSource, SourceSql> = {
  outbox: {
    key: ['id'],
    parts: ['bigint'],
    select: `SELECT id::text AS k1, NULL AS k2, created_at AS at, payload->>'actor' AS actor, routing_key AS type,
                    payload->>'subject' AS subject, payload->>'institution' AS institution, event_id::text AS event_id
             FROM outbox`,
    institution: `payload->>'institution'`,
  },
  event_log: {
    key: ['received_at', 'id'],
    parts: ['timestamp', 'text'],
    select: `SELECT received_at::text AS k1, id::text AS k2, received_at AS at, event->>'actor' AS actor, type, subject,
                    institution, id::text AS event_id
             FROM event_log`,
    institution: 'institution',
  },
};

@Injectable()
export class AuditReader {
  constructor(
    private readonly dataSource: DataSource,
    @Inject(AUDIT_SOURCE) private readonly source: AuditSource,
  ) {}

  /** Newest first; `institutions` undefined: every institution. */
  async page(q: PageQuery, institutions: string[] | undefined): Promise<Page<AuditEntryView>> {
    const source = SOURCES[this.source];
    const page = pageRequest(q, source.parts);
    const conditions: string[] = [];
    const params: unknown[] = [];
    if (institutions) {
      params.push(institutions);
      conditions.push(`${source.institution} = ANY($1::text[])`);
    }
    const keyset = keysetSql(source.key, page, params.length + 1, 'desc');
    if (keyset.where) conditions.push(keyset.where);
    const rows = await this.dataSource.query<Row[]>(
      `${source.select} ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''} ${keyset.orderLimit}`,
      [...params, ...keyset.params],
    );
    return toPage(
      rows,
      page,
      (r): KeyValue[] => (source.key.length === 1 ? [r.k1] : [r.k1, r.k2]),
      (r) => ({
        at: new Date(r.at).toISOString(),
        actor: r.actor,
        type: r.type,
        subject: r.subject,
        institution: r.institution,
        eventId: r.event_id,
      }),
    );
  }
}
