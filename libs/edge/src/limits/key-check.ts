import { createHash, timingSafeEqual } from 'node:crypto';
import type { ApiKeyStore, Principal } from '@chanjiao/auth';
import type { FastifyRequest } from 'fastify';

/** The bearer token of a request, or undefined. */
export function bearerOf(request: FastifyRequest): string | undefined {
  const header = request.headers.authorization;
  const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
  return match?.[1];
}

export type EdgeKeyCheck =
  { ok: true; principal: Principal } | { ok: false; error: 'missing_api_key' | 'invalid_api_key' | 'expired_api_key'; message: string };

/** Verifies the request's key (once: {@link ApiKeyGuard} uses the principal stashed on the request). */
export async function checkKey(request: FastifyRequest, store: ApiKeyStore): Promise<EdgeKeyCheck> {
  const key = bearerOf(request);
  if (!key) return { ok: false, error: 'missing_api_key', message: '需要 API 密钥 / Authorization: Bearer <api key> is required' };
  const checked = await store.check(key);
  if (!('principal' in checked)) {
    return checked.refused === 'expired_api_key'
      ? { ok: false, error: 'expired_api_key', message: 'API 密钥已过期 / the API key has expired' }
      : { ok: false, error: 'invalid_api_key', message: 'API 密钥无效或已吊销 / the API key is unknown or revoked' };
  }
  const { principal } = checked;
  (request as FastifyRequest & { principal?: Principal }).principal = principal;
  return { ok: true, principal };
}

/** Compares a bearer with the metrics token in constant time (hashes first, so the lengths match too). */
export function isMetricsToken(bearer: string | undefined, token: string | undefined): boolean {
  if (!bearer || !token) return false;
  const a = createHash('sha256').update(bearer).digest();
  const b = createHash('sha256').update(token).digest();
  return timingSafeEqual(a, b);
}
