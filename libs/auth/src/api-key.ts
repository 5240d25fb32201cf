import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const ROLES = ['writer', 'reader', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const WRITE_SERVICES = ['enrollment', 'placement', 'partnership', 'alliance'] as const;
export const KEY_CHANGED_CHANNEL = 'api_keys_changed';

/** What a verified key allows. */
export interface Principal {
  keyId: string;
  role: Role;
  services: string[];
  institution: string;
}

export type Access = 'write' | 'read';

const KEY_PATTERN = /^cjk_([a-z0-9]{12})_([A-Za-z0-9_-]{43})$/;

export function generateKey(): { id: string; secret: string; key: string } {
  const id = randomBytes(9)
    .toString('base64url')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '0')
    .slice(0, 12);
  const secret = randomBytes(32).toString('base64url');
  return { id, secret, key: `cjk_${id}_${secret}` };
}

export function parseKey(key: string): { id: string; secret: string } | undefined {
  const m = KEY_PATTERN.exec(key);
  return m ? { id: m[1]!, secret: m[2]! } : undefined;
}

/** The secret is 256 random bits, so a plain SHA-256 is enough: there is nothing to brute-force. */
export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret).digest('hex');
}

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a principal may do `access` on `service` for `institution`. */
export function allows(p: Principal, access: Access, service: string, institution: string): boolean {
  if (p.role === 'admin') return true;
  if (p.institution !== institution) return false;
  if (access === 'read') return p.role === 'reader' || (p.role === 'writer' && p.services.includes(service));
  return p.role === 'writer' && p.services.includes(service);
}
