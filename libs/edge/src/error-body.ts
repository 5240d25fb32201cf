import { chinesePart, COMMON_MESSAGES_ZH, englishPart, type ErrorMessagesZh, prefersChinese } from './error-zh';

/**
 * What the HTTP edge answers for an error (DomainError itself is @chanjiao/domain's). `message_zh` is the Chinese
 * (Simplified): given where the message is made, else found by {@link toProblem}; `message_en` only when `message` is
 * the Chinese (`Accept-Language: zh`).
 */
export interface FieldError {
  field: string;
  message: string;
  message_zh?: string;
  message_en?: string;
}

/** Body of every error response before it is answered: a stable `error` code, a message, field errors. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  message: string;
  message_zh?: string;
  message_en?: string;
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

/** How an error is told to the client: its `Accept-Language`, and the Chinese of the service's own codes. */
export interface ProblemOptions {
  acceptLanguage?: string | string[];
  messagesZh?: ErrorMessagesZh;
}

/** The Chinese of an error code: the service's table, then the libraries', else the status's title. */
export function codeMessageZh(error: string, statusCode: number, messagesZh?: ErrorMessagesZh): string {
  return messagesZh?.[error] ?? (COMMON_MESSAGES_ZH as ErrorMessagesZh)[error] ?? problemTitle(statusCode).split(' / ', 1)[0]!;
}

/**
 * The problem of an error body, answered for the request at `instance` (its path, without the query). Every body and
 * every field error carries `message_zh`; a client preferring Chinese gets it as `message` and `detail` too, with the
 * English as `message_en`.
 */
export function toProblem(body: ErrorBody, instance?: string, options: ProblemOptions = {}): ProblemBody {
  // Given where the error is made, else the Chinese half of a bilingual message, else the code's.
  const codeZh = codeMessageZh(body.error, body.statusCode, options.messagesZh);
  const zh = body.message_zh ?? chinesePart(body.message) ?? codeZh;
  const chinese = prefersChinese(options.acceptLanguage);
  const errors = body.errors?.map((e) => fieldErrorZh(e, codeZh, chinese));
  const message = chinese ? zh : body.message;
  return Object.assign(
    {
      type: problemType(body.error),
      title: problemTitle(body.statusCode),
      status: body.statusCode,
      detail: message,
    },
    instance === undefined ? {} : { instance: instance.split('?', 1)[0]! },
    body,
    { message, message_zh: zh },
    chinese ? { message_en: englishPart(body.message) } : {},
    errors ? { errors } : {},
  );
}

/** A field error with its Chinese: its own, else the Chinese half of its message, else the code's, naming the field. */
function fieldErrorZh(e: FieldError, codeZh: string, chinese: boolean): FieldError {
  const zh = e.message_zh ?? chinesePart(e.message) ?? `${e.field}：${codeZh}`;
  return chinese
    ? { field: e.field, message: zh, message_zh: zh, message_en: englishPart(e.message) }
    : Object.assign({}, e, { message_zh: zh });
}
