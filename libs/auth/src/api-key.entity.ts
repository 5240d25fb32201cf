import { Column, Entity, PrimaryColumn } from 'typeorm';

/** API keys live in their own small database shared by all services; only a hash of the secret is kept. */
@Entity({ name: 'api_keys' })
export class ApiKeyEntity {
  @PrimaryColumn({ type: 'text' })
  id!: string;

  @Column({ name: 'secret_hash', type: 'text' })
  secretHash!: string;

  @Column({ type: 'text' })
  role!: string;

  @Column({ type: 'text', array: true })
  services!: string[];

  /** Read only by instances of the release before `institutions`, during a rolling update; null for keys made since. */
  @Column({ type: 'text', nullable: true })
  institution!: string | null;

  /** One institution, several (a bureau), or `*` (admin keys only): all. */
  @Column({ type: 'text', array: true })
  institutions!: string[];

  @Column({ type: 'text', nullable: true })
  label!: string | null;

  @Column({ name: 'created_at', type: 'timestamptz', default: () => 'now()' })
  createdAt!: Date;

  @Column({ name: 'revoked_at', type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  /** Refused from this moment on; null: never. Rotation sets the old key's to the end of the changeover. */
  @Column({ name: 'expires_at', type: 'timestamptz', nullable: true })
  expiresAt!: Date | null;

  /** Noted by the services at most once a minute per key and instance (the only column they may change). */
  @Column({ name: 'last_used_at', type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  /** The key this one replaced (`npm run keys -- rotate`). */
  @Column({ name: 'rotated_from', type: 'text', nullable: true })
  rotatedFrom!: string | null;
}
