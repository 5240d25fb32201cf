import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import type { ProgramLevel, ProgramStatus, Sector } from '@chanjiao/contracts';
import { inLockOrder, keysetSql, Page, PageRequest, rowsByKeys, toPage } from '@chanjiao/persistence';
import type { ProgramState } from './program.domain';

interface ProgramRow {
  code: string;
  name: string;
  category: string;
  cluster: string | null;
  level: ProgramLevel;
  sectors: Sector[];
  status: ProgramStatus;
  version: number;
}

const COLUMNS = 'code, name, category, cluster, level, sectors, status, version';

const toState = (r: ProgramRow): ProgramState => ({ ...r });

@Injectable()
export class ProgramRepository {
  constructor(private readonly dataSource: DataSource) {}

  async find(institution: string, code: string): Promise<ProgramState | undefined> {
    const rows = await this.dataSource.query<ProgramRow[]>(`SELECT ${COLUMNS} FROM programs WHERE institution = $1 AND code = $2`, [
      institution,
      code,
    ]);
    return rows[0] && toState(rows[0]);
  }

  async page(institution: string, page: PageRequest): Promise<Page<ProgramState>> {
    const k = keysetSql(['code'], page, 2);
    const rows = await this.dataSource.query<ProgramRow[]>(
      `SELECT ${COLUMNS} FROM programs
       WHERE institution = $1 ${k.where && `AND ${k.where}`} ${k.orderLimit}`,
      [institution, ...k.params],
    );
    return toPage(rows, page, (r) => [r.code], toState);
  }

  /** Loads and row-locks the programs a write is about to change (one probe per code, in key order). */
  async lockMany(m: EntityManager, institution: string, codes: string[]): Promise<Map<string, ProgramState>> {
    const rows = await m.query<ProgramRow[]>(rowsByKeys({ columns: COLUMNS, table: 'programs', key: 'code', then: 'FOR UPDATE' }), [
      institution,
      inLockOrder(codes),
    ]);
    return new Map(rows.map((r) => [r.code, toState(r)]));
  }

  /** The codes that exist (one probe per code: a write batch names up to a batch's worth). */
  async existingCodes(m: EntityManager, institution: string, codes: string[]): Promise<Set<string>> {
    const rows = await m.query<Array<{ code: string }>>(rowsByKeys({ columns: 'code', table: 'programs', key: 'code', then: 'LIMIT 1' }), [
      institution,
      inLockOrder(codes),
    ]);
    return new Set(rows.map((r) => r.code));
  }

  /** New programs are plain INSERTs, so a concurrent creator of the same code is retried (see WriteUnitOfWork). */
  async saveMany(m: EntityManager, institution: string, created: ProgramState[], updated: ProgramState[]): Promise<void> {
    await this.write(m, institution, created, '');
    await this.write(
      m,
      institution,
      updated,
      `ON CONFLICT (institution, code) DO UPDATE SET name = excluded.name, category = excluded.category, cluster = excluded.cluster,
         level = excluded.level, sectors = excluded.sectors, status = excluded.status, version = excluded.version, updated_at = now()`,
    );
  }

  private async write(m: EntityManager, institution: string, states: ProgramState[], onConflict: string): Promise<void> {
    if (states.length === 0) return;
    await m.query(
      `INSERT INTO programs (institution, code, name, category, cluster, level, sectors, status, version, updated_at)
       SELECT $1, p.code, p.name, p.category, p.cluster, p.level, p.sectors, p.status, p.version, now()
       FROM json_to_recordset($2::json) AS p(code text, name text, category text, cluster text, level text, sectors text[], status text, version int)
       ${onConflict}`,
      [institution, JSON.stringify(states)],
    );
  }
}
