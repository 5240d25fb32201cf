import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityTable, Page, PageRequest } from '@chanjiao/persistence';
import { InternshipEntity } from './internship.entity';
import type { InternshipState } from './internship.domain';

/** Internships, keyed by (institution, internship_id); an internship stays its student's. */
export const internshipTable = new EntityTable<InternshipState>(InternshipEntity, { key: ['internshipId'], keepOnUpdate: ['studentId'] });

@Injectable()
export class InternshipRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(institution: string, internshipId: string): Promise<InternshipState | undefined> {
    return internshipTable.find(this.dataSource, institution, internshipId);
  }

  /** A page of a student's internships, in id order. */
  pageByStudent(institution: string, studentId: string, page: PageRequest): Promise<Page<InternshipState>> {
    return internshipTable.page(this.dataSource, institution, page, 'student_id = $2', [studentId]);
  }

  /** Loads and row-locks the internships a write is about to change (in key order, to avoid deadlocks). */
  async lockMany(m: EntityManager, institution: string, ids: string[]): Promise<Map<string, InternshipState>> {
    const rows = await internshipTable.lock(m, institution, ids);
    return new Map(rows.map((r) => [r.internshipId, r]));
  }

  /** New rows are plain INSERTs: a concurrent creator of the same id fails on the key and is retried. */
  saveMany(m: EntityManager, institution: string, created: InternshipState[], updated: InternshipState[]): Promise<void> {
    return internshipTable.saveMany(m, institution, created, updated);
  }
}
