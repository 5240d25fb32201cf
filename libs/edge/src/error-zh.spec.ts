import { plainToInstance } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsNotEmpty, IsString, Max, MaxLength, Min, validate } from 'class-validator';
import { toProblem } from './error-body';
import { chinesePart, constraintMessageZh, englishPart, prefersChinese } from './error-zh';
import { flattenValidationErrors } from './validation';
import { IsCalendarDate, IsEntityId, IsRegionCode, IsText } from './validators';

class Dto {
  @IsInt() @Min(2000) @Max(2100) year!: number;
  @IsIn(['secondary', 'undergraduate']) level!: string;
  @IsCalendarDate() date!: string;
  @IsString() @IsNotEmpty() @MaxLength(5) short!: string;
  @IsEntityId() id!: string;
  @IsRegionCode() region!: string;
  @IsText(10) name!: string;
  @IsArray() @ArrayMaxSize(1) list!: string[];
}

/** The Chinese of each field's errors, as the global pipe makes them (whitelist on, as there). */
async function zhOf(plain: object): Promise<Record<string, string[]>> {
  const errors = await validate(plainToInstance(Dto, plain), { whitelist: true, forbidNonWhitelisted: true });
  const out: Record<string, string[]> = {};
  for (const e of flattenValidationErrors(errors)) (out[e.field] ??= []).push(e.message_zh!);
  return out;
}

describe('the Chinese of class-validator constraints', () => {
  it('names the field and says what is wrong, per constraint', async () => {
    const zh = await zhOf({
      year: 1999.5,
      level: 'college',
      date: '2023-02-30',
      short: '',
      id: 'a b',
      region: '12',
      name: ' ',
      list: ['a', 'b'],
      extra: 1,
    });
    expect(zh.year).toEqual(expect.arrayContaining(['year 必须是整数', 'year 不得小于 2000']));
    expect(zh.level).toEqual(['level 必须是以下之一：secondary, undergraduate']);
    expect(zh.date).toEqual(['date 必须是日历上存在的日期，格式 YYYY-MM-DD']);
    expect(zh.short).toEqual(['short 不能为空']);
    expect(zh.id).toEqual(['id 必须是 1–64 个字母、数字、"."、"_"、":" 或 "-"']);
    expect(zh.region).toEqual(['region 必须是六位 GB/T 2260 行政区划代码']);
    expect(zh.name).toEqual(['name 不能为空白']);
    expect(zh.list).toEqual(['list 最多 1 项']);
    expect(zh.extra).toEqual(['不允许的字段 extra']);
  });

  it('gives the bounds of max and maxLength', async () => {
    const zh = await zhOf({ year: 2200, short: 'longer than five' });
    expect(zh.year).toEqual(['year 不得大于 2100']);
    expect(zh.short).toEqual(['short 不得超过 5 个字符']);
  });

  it("has the Chinese of the DTOs' own messages for shared patterns", () => {
    expect(constraintMessageZh('matches', 'category', 'category must be a two-digit program category code, e.g. "46"')).toBe(
      'category 必须是两位专业大类代码，如 "46"',
    );
    expect(constraintMessageZh('isInt', 'year', 'year must be a year such as 2022')).toBe('year 必须是年份，如 2022');
    expect(constraintMessageZh('matches', 'amount', 'amount must be a CNY decimal string with at most two fraction digits')).toMatch(
      /^amount 必须是以文本写的人民币金额/,
    );
  });

  it('keeps a Chinese message a DTO wrote itself, and says "无效" of a constraint it does not know', () => {
    expect(constraintMessageZh('isFoo', 'x', 'x 应为 a 或 b / x must be a or b')).toBe('x 应为 a 或 b');
    expect(constraintMessageZh('isFoo', 'x', 'x must be foo')).toBe('x 无效');
  });
});

describe('bilingual messages', () => {
  it('splits `中文 / English`', () => {
    expect(chinesePart('API 密钥已过期 / the API key has expired')).toBe('API 密钥已过期');
    expect(englishPart('API 密钥已过期 / the API key has expired')).toBe('the API key has expired');
    expect(chinesePart('send JSON; files go to POST /imports/{entity}')).toBeUndefined();
    expect(englishPart('a / b')).toBe('a / b');
  });
});

describe('Accept-Language', () => {
  it.each([
    ['zh-CN', true],
    ['zh', true],
    ['zh-Hans', true],
    ['zh-TW', true],
    ['zh-Hant-HK', true],
    ['zh-CN,zh;q=0.9,en;q=0.8', true],
    ['en-US,zh;q=0.5', false],
    ['en;q=0.4, zh-CN;q=0.6', true],
    ['fr', false],
    [undefined, false],
    ['zh;q=0', false],
  ])('%s prefers Chinese: %s', (header, zh) => expect(prefersChinese(header)).toBe(zh));
});

describe('toProblem in Chinese', () => {
  const body = {
    statusCode: 404,
    error: 'thing_not_found',
    message: 'no thing T1',
    errors: [{ field: 'id', message: 'no thing T1' }],
  };
  const messagesZh = { thing_not_found: '没有该物品' };

  it('carries message_zh from the service table, on the body and its field errors; English stays the message', () => {
    const p = toProblem(body, '/things/T1', { messagesZh });
    expect(p).toMatchObject({ message: 'no thing T1', detail: 'no thing T1', message_zh: '没有该物品' });
    expect(p.errors).toEqual([{ field: 'id', message: 'no thing T1', message_zh: 'id：没有该物品' }]);
    expect(p.message_en).toBeUndefined();
  });

  it('puts the Chinese in message and detail for zh, the English in message_en', () => {
    const p = toProblem(body, '/things/T1', { messagesZh, acceptLanguage: 'zh-CN' });
    expect(p).toMatchObject({ message: '没有该物品', detail: '没有该物品', message_zh: '没有该物品', message_en: 'no thing T1' });
    expect(p.errors).toEqual([{ field: 'id', message: 'id：没有该物品', message_zh: 'id：没有该物品', message_en: 'no thing T1' }]);
  });

  it('falls back to the libraries’ table, then to the status title', () => {
    expect(toProblem({ statusCode: 401, error: 'invalid_api_key', message: 'bad key' }).message_zh).toBe('API 密钥无效或已吊销');
    expect(toProblem({ statusCode: 409, error: 'brand_new_code', message: 'x' }).message_zh).toBe('冲突');
  });
});
