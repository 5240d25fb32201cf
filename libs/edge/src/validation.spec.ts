import 'reflect-metadata';
import { Readable } from 'node:stream';
import { ArgumentMetadata, BadRequestException, HttpException, ValidationPipe } from '@nestjs/common';
import { Transform, Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Max, Min } from 'class-validator';
import { LIBRARY_PATHS, useLibraryFastPaths } from '@chanjiao/testing';
import { checkBodyShape, createValidationPipe, MAX_BODY_DEPTH } from './validation';

class Query {
  @Type(() => Number)
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @IsOptional()
  @IsString()
  asOf?: string;
}

/** A query whose transformed value is an object: copies of it must be deep. */
class ListQuery {
  @Transform(({ value }: { value: string }) => value.split(','))
  @IsString({ each: true })
  sectors!: string[];
}

const query: ArgumentMetadata = { type: 'query', metatype: Query, data: undefined };
const body: ArgumentMetadata = { type: 'body', metatype: Query, data: undefined };

describe.each(LIBRARY_PATHS)('the global validation pipe, for repeated queries (library fast paths %s)', (mode) => {
  beforeAll(() => useLibraryFastPaths(mode));
  afterAll(() => useLibraryFastPaths('on'));
  let runs: jest.SpyInstance;
  beforeEach(() => {
    runs = jest.spyOn(ValidationPipe.prototype, 'transform');
  });
  afterEach(() => runs.mockRestore());

  it('transforms and validates a query once, then answers a repeat with a copy of the same result', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ year: '2022' }, query)) as Query;
    const again = (await pipe.transform({ year: '2022' }, query)) as Query;
    expect(first).toBeInstanceOf(Query);
    expect(again).toBeInstanceOf(Query);
    expect(again).toEqual({ year: 2022 });
    expect(again).not.toBe(first);
    expect(runs).toHaveBeenCalledTimes(1);
    // Other parameters are another query.
    expect(await pipe.transform({ year: '2022', asOf: '2022-06-30' }, query)).toEqual({ year: 2022, asOf: '2022-06-30' });
    expect(runs).toHaveBeenCalledTimes(2);
  });

  it('hands out copies: what one handler changes, the next does not see', async () => {
    const pipe = createValidationPipe();
    const first = (await pipe.transform({ year: '2023' }, query)) as Query;
    first.year = 1;
    expect(await pipe.transform({ year: '2023' }, query)).toEqual({ year: 2023 });
  });

  it('hands out deep copies where a transformed field is an object', async () => {
    const pipe = createValidationPipe();
    const listQuery: ArgumentMetadata = { type: 'query', metatype: ListQuery, data: undefined };
    const first = (await pipe.transform({ sectors: 'mining,textiles' }, listQuery)) as ListQuery;
    first.sectors.push('other');
    const again = (await pipe.transform({ sectors: 'mining,textiles' }, listQuery)) as ListQuery;
    expect(again).toBeInstanceOf(ListQuery);
    expect(again.sectors).toEqual(['mining', 'textiles']);
    expect(runs).toHaveBeenCalledTimes(1);
  });

  it('checks and refuses a bad query every time, naming the field', async () => {
    const pipe = createValidationPipe();
    for (let i = 0; i < 2; i++) {
      const error = await pipe.transform({ year: 'twenty' }, query).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(BadRequestException);
      expect(JSON.stringify((error as BadRequestException).getResponse())).toContain('"field":"year"');
    }
    await expect(pipe.transform({ year: '2022', extra: 'x' }, query)).rejects.toBeInstanceOf(BadRequestException);
    expect(runs).toHaveBeenCalledTimes(3);
  });

  it('does not remember bodies', async () => {
    const pipe = createValidationPipe();
    await pipe.transform({ year: 2022 }, body);
    await pipe.transform({ year: 2022 }, body);
    expect(runs).toHaveBeenCalledTimes(2);
  });
});

describe('checkBodyShape', () => {
  /** `levels` arrays nested in each other, built without recursion. */
  const nested = (levels: number): unknown[] => {
    const root: unknown[] = [];
    let node = root;
    for (let i = 1; i < levels; i++) node.push((node = []));
    return root;
  };
  const refusal = (value: unknown) => {
    try {
      checkBodyShape(value);
      return undefined;
    } catch (e) {
      return { status: (e as HttpException).getStatus(), body: (e as HttpException).getResponse() };
    }
  };

  it('lets a body of ordinary depth through, however wide', () => {
    expect(
      refusal(Array.from({ length: 5000 }, (_, i) => ({ id: `S${i}`, sectors: ['textiles'], nested: { a: [1, 2] } }))),
    ).toBeUndefined();
    expect(refusal({ name: nested(MAX_BODY_DEPTH - 1) })).toBeUndefined();
  });

  it('refuses nesting past the limit with 400 naming where, even 100,000 levels deep', () => {
    expect(refusal({ name: nested(MAX_BODY_DEPTH) })).toEqual({
      status: 400,
      body: expect.objectContaining({
        errors: [
          { field: `name${'[0]'.repeat(MAX_BODY_DEPTH - 1)}`, message: expect.any(String), message_zh: expect.stringMatching(/嵌套超过/) },
        ],
      }),
    });
    expect(refusal([{ a: nested(100_000) }])).toMatchObject({
      status: 400,
      body: { errors: [{ field: expect.stringMatching(/^\[0\]\.a(\[0\])+$/) }] },
    });
  });

  it('refuses a raw stream (a spreadsheet content type on a JSON route) with 415', () => {
    expect(refusal(Readable.from(['{}']))).toMatchObject({
      status: 415,
      body: { error: 'unsupported_media_type', errors: [{ field: 'body' }] },
    });
  });
});
