import type { FastifyReply } from 'fastify';
import { ItemResult, singleResult } from '@chanjiao/platform';

/** The single-item form of a write: 201 when created, 200 when updated or unchanged; domain errors are thrown. */
export function respond<T>(result: ItemResult<T>, reply: FastifyReply): T {
  const { outcome, value } = singleResult(result);
  void reply.status(outcome === 'created' ? 201 : 200);
  return value;
}
