/**
 * The Chinese (Simplified) of error answers: clerks read Chinese first. One message per stable error code; a service
 * passes the table of its own codes (`Record<XErrorCode, string>` beside its enum, so a code without Chinese does not
 * compile), the edge knows the codes of the libraries.
 */

import type { ErrorMessagesZh } from '@chanjiao/domain';

// Defined with the error codes' vocabulary (domain files reach no framework), answered here.
export type { ErrorMessagesZh } from '@chanjiao/domain';

/** The codes the libraries answer with (edge, auth, write, persistence, imports) and Nest's defaults per status. */
export type CommonErrorCode =
  | 'validation_failed'
  | 'malformed_json'
  | 'body_too_large'
  | 'unsupported_media_type'
  | 'invalid_encoding'
  | 'invalid_text'
  | 'bad_request'
  | 'rate_limited'
  | 'too_many_requests'
  | 'request_timeout'
  | 'missing_api_key'
  | 'invalid_api_key'
  | 'expired_api_key'
  | 'unauthorized'
  | 'forbidden'
  | 'institution_required'
  | 'institution_conflict'
  | 'not_found'
  | 'method_not_allowed'
  | 'not_acceptable'
  | 'conflict'
  | 'payload_too_large'
  | 'unprocessable_entity'
  | 'internal_error'
  | 'internal_server_error'
  | 'database_unavailable'
  | 'service_unavailable'
  | 'shutting_down'
  | 'invalid_cursor'
  | 'quota_exceeded'
  | 'invalid_header'
  | 'invalid_file'
  | 'unsupported_format'
  | 'missing_file'
  | 'empty_file'
  | 'file_too_large'
  | 'too_many_rows'
  | 'cell_too_large'
  | 'unknown_entity'
  | 'import_exists'
  | 'import_not_found';

export const COMMON_MESSAGES_ZH: ErrorMessagesZh<CommonErrorCode> = {
  validation_failed: '请求字段无效',
  malformed_json: '请求体不是有效的 JSON',
  body_too_large: '请求体过大',
  unsupported_media_type: '不支持的媒体类型：请以 JSON 发送请求体（文件请上传到 POST /imports/{entity}）',
  invalid_encoding: '文本编码无效：请使用 UTF-8（导入文件可用 encoding 指定，如 gb18030）',
  invalid_text: '文本含有无法保存的字符（NUL 或孤立的代理项）',
  bad_request: '请求无效',
  rate_limited: '请求过于频繁，请稍后重试',
  too_many_requests: '请求过于频繁，请稍后重试',
  request_timeout: '请求超时',
  missing_api_key: '需要 API 密钥（Authorization: Bearer <密钥>）',
  invalid_api_key: 'API 密钥无效或已吊销',
  expired_api_key: 'API 密钥已过期',
  unauthorized: '未认证',
  forbidden: '无权执行此操作',
  institution_required: '请指明院校（institution）',
  institution_conflict: '院校与密钥所属的院校不一致',
  not_found: '未找到',
  method_not_allowed: '不允许此请求方法',
  not_acceptable: '无法提供所需的格式',
  conflict: '与已有的记录冲突',
  payload_too_large: '请求体过大',
  unprocessable_entity: '无法处理此请求',
  internal_error: '内部错误；请凭关联编号（correlationId）在日志中查找',
  internal_server_error: '内部错误；请凭关联编号（correlationId）在日志中查找',
  database_unavailable: '数据库暂时不可用，请稍后重试',
  service_unavailable: '服务暂不可用，请稍后重试',
  shutting_down: '服务正在停止，请稍后重试',
  invalid_cursor: '分页游标无效',
  quota_exceeded: '已超出配额',
  invalid_header: '表头无效',
  invalid_file: '文件无法读取',
  unsupported_format: '不支持此文件格式，请另存为 .xlsx',
  missing_file: '请求中没有文件',
  empty_file: '文件没有表头行',
  file_too_large: '文件过大',
  too_many_rows: '文件行数过多',
  cell_too_large: '单元格内容过长',
  unknown_entity: '未知的导入对象',
  import_exists: '此导入编号已存在，请换一个 importId',
  import_not_found: '未找到此导入',
};

/** CJK ideographs and full-width punctuation: a message holding one has Chinese in it. */
const CJK = /[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]/;

/**
 * The Chinese part of a bilingual message written `中文 / English` (Chinese first, as the codebase writes them);
 * undefined when the message has no Chinese.
 */
export function chinesePart(message: string): string | undefined {
  const at = message.indexOf(' / ');
  if (at > 0 && CJK.test(message.slice(0, at))) return message.slice(0, at).trim();
  return CJK.test(message) ? message : undefined;
}

/** The English part of a bilingual message (the whole message when it has no Chinese part). */
export function englishPart(message: string): string {
  const at = message.indexOf(' / ');
  return at > 0 && CJK.test(message.slice(0, at)) ? message.slice(at + 3).trim() : message;
}

