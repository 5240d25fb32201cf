import { ApiProperty } from '@nestjs/swagger';
import { PageQuery, PageView } from '../paging';

/** The paging of every list (`limit`, `cursor`), and the institution to narrow to (one of the admin key's). */
export class AuditQuery extends PageQuery {}

export class AuditEntryView {
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

/** `{ items, nextCursor }`, newest first. */
export const AuditPage = PageView(AuditEntryView);
