import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsUUID } from 'class-validator';
import type { RebuildRun } from './rebuild-run.repository';

export class RebuildIdParam {
  @ApiProperty({ description: '重建编号 / The rebuild id' })
  @IsUUID()
  id!: string;
}

export class RebuildRunView {
  @ApiProperty() id!: string;
  @ApiProperty({ enum: ['running', 'succeeded', 'failed'], description: '状态 / State' }) state!: string;
  @ApiProperty({
    enum: ['preparing', 'replaying', 'catching_up', 'switching', 'done'],
    description:
      '阶段 / Phase: preparing (new tables), replaying (the log), catching_up (events that arrived meanwhile), switching (the atomic switch), done',
  })
  phase!: string;
  @ApiProperty({ description: '发起者（管理密钥编号或 cli）/ Who asked: an admin key id, or `cli`' }) requestedBy!: string;
  @ApiProperty({ description: '开始重放时事件日志中的事件数 / Events in the log when the replay began' }) eventsTotal!: number;
  @ApiProperty({ description: '已重放事件数 / Events of the log replayed so far' }) eventsReplayed!: number;
  @ApiProperty({ description: '重放期间到达并在切换前应用的事件数 / Events that arrived meanwhile, applied before the switch' })
  eventsCaughtUp!: number;
  @ApiProperty({ description: '重放进度（0–100）/ Replay progress in percent' }) percent!: number;
  @ApiProperty({ description: '平均重放速度（事件/秒）/ Events replayed per second so far' }) eventsPerSecond!: number;
  @ApiProperty() startedAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) finishedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String, description: '失败原因 / Why it failed' }) error!: string | null;
}

export class RebuildRunList {
  @ApiProperty({ type: [RebuildRunView], description: '最近的重建，最新在前 / The latest rebuilds, newest first (at most 20)' })
  items!: RebuildRunView[];
}

export function toRebuildRunView(run: RebuildRun): RebuildRunView {
  const end = run.finishedAt ?? run.updatedAt;
  const seconds = Math.max(0.001, (new Date(end).getTime() - new Date(run.startedAt).getTime()) / 1000);
  return {
    id: run.id,
    state: run.state,
    phase: run.phase,
    requestedBy: run.requestedBy,
    eventsTotal: run.eventsTotal,
    eventsReplayed: run.eventsReplayed,
    eventsCaughtUp: run.eventsCaughtUp,
    percent:
      run.eventsTotal > 0 ? Math.min(100, Math.round((run.eventsReplayed / run.eventsTotal) * 1000) / 10) : run.phase === 'done' ? 100 : 0,
    eventsPerSecond: Math.round(run.eventsReplayed / seconds),
    startedAt: new Date(run.startedAt).toISOString(),
    updatedAt: new Date(run.updatedAt).toISOString(),
    finishedAt: run.finishedAt ? new Date(run.finishedAt).toISOString() : null,
    error: run.error,
  };
}
