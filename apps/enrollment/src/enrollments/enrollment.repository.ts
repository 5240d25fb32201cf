import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityTable } from '@chanjiao/persistence';
import { EnrollmentEntity } from './enrollment.entity';
import type { EnrollmentState } from './enrollment.domain';

/** Students, keyed by (institution, student_id); what a student enrolled with stays as the enrollment wrote it. */
export const enrollmentTable = new EntityTable<EnrollmentState>(EnrollmentEntity, {
  key: ['studentId'],
  keepOnUpdate: ['cohortYear', 'level', 'pathway', 'partnerInstitution', 'orderClassId', 'apprenticeship', 'originRegion'],
});

@Injectable()
export class EnrollmentRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(institution: string, studentId: string): Promise<EnrollmentState | undefined> {
    return enrollmentTable.find(this.dataSource, institution, studentId);
  }

  /** Loads and row-locks the students a write is about to change (in key order, to avoid deadlocks). */
  async lockMany(m: EntityManager, institution: string, studentIds: string[]): Promise<Map<string, EnrollmentState>> {
    const rows = await enrollmentTable.lock(m, institution, studentIds);
    return new Map(rows.map((r) => [r.studentId, r]));
  }

  /**
   * Writes new and changed students. New rows are plain INSERTs: a concurrent writer of the same new
   * student fails on the primary key and its transaction is retried, seeing this one's row.
   */
  saveMany(m: EntityManager, institution: string, created: EnrollmentState[], updated: EnrollmentState[]): Promise<void> {
    return enrollmentTable.saveMany(m, institution, created, updated);
  }
}
