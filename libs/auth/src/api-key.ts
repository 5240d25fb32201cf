import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { EVERY_INSTITUTION, parseInstitutionList } from '@chanjiao/contracts';

export const ROLES = ['writer', 'reader', 'admin'] as const;
export type Role = (typeof ROLES)[number];
export const WRITE_SERVICES = ['enrollment', 'placement', 'partnership', 'alliance'] as const;
export const KEY_CHANGED_CHANNEL = 'api_keys_changed';
/** In a key's institutions: every institution (admin keys only). */
export const ALL_INSTITUTIONS = '*';
/** The request header (or query parameter `institution`) a key bound to several institutions names the one it acts for in. */
export const INSTITUTION_HEADER = 'x-institution';

/** What a verified key allows. */
export interface Principal {
  keyId: string;
  role: Role;
  services: string[];
  /** The institutions the key is bound to: one, several (a bureau), or `*` (an admin key for all). */
  institutions: string[];
  /**
   * THE institution this request acts for: the key's only one, or the one the request names (`X-Institution` or
   * `?institution=`) among the key's. Empty until the request is resolved (see {@link actingInstitution}) for keys
   * bound to more than one.
   */
  institution: string;
  /**
   * On a route that sums institutions ({@link actingInstitutions}): those this request acts for, in the order named,
   * or `*` for every institution the service knows (`all` with a key bound to `*`), and whether it named `all`.
   * `institution` is then the one when there is one, else empty.
   */
  actingFor?: { institutions: readonly string[] | typeof ALL_INSTITUTIONS; all: boolean };
  /** When the key stops being valid; null: never. */
  expiresAt: Date | null;
}

export type Access = 'write' | 'read' | 'admin';

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

/** Compared against when the key's id is unknown, so an unknown id costs what a wrong secret does. */
export const DUMMY_SECRET_HASH = hashSecret(randomBytes(32).toString('base64url'));

export function secretMatches(secret: string, hash: string): boolean {
  const a = Buffer.from(hashSecret(secret), 'hex');
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** Whether a principal may do `access` on `service` (its institution is settled by {@link actingInstitution}). */
export function allows(p: Principal, access: Access, service: string): boolean {
  if (p.role === 'admin') return true;
  if (access === 'admin') return false;
  if (access === 'read') return p.role === 'reader' || (p.role === 'writer' && p.services.includes(service));
  return p.role === 'writer' && p.services.includes(service);
}

/** Whether a key bound to `institutions` may act for `institution`. */
export function coversInstitution(institutions: readonly string[], institution: string): boolean {
  return institutions.includes(ALL_INSTITUTIONS) || institutions.includes(institution);
}

export type InstitutionChoice =
  { institution: string } | { refused: 'institution_required'; message: string } | { refused: 'forbidden'; message: string };

/**
 * The one rule for which institution a request acts for: a key bound to one institution acts for it (the request
 * may name it, no other); a key bound to several (a bureau) or to all (`*`) acts for the one the request names,
 * which must be among its own.
 */
export function actingInstitution(institutions: readonly string[], requested: string | undefined): InstitutionChoice {
  const only = institutions.length === 1 && institutions[0] !== ALL_INSTITUTIONS ? institutions[0] : undefined;
  if (requested === undefined || requested === '') {
    if (only !== undefined) return { institution: only };
    return {
      refused: 'institution_required',
      message: `此密钥可用于多个机构，请用 X-Institution 请求头或 institution 参数指明机构 / this key serves several institutions: name one with the X-Institution header or the institution query parameter (one of ${institutions.join(', ')})`,
    };
  }
  if (coversInstitution(institutions, requested)) return { institution: requested };
  return {
    refused: 'forbidden',
    message: `此密钥不能用于机构 ${requested} / this key may act for ${institutions.join(', ')} only, not ${requested}`,
  };
}

export type InstitutionsChoice =
  | { institutions: readonly string[] | typeof ALL_INSTITUTIONS; all: boolean }
  | { refused: 'institution_required' | 'forbidden' | 'invalid_institution'; message: string };

/**
 * The rule for a route that sums institutions (the reports, DESIGN.md §5): as {@link actingInstitution}, and a key bound
 * to several may name several (`A,B`, each its own) or `all` (its list; `*` for a key bound to `*`). A key of one
 * institution names that one only: `all` or a list naming another is refused as naming another is.
 */
export function actingInstitutions(institutions: readonly string[], requested: string | undefined): InstitutionsChoice {
  if (requested === undefined || requested === '') {
    const one = actingInstitution(institutions, requested);
    return 'institution' in one ? { institutions: [one.institution], all: false } : one;
  }
  const parsed = parseInstitutionList(requested);
  if ('invalid' in parsed) return { refused: 'invalid_institution', message: parsed.invalid };
  const several = institutions.length > 1 || institutions.includes(ALL_INSTITUTIONS);
  if (parsed.institutions === EVERY_INSTITUTION) {
    if (institutions.includes(ALL_INSTITUTIONS)) return { institutions: ALL_INSTITUTIONS, all: true };
    if (several) return { institutions: [...institutions], all: true };
    return {
      refused: 'forbidden',
      message: `此密钥只能用于机构 ${institutions.join(', ')}，不能汇总多个机构 / this key acts for ${institutions.join(', ')} only, not for all`,
    };
  }
  const outside = parsed.institutions.filter((i) => !coversInstitution(institutions, i));
  if (outside.length > 0)
    return {
      refused: 'forbidden',
      message: `此密钥不能用于机构 ${outside.join(', ')} / this key may act for ${institutions.join(', ')} only, not ${outside.join(', ')}`,
    };
  return { institutions: parsed.institutions, all: false };
}
