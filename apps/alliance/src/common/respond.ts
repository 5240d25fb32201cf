import type { FastifyReply } from 'fastify';
import { ItemResult } from '@chanjiao/write';
import { singleResult } from '@chanjiao/edge';

/**
 * The single-item form of a write: 201 when created, 200 when updated or unchanged; domain errors are thrown. The
 * state goes out only through its view mapper (README, Architecture: views are allow-lists).
 */
export function respond<S, V>(result: ItemResult<S>, reply: FastifyReply, view: (state: S) => V): V {
  const { outcome, value } = singleResult(result);
  void reply.status(outcome === 'created' ? 201 : 200);
  return view(value);
}
