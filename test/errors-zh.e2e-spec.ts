import { PETROCHEMICAL_PROGRAM, startStack, TestStack } from '@chanjiao/test-support';

/** Chinese characters: a message holding one is (at least partly) Chinese. */
const CJK = /[\u4e00-\u9fff]/;

/** Every error answer carries Chinese beside the English (issue 31 item 5), from a real service. */
describe('error answers in Chinese (real enrollment service)', () => {
  let stack: TestStack;
  beforeAll(async () => {
    stack = await startStack({ services: ['enrollment'], env: { BODY_LIMIT_JSON_BYTES: '2048' } });
  }, 300_000);
  afterAll(() => stack?.close());

  const call = async (method: string, path: string, opts: { body?: string; key?: boolean; lang?: string } = {}) => {
    const headers: Record<string, string> = {};
    if (opts.key ?? true) headers.authorization = `Bearer ${stack.writerKey}`;
    if (opts.body !== undefined) headers['content-type'] = 'application/json';
    if (opts.lang) headers['accept-language'] = opts.lang;
    const res = await fetch(stack.urls.enrollment! + path, { method, headers, body: opts.body });
    return { status: res.status, type: res.headers.get('content-type'), body: (await res.json()) as any };
  };
  const badProgram = JSON.stringify({ ...PETROCHEMICAL_PROGRAM, level: 'college', extra: 1 });

  it('a validation error names the field, with message_zh on the body and on every field error', async () => {
    const res = await call('PUT', '/programs/ZH1', { body: badProgram });
    expect(res.status).toBe(400);
    expect(res.type).toMatch(/^application\/problem\+json/);
    expect(res.body.error).toBe('validation_failed');
    expect(res.body.message).toMatch(/^invalid /); // English stays the default
    expect(res.body.message_zh).toMatch(/^字段无效：.*level/);
    expect(res.body.message_en).toBeUndefined();
    const level = res.body.errors.find((e: any) => e.field === 'level');
    expect(level.message).toMatch(/must be one of the following values/);
    expect(level.message_zh).toBe('level 必须是以下之一：secondary, higher_vocational, undergraduate');
    expect(res.body.errors.find((e: any) => e.field === 'extra').message_zh).toBe('不允许的字段 extra');
    for (const e of res.body.errors) expect(e.message_zh).toMatch(CJK);
  });

  it('with Accept-Language: zh-CN the message and detail are Chinese, the English in message_en', async () => {
    const res = await call('PUT', '/programs/ZH1', { body: badProgram, lang: 'zh-CN,zh;q=0.9,en;q=0.8' });
    expect(res.status).toBe(400);
    expect(res.body.message).toBe(res.body.message_zh);
    expect(res.body.detail).toBe(res.body.message_zh);
    expect(res.body.message).toMatch(CJK);
    expect(res.body.message_en).toMatch(/^invalid /);
    const level = res.body.errors.find((e: any) => e.field === 'level');
    expect(level.message).toMatch(/^level 必须是以下之一/);
    expect(level.message_en).toMatch(/must be one of the following values/);
  });

  it('a not-found domain error carries the Chinese of its code', async () => {
    const res = await call('GET', '/enrollments/NOBODY');
    expect(res.status).toBe(404);
    expect(res.body.error).toBe('student_not_found');
    expect(res.body.message_zh).toBe('没有该学生的在籍记录');
    const zh = await call('GET', '/enrollments/NOBODY', { lang: 'zh-TW' });
    expect(zh.body.message).toBe('没有该学生的在籍记录');
    expect(zh.body.message_en).toBe('no enrollment for student NOBODY');
  });

  it('401 without a key, refused at the edge, carries message_zh', async () => {
    const res = await call('GET', '/programs', { key: false });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('missing_api_key');
    expect(res.body.message_zh).toMatch(/^需要 API 密钥/);
    const zh = await call('GET', '/programs', { key: false, lang: 'zh' });
    expect(zh.body.message).toBe(zh.body.message_zh);
    expect(zh.body.message_en).not.toMatch(CJK);
  });

  it('413 for a body over the limit carries message_zh', async () => {
    const res = await call('PUT', '/programs/ZH1', { body: JSON.stringify({ ...PETROCHEMICAL_PROGRAM, name: 'x'.repeat(4000) }) });
    expect(res.status).toBe(413);
    expect(res.body.error).toBe('body_too_large');
    expect(res.body.message_zh).toMatch(CJK);
  });

  it('an English Accept-Language keeps the English message', async () => {
    const res = await call('GET', '/enrollments/NOBODY', { lang: 'en-US,zh;q=0.5' });
    expect(res.body.message).toBe('no enrollment for student NOBODY');
    expect(res.body.message_zh).toBe('没有该学生的在籍记录');
  });
});
