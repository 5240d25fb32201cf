import {
  CanActivate,
  createParamDecorator,
  ExecutionContext,
  ForbiddenException,
  Inject,
  Injectable,
  SetMetadata,
  UnauthorizedException,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { FastifyRequest } from 'fastify';
import { Access, allows, Principal } from './api-key';
import { ApiKeyStore } from './api-key.store';

export const SERVICE_NAME = Symbol('SERVICE_NAME');
const ACCESS_KEY = 'chanjiao:access';

/** Marks a controller or route as needing a key with this access to the current service. */
export const RequireAccess = (access: Access) => SetMetadata(ACCESS_KEY, access);

type AuthedRequest = FastifyRequest & { principal?: Principal };

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
    // The edge (platform edge/key-check.ts) verified the key before the body was read; verified once.
    const principal = request.principal ?? (await this.verify(request));
    if (!principal) throw new UnauthorizedException({ error: 'invalid_api_key', message: 'the API key is unknown or revoked' });
    if (!allows(principal, access, this.service, principal.institution)) {
      throw new ForbiddenException({ error: 'forbidden', message: `this key may not ${access} ${this.service}` });
    }
    request.principal = principal;
    return true;
  }

  private async verify(request: AuthedRequest): Promise<Principal | undefined> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)$/i.exec(header) : null;
    if (!match) throw new UnauthorizedException({ error: 'missing_api_key', message: 'Authorization: Bearer <api key> is required' });
    return this.store.verify(match[1]!);
  }
}

/** The verified key of the request (set by {@link ApiKeyGuard}). */
export const CurrentPrincipal = createParamDecorator((_: unknown, ctx: ExecutionContext): Principal => {
  const principal = ctx.switchToHttp().getRequest<AuthedRequest>().principal;
  if (!principal) throw new UnauthorizedException({ error: 'missing_api_key', message: 'no API key on this request' });
  return principal;
});
