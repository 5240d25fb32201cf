/**
 * Errors raised by domain logic, free of any framework. `kind` decides the HTTP status once, in the
 * global filter; `code` is a stable, documented identifier from the module's error-code enum.
 */
export type DomainErrorKind = 'invalid' | 'not_found' | 'conflict' | 'forbidden';

export class DomainError extends Error {
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'DomainError';
  }
}

/** Chinese messages per error code; typed by a service's enum so that every code needs one (the edge answers them). */
export type ErrorMessagesZh<C extends string = string> = Readonly<Record<C, string>>;
