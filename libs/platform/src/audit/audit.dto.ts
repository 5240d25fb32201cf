import { ApiProperty } from '@nestjs/swagger';
import { listQuery, PageBounds } from '../paging';

export const AUDIT_PAGE: PageBounds = { default: 50, max: 500 };

export class AuditQuery extends listQuery(AUDIT_PAGE) {}

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
