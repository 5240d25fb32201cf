/** What the HTTP edge answers for an error (DomainError itself is @chanjiao/domain's). */
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
