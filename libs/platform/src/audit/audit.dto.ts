import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, MaxLength, Min } from 'class-validator';

export const AUDIT_DEFAULT_LIMIT = 50;
export const AUDIT_MAX_LIMIT = 500;

export class AuditQuery {
  @ApiPropertyOptional({ description: `Entries per page (1–${AUDIT_MAX_LIMIT}, default ${AUDIT_DEFAULT_LIMIT})` })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(AUDIT_MAX_LIMIT)
  limit?: number;

  @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page; absent: the newest entries' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  cursor?: string;

  @ApiPropertyOptional({ description: "Only this institution's entries (one of the admin key's institutions)" })
  @IsOptional()
  @IsString()
  @MaxLength(64)
  institution?: string;
}

export class AuditEntry {
  @ApiProperty({ description: 'When the write committed (reporting: when the event was applied)' }) at!: string;
  @ApiProperty({
    nullable: true,
    type: String,
    description: 'Who: the id of the API key (never the key), `system` for a scheduled job, null before actors were recorded',
  })
  actor!: string | null;
  @ApiProperty({ description: 'What: the event type the write announced, e.g. enrollment.program.upserted.v1' }) type!: string;
  @ApiProperty({ description: 'The subject of the event (the entity id)' }) subject!: string;
  @ApiProperty() institution!: string;
  @ApiProperty({ description: 'The CloudEvents id of the event' }) eventId!: string;
}

export class AuditPage {
  @ApiProperty({ type: [AuditEntry], description: 'Newest first' }) items!: AuditEntry[];
  @ApiProperty({ nullable: true, type: String, description: 'Pass as `cursor` for the next page; null: no more' })
  nextCursor!: string | null;
}
