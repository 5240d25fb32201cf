import {
  applyDecorators,
  BadRequestException,
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  HttpException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiExtension, ApiHeader } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import {
  Access,
  actingInstitution,
  actingInstitutions,
  ALL_INSTITUTIONS,
  allows,
  INSTITUTION_HEADER,
  InstitutionsChoice,
  Principal,
} from './api-key';
import { ApiKeyStore } from './api-key.store';

export const SERVICE_NAME = Symbol('SERVICE_NAME');
const ACCESS_KEY = 'chanjiao:access';

/** The OpenAPI extension naming the access a route needs (the authorization matrix test reads it). */
export const ACCESS_EXTENSION = 'x-access';

/** Marks a controller or route as needing a key with this access to the current service (and says so in OpenAPI). */
export const RequireAccess = (access: Access) =>
  access === 'admin'
    ? applyDecorators(SetMetadata(ACCESS_KEY, access), ApiExtension(ACCESS_EXTENSION, access))
    : applyDecorators(
        SetMetadata(ACCESS_KEY, access),
        ApiExtension(ACCESS_EXTENSION, access),
        ApiHeader({
          name: 'X-Institution',
          required: false,
          description:
            '代表的机构 / the institution the request acts for: required with a key bound to several institutions (a bureau, or an admin key of *), one of its own; a key of one institution may name only that one',
        }),
      );

const SUMS_KEY = 'chanjiao:sums-institutions';
/** The OpenAPI extension marking a route that takes several institutions (`A,B` or `all`) and answers their sum. */
export const SUMS_INSTITUTIONS_EXTENSION = 'x-institutions';

/**
 * Marks a read route (a report) whose `institution` (or X-Institution) may name several institutions, `A,B`, or `all`,
 * for a key bound to several: it answers their sum (DESIGN.md §5). The guard settles them ({@link resolveInstitutions})
 * into `principal.actingFor`.
 */
export const SumsInstitutions = () => applyDecorators(SetMetadata(SUMS_KEY, true), ApiExtension(SUMS_INSTITUTIONS_EXTENSION, 'several'));

const ALL_KEY = 'chanjiao:all-institutions';

/**
 * Marks a route that acts for every institution at once (a rebuild replaces every institution's figures): only a key
 * bound to all (`*`) may call it; another is 403 with `error` and `message`. Says so in OpenAPI (`x-institutions: all`).
 */
export const RequireAllInstitutions = (refusal: { error: string; message: string }) =>
  applyDecorators(SetMetadata(ALL_KEY, refusal), ApiExtension(SUMS_INSTITUTIONS_EXTENSION, 'all'));

type AuthedRequest = FastifyRequest & { principal?: Principal };

/**
 * The principal of an `Authorization: Bearer <key>` header, or the 401 that says why there is none:
 * `missing_api_key`, `invalid_api_key` (unknown, wrong or revoked: one answer) or `expired_api_key`.
 */
export async function authenticate(store: ApiKeyStore, authorization: string | undefined): Promise<Principal> {
  const match = authorization ? /^Bearer\s+(\S+)$/i.exec(authorization) : null;
  if (!match)
    throw new UnauthorizedException({ error: 'missing_api_key', message: '需要 API 密钥 / Authorization: Bearer <api key> is required' });
  const checked = await store.check(match[1]!);
  if ('principal' in checked) return checked.principal;
  if (checked.refused === 'expired_api_key')
    throw new UnauthorizedException({ error: 'expired_api_key', message: 'API 密钥已过期 / the API key has expired' });
  throw new UnauthorizedException({ error: 'invalid_api_key', message: 'API 密钥无效或已吊销 / the API key is unknown or revoked' });
}

