/** What the HTTP edge answers for an error (DomainError itself is @chanjiao/domain's). */
export interface FieldError {
  field: string;
  message: string;
}

/** Body of every error response before it is answered: a stable `error` code, a message, field errors. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  errors?: FieldError[];
  correlationId?: string;
}

/**
 * Body of every error answer: an RFC 9457 problem (`type`, `title`, `status`, `detail`, `instance`) that also carries
 * the fields clients read before it (`statusCode`, `error`, `message`, `errors`, `correlationId`).
 */
export interface ProblemBody extends ErrorBody {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance?: string;
}

/** The media type of every error answer (RFC 9457). */
export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';

/**
 * The problem type of an error code: an identifier (RFC 9457 §3.1.1), not a page to fetch; README "Errors" lists the
 * codes and what each means.
 */
export const PROBLEM_TYPE_BASE = 'https://chanjiao.dev/problems/';
export const problemType = (error: string) => `${PROBLEM_TYPE_BASE}${error}`;

/** The title of each status: the same for every occurrence of a type (RFC 9457 §3.1.3), Chinese first. */
const TITLES: Record<number, string> = {
  400: '请求无效 / Bad Request',
  401: '未认证 / Unauthorized',
  403: '无权访问 / Forbidden',
  404: '未找到 / Not Found',
  405: '方法不允许 / Method Not Allowed',
  406: '无法提供所需格式 / Not Acceptable',
  408: '请求超时 / Request Timeout',
  409: '冲突 / Conflict',
  413: '请求体过大 / Content Too Large',
  415: '不支持的媒体类型 / Unsupported Media Type',
  422: '无法处理 / Unprocessable Content',
  429: '请求过多 / Too Many Requests',
  500: '内部错误 / Internal Server Error',
  503: '服务暂不可用 / Service Unavailable',
};
export const problemTitle = (status: number) => TITLES[status] ?? (status >= 500 ? TITLES[500]! : TITLES[400]!);

/** The problem of an error body, answered for the request at `instance` (its path, without the query). */
export function toProblem(body: ErrorBody, instance?: string): ProblemBody {
  return Object.assign(
    {
      type: problemType(body.error),
      title: problemTitle(body.statusCode),
      status: body.statusCode,
      detail: body.message,
    },
    instance === undefined ? {} : { instance: instance.split('?', 1)[0]! },
    body,
  );
}
