import { findUnstorableText, unstorableText } from './storable-text';

describe('storable text', () => {
  it('finds NUL and lone surrogates, and passes every other text', () => {
    expect(unstorableText('a\u0000b')).toBe('nul');
    expect(unstorableText('a\uD800b')).toBe('lone_surrogate');
    expect(unstorableText('\uDC00')).toBe('lone_surrogate');
    expect(unstorableText('x\uD83D')).toBe('lone_surrogate');
    expect(unstorableText('😀 产教融合 <script>; DROP TABLE x;--')).toBeUndefined();
    expect(unstorableText('\uD83D\uDE00')).toBeUndefined();
  });

  it('names the first field in a nested body that holds one', () => {
    expect(findUnstorableText({ a: 'ok', items: [{ name: 'ok' }, { name: 'x\u0000' }] })).toEqual({
      field: 'items[1].name',
      reason: 'nul',
    });
    expect(findUnstorableText([{ code: '\uDFFF' }])).toEqual({ field: '[0].code', reason: 'lone_surrogate' });
    expect(findUnstorableText({ 'k\u0000': 1 })).toEqual({ field: 'k\u0000', reason: 'nul' });
    expect(findUnstorableText({ a: [1, true, null, { b: '产教' }] })).toBeUndefined();
  });
});
