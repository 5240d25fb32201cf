import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'alliance_members' })
export class AllianceMemberEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ name: 'alliance_id', type: 'text' })
  allianceId!: string;

  @PrimaryColumn({ name: 'member_id', type: 'text' })
  memberId!: string;

  @Column({ name: 'member_kind', type: 'text' })
  memberKind!: string;

  /** Current role (of the latest membership period). */
  @Column({ type: 'text' })
  role!: string;

  /** `active` or `departed`. */
  @Column({ type: 'text' })
  status!: string;

  @Column({ name: 'joined_on', type: 'date' })
  joinedOn!: string;

  @Column({ name: 'departed_on', type: 'date', nullable: true })
  departedOn!: string | null;

  /** Every membership period in order: [{ memberKind, role, joinedOn, roleChanges: [{date, role}], departedOn }]. */
  @Column({ type: 'jsonb' })
  periods!: unknown;

  /** Sequence of the last event about this membership. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
