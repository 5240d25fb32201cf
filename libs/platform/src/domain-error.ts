// Defined framework-free in @chanjiao/domain (domain files import it from there); re-exported for the HTTP edge.
export { DomainError, type DomainErrorKind } from '@chanjiao/domain';

export interface FieldError {
  field: string;
  message: string;
}

/** Body of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: FieldError[];
  correlationId?: string;
}