/**
 * Whether an `Accept-Language` header prefers Chinese (`zh`, `zh-CN`, `zh-Hans`, `zh-TW`, `zh-Hant`, …) to English:
 * the tag of the highest quality decides, the earlier on a tie; neither Chinese nor English named means English.
 */
export function prefersChinese(acceptLanguage: string | string[] | undefined): boolean {
  const header = Array.isArray(acceptLanguage) ? acceptLanguage.join(',') : acceptLanguage;
  if (!header) return false;
  let best: { zh: boolean; q: number } | undefined;
  for (const part of header.split(',').slice(0, 20)) {
    const [tag = '', ...params] = part.trim().toLowerCase().split(';');
    const lang = tag.trim().split('-', 1)[0];
    if (lang !== 'zh' && lang !== 'en') continue;
    const qParam = params.map((p) => p.trim()).find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q) || q <= 0) continue;
    if (!best || q > best.q) best = { zh: lang === 'zh', q };
  }
  return best?.zh ?? false;
}

/**
 * The Chinese of one class-validator constraint failed by `field`; `message` is class-validator's English, whose
 * arguments (the allowed values, the bound) are taken from it.
 */
export function constraintMessageZh(constraint: string, field: string, message: string): string {
  const own = chinesePart(message);
  if (own) return own;
  const after = (marker: string) => {
    const at = message.indexOf(marker);
    return at >= 0 ? message.slice(at + marker.length).trim() : '';
  };
  const number = /(-?\d+(?:\.\d+)?)/.exec(message)?.[1] ?? '';
  switch (constraint) {
    case 'whitelistValidation':
      return `不允许的字段 ${field}`;
    case 'unknownValue':
      return '请求体不是 JSON 对象';
    case 'isInt':
      return /a year such as/.test(message) ? `${field} 必须是年份，如 2022` : `${field} 必须是整数`;
    case 'isNumber':
    case 'isNumberString':
      return `${field} 必须是数字`;
    case 'isString':
      return `${field} 必须是文本`;
    case 'isBoolean':
    case 'isBooleanString':
      return `${field} 必须是 true 或 false`;
    case 'isArray':
      return `${field} 必须是数组`;
    case 'isObject':
    case 'nestedValidation':
      return `${field} 必须是 JSON 对象`;
    case 'isIn':
      return `${field} 必须是以下之一：${after('following values:')}`;
    case 'isEnum':
      return `${field} 必须是以下之一：${after('following values:')}`;
    case 'max':
      return `${field} 不得大于 ${number}`;
    case 'min':
      return `${field} 不得小于 ${number}`;
    case 'isCalendarDate':
    case 'isDateString':
    case 'isISO8601':
      return `${field} 必须是日历上存在的日期，格式 YYYY-MM-DD`;
    case 'isNotEmpty':
    case 'arrayNotEmpty':
      return `${field} 不能为空`;
    case 'isDefined':
      return `${field} 为必填项`;
    case 'maxLength':
      return `${field} 不得超过 ${number} 个字符`;
    case 'minLength':
      return `${field} 至少 ${number} 个字符`;
    case 'isLength':
      return /longer/.test(message) && !/shorter/.test(message)
        ? `${field} 至少 ${number} 个字符`
        : `${field} 长度必须在 ${lengthRange(message)} 个字符之间`;
    case 'arrayMaxSize':
      return `${field} 最多 ${number} 项`;
    case 'arrayMinSize':
      return `${field} 至少 ${number} 项`;
    case 'isUuid':
    case 'isUUID':
      return `${field} 必须是 UUID`;
    case 'isCreditCode':
      return `${field} 必须是 18 位统一社会信用代码（GB 32100-2015），校验位须正确`;
    case 'matches':
      return matchesZh(field, message);
    default:
      return `${field} 无效`;
  }
}

/** `x must be longer than or equal to 1 and shorter than or equal to 200 characters` → `1–200`. */
function lengthRange(message: string): string {
  const numbers = message.match(/\d+/g) ?? [];
  return numbers.length >= 2 ? `${numbers[0]}–${numbers[1]}` : (numbers[0] ?? '');
}

/** `@Matches` messages are the DTO's own; the shared patterns (validators.ts) have their Chinese here. */
function matchesZh(field: string, message: string): string {
  if (/1-64 letters, digits/.test(message)) return `${field} 必须是 1–64 个字母、数字、"."、"_"、":" 或 "-"`;
  if (/GB\/T 2260/.test(message)) return `${field} 必须是六位 GB/T 2260 行政区划代码`;
  if (/must not be blank/.test(message)) return `${field} 不能为空白`;
  if (/two-digit program category code/.test(message)) return `${field} 必须是两位专业大类代码，如 "46"`;
  if (/\bCNY\b/.test(message)) return `${field} 必须是以文本写的人民币金额，如 "403000000.00"（最多两位小数）`;
  return `${field} 格式不正确`;
}
