import { Column, Entity, PrimaryColumn } from 'typeorm';

@Entity({ name: 'programs' })
export class ProgramEntity {
  @PrimaryColumn({ type: 'text' })
  institution!: string;

  @PrimaryColumn({ type: 'text' })
  code!: string;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  category!: string;

  @Column({ type: 'text', nullable: true })
  cluster!: string | null;

  @Column({ type: 'text' })
  level!: string;

  @Column({ type: 'text', array: true })
  sectors!: string[];

  @Column({ type: 'text' })
  status!: string;

  /** Sequence of the last event about this program. */
  @Column({ type: 'integer' })
  version!: number;

  @Column({ name: 'updated_at', type: 'timestamptz', default: () => 'now()' })
  updatedAt!: Date;
}