/** The institution a request names (`X-Institution`, else `?institution=`), if any. */
export function requestedInstitution(request: FastifyRequest): string | undefined {
  const header = request.headers[INSTITUTION_HEADER];
  const fromHeader = Array.isArray(header) ? header[0] : header;
  const query = request.query as Record<string, unknown> | undefined;
  const fromQuery = typeof query?.institution === 'string' && query.institution !== '' ? query.institution : undefined;
  if (fromHeader && fromQuery && fromHeader !== fromQuery) {
    const message = `X-Institution (${fromHeader}) 与 institution 参数 (${fromQuery}) 不一致 / X-Institution and ?institution= name different institutions`;
    throw new BadRequestException({
      error: 'institution_conflict',
      message,
      errors: [{ field: 'institution', message }],
    });
  }
  return fromHeader || fromQuery;
}

/** Settles the institution `p` acts for by {@link actingInstitution}: 400 `institution_required` or 403 when it cannot. */
export function resolveInstitution(p: Principal, requested: string | undefined): Principal {
  const choice = actingInstitution(p.institutions, requested);
  if ('institution' in choice) return choice.institution === p.institution ? p : Object.assign({}, p, { institution: choice.institution });
  throw refusal(choice);
}

function refusal(choice: Exclude<InstitutionsChoice, { institutions: unknown }>): HttpException {
  switch (choice.refused) {
    case 'institution_required':
      return new BadRequestException({
        error: 'institution_required',
        message: choice.message,
        errors: [{ field: 'X-Institution', message: choice.message }],
      });
    case 'invalid_institution':
      return new BadRequestException({
        error: 'validation_failed',
        message: 'invalid institution',
        errors: [{ field: 'institution', message: choice.message }],
      });
    case 'forbidden':
      return new ForbiddenException({ error: 'forbidden', message: choice.message });
    default: {
      const never: never = choice.refused;
      throw new Error(`unknown refusal ${String(never)}`);
    }
  }
}

/**
 * Settles the institutions `p` acts for by {@link actingInstitutions}: 400 naming `institution` for a malformed list,
 * 400 `institution_required` or 403 as {@link resolveInstitution}.
 */
export function resolveInstitutions(p: Principal, requested: string | undefined): Principal {
  const choice = actingInstitutions(p.institutions, requested);
  if ('institutions' in choice) {
    const one = choice.institutions !== '*' && choice.institutions.length === 1 ? choice.institutions[0]! : '';
    return Object.assign({}, p, { institution: one, actingFor: choice });
  }
  throw refusal(choice);
}

@Injectable()
export class ApiKeyGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly store: ApiKeyStore,
    @Inject(SERVICE_NAME) private readonly service: string,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const access = this.reflector.getAllAndOverride<Access | undefined>(ACCESS_KEY, [context.getHandler(), context.getClass()]);
    if (!access) return true;
    const request = context.switchToHttp().getRequest<AuthedRequest>();
    // The edge (@chanjiao/edge, limits/key-check.ts) verified the key before the body was read; verified once.
    const principal = request.principal ?? (await authenticate(this.store, request.headers.authorization));
    if (!allows(principal, access, this.service)) {
      throw new ForbiddenException({
        error: 'forbidden',
        message: `此密钥无权${ACCESS_ZH[access]} ${this.service} / this key may not ${access} ${this.service}`,
      });
    }
    const all = this.reflector.getAllAndOverride<{ error: string; message: string } | undefined>(ALL_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    if (all && !principal.institutions.includes(ALL_INSTITUTIONS)) throw new ForbiddenException(all);
    // Admin routes (GET /audit) span institutions: they act for none in particular.
    const sums = this.reflector.getAllAndOverride<boolean | undefined>(SUMS_KEY, [context.getHandler(), context.getClass()]);
    request.principal =
      access === 'admin'
        ? principal
        : sums
          ? resolveInstitutions(principal, requestedInstitution(request))
          : resolveInstitution(principal, requestedInstitution(request));
    return true;
  }
}

const ACCESS_ZH: Record<Access, string> = { write: '写入', read: '读取', admin: '管理' };

/** The verified key of the request (set by {@link ApiKeyGuard}). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new UnauthorizedException({ error: 'missing_api_key', message: 'no API key on this request' });
  return principal;
});
