import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { EntityTable, Page, PageRequest } from '@chanjiao/persistence';
import { ProgramEntity } from './program.entity';
import type { ProgramState } from './program.domain';

/** Programs, keyed by (institution, code). */
export const programTable = new EntityTable<ProgramState>(ProgramEntity, { key: ['code'] });

@Injectable()
export class ProgramRepository {
  constructor(private readonly dataSource: DataSource) {}

  find(institution: string, code: string): Promise<ProgramState | undefined> {
    return programTable.find(this.dataSource, institution, code);
  }

  page(institution: string, page: PageRequest): Promise<Page<ProgramState>> {
    return programTable.page(this.dataSource, institution, page);
  }

  /** Loads and row-locks the programs a write is about to change (one probe per code, in key order). */
  async lockMany(m: EntityManager, institution: string, codes: string[]): Promise<Map<string, ProgramState>> {
    const rows = await programTable.lock(m, institution, codes);
    return new Map(rows.map((r) => [r.code, r]));
  }

  /** The codes that exist (one probe per code: a write batch names up to a batch's worth); programs are never deleted. */
  existingCodes(m: EntityManager, institution: string, codes: string[]): Promise<Set<string>> {
    return programTable.existing(m, institution, codes, 'none');
  }

  /** New programs are plain INSERTs, so a concurrent creator of the same code is retried (see WriteUnitOfWork). */
  saveMany(m: EntityManager, institution: string, created: ProgramState[], updated: ProgramState[]): Promise<void> {
    return programTable.saveMany(m, institution, created, updated);
  }
}
