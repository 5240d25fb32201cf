import { Catch, RpcExceptionFilter } from '@nestjs/common';
import { Observable, throwError } from 'rxjs';

/**
 * Nest's default RPC filter turns a handler's error into "Internal server error"; event handlers use
 * this one (`@UseFilters(RethrowRpcErrors)`) so the transport sees the real error, logs it and retries.
 */
@Catch()
export class RethrowRpcErrors implements RpcExceptionFilter<unknown> {
  catch(exception: unknown): Observable<never> {
    return throwError(() => exception);
  }
}
