import type { ErrorMessagesZh } from '@chanjiao/domain';

/** Stable error codes of the reporting service (documented in OpenAPI and the README). */
export enum ReportingErrorCode {
  RebuildRunning = 'rebuild_running',
  RebuildNotFound = 'rebuild_not_found',
  RebuildNeedsAllInstitutions = 'rebuild_needs_all_institutions',
  UnknownField = 'unknown_field',
  TooManyStreams = 'too_many_streams',
  Stopping = 'stopping',
  DashboardNotBuilt = 'dashboard_not_built',
}

/** The Chinese of every code (error answers carry it as `message_zh`): a code without one does not compile. */
export const REPORTING_MESSAGES_ZH: ErrorMessagesZh<ReportingErrorCode> = {
  rebuild_running: '已有一次重建在进行',
  rebuild_not_found: '没有该重建',
  rebuild_needs_all_institutions: '重建需要可访问所有院校的管理员密钥',
  unknown_field: '未知的字段',
  too_many_streams: '此密钥打开的报表流过多，请稍后重试',
  stopping: '服务正在停止，请重新连接',
  dashboard_not_built: '看板尚未构建',
};
