import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { DESTINATION_CATEGORIES, DESTINATION_DETAILS, DestinationRecorded, DETAIL_CATEGORY, detailFitsCategory } from '@chanjiao/contracts';
import { emit, unchanged } from '@chanjiao/domain';
import { decideDestinationPut, destinationHistory, DestinationInput } from './destination.domain';
import { PutDestinationDto } from './destination.dto';

const input: DestinationInput = {
  studentId: 'S1',
  graduationYear: 2022,
  programCode: 'P1',
  category: 'not_placed',
  detail: 'seeking',
  employerPartnerId: null,
  employerName: null,
  region: null,
  sector: null,
  effectiveDate: '2022-07-01',
  verified: false,
};

describe('destination versions', () => {
  it('the first PUT is version 1, an identical repeat a no-op, any change the next version', () => {
    const v1 = decideDestinationPut(undefined, input);
    expect(v1).toEqual({
      ok: true,
      outcome: 'created',
      state: { ...input, version: 1 },
      emit: emit(DestinationRecorded, { ...input, version: 1 }),
    });
    expect(decideDestinationPut(v1.state, input)).toEqual(unchanged(v1.state));
    const contract = { ...input, category: 'contract', detail: 'labor_contract', region: '652801', effectiveDate: '2022-10-01' } as const;
    const v2 = decideDestinationPut(v1.state, contract);
    expect(v2).toMatchObject({
      outcome: 'updated',
      state: { version: 2, category: 'contract' },
      emit: { definition: DestinationRecorded, data: v2.state },
    });
    // Only `verified` changes: still a new version.
    expect(decideDestinationPut(v2.state, { ...contract, verified: true })).toMatchObject({ outcome: 'updated', state: { version: 3 } });
    // Back to what version 1 said: a change relative to the current version.
    expect(decideDestinationPut(v2.state, input)).toMatchObject({ outcome: 'updated', state: { version: 3, category: 'not_placed' } });
  });

  it('the history answers the last recorded version, every version and the timeline the reports count', () => {
    const versions = [
      { ...input, version: 1 },
      { ...input, version: 2, category: 'contract', detail: 'labor_contract', region: '650102', effectiveDate: '2022-10-01' },
      { ...input, version: 3, category: 'contract', detail: 'labor_contract', region: '652801', effectiveDate: '2022-08-15' },
    ] as const;
    expect(destinationHistory([...versions])).toEqual({
      ...versions[2],
      versions,
      timeline: [
        { from: '2022-07-01', until: '2022-08-15', version: 1 },
        { from: '2022-08-15', until: null, version: 3 },
      ],
    });
  });
});

describe('category and detail', () => {
  it('every detail belongs to exactly one category; entrepreneurship has none; no detail fits any category', () => {
    for (const d of DESTINATION_DETAILS) {
      expect(DESTINATION_CATEGORIES.filter((c) => detailFitsCategory(c, d))).toEqual([DETAIL_CATEGORY[d]]);
    }
    expect(DESTINATION_DETAILS.filter((d) => detailFitsCategory('entrepreneurship', d))).toEqual([]);
    for (const c of DESTINATION_CATEGORIES) expect(detailFitsCategory(c, null)).toBe(true);
    expect(detailFitsCategory('contract', 'postgraduate')).toBe(false);
    expect(detailFitsCategory('further_study', 'postgraduate')).toBe(true);
  });

  const fields = (body: Record<string, unknown>) =>
    validateSync(plainToInstance(PutDestinationDto, body), { whitelist: true, forbidNonWhitelisted: true }).map((e) => e.property);
  const body = { graduationYear: 2022, programCode: 'P1', category: 'contract', effectiveDate: '2022-07-01', verified: true };

  it('the DTO names detail for a mismatch, and only the bad field otherwise', () => {
    expect(fields(body)).toEqual([]);
    expect(fields({ ...body, detail: 'labor_contract' })).toEqual([]);
    expect(fields({ ...body, detail: 'postgraduate' })).toEqual(['detail']);
    expect(fields({ ...body, category: 'entrepreneurship', detail: 'freelance' })).toEqual(['detail']);
    expect(fields({ ...body, category: 'employed', detail: 'freelance' })).toEqual(['category']);
    expect(fields({ ...body, detail: 'astronaut' })).toEqual(['detail']);
    expect(fields({ ...body, region: '6528' })).toEqual(['region']);
    expect(fields({ ...body, effectiveDate: '2022-02-30' })).toEqual(['effectiveDate']);
    expect(fields({ ...body, sector: 'fishing' })).toEqual(['sector']);
  });
});
