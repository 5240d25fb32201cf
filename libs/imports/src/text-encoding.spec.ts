import iconv from 'iconv-lite';
import { bomOf, CellDecoder, csvEncodingNamed, InvalidText, TextCheck, utf16AsUtf8 } from './text-encoding';

const collect = async (chunks: AsyncIterable<Buffer>) => {
  const out: Buffer[] = [];
  for await (const c of chunks) out.push(c);
  return Buffer.concat(out);
};
async function* inPieces(bytes: Buffer, size: number) {
  for (let i = 0; i < bytes.length; i += size) yield bytes.subarray(i, i + size);
}

describe('csvEncodingNamed', () => {
  it('names the encodings a CSV can be read in by their WHATWG names, whatever the label', () => {
    expect(csvEncodingNamed('UTF8')).toBe('utf-8');
    expect(csvEncodingNamed('GB18030')).toBe('gb18030');
    expect(csvEncodingNamed('gb2312')).toBe('gbk');
    expect(csvEncodingNamed('big5')).toBe('big5');
    expect(csvEncodingNamed('utf-16')).toBe('utf-16le');
  });

  it('knows no made-up encoding, and not one whose characters hold commas', () => {
    expect(csvEncodingNamed('klingon')).toBeUndefined();
    expect(csvEncodingNamed('')).toBeUndefined();
    expect(csvEncodingNamed('iso-2022-jp')).toBeUndefined();
  });
});

describe('bomOf', () => {
  it('finds UTF-8 and UTF-16 byte order marks, and nothing in other text', () => {
    expect(bomOf(Buffer.from([0xef, 0xbb, 0xbf, 0x61]))).toEqual({ encoding: 'utf-8', length: 3 });
    expect(bomOf(Buffer.from([0xff, 0xfe, 0x61]))).toEqual({ encoding: 'utf-16le', length: 2 });
    expect(bomOf(Buffer.from([0xfe, 0xff, 0x00]))).toEqual({ encoding: 'utf-16be', length: 2 });
    expect(bomOf(Buffer.from('code'))).toBeUndefined();
    expect(bomOf(Buffer.from([0xef, 0xbb]))).toBeUndefined();
  });
});

describe('CellDecoder', () => {
  it('decodes valid text, and gives InvalidText naming the encoding for bytes that are not, never U+FFFD', () => {
    const gb = new CellDecoder('gb18030');
    expect(gb.decode(iconv.encode('石油化工技术', 'gb18030'))).toBe('石油化工技术');
    expect(gb.decode(Buffer.from([0x41, 0xff, 0x42]))).toEqual(new InvalidText('GB18030'));
    // The decoder is whole again after a failure.
    expect(gb.decode(iconv.encode('旅游管理', 'gb18030'))).toBe('旅游管理');
    const utf8 = new CellDecoder('utf-8');
    expect(utf8.decode(Buffer.from('纺织 ok'))).toBe('纺织 ok');
    expect(utf8.decode(Buffer.from([0xe7, 0xba]))).toEqual(new InvalidText('UTF-8'));
    // A real U+FFFD in the file is text like any other.
    expect(utf8.decode(Buffer.from('\uFFFD'))).toBe('\uFFFD');
    expect(utf8.decode(Buffer.alloc(0))).toBe('');
  });

  it('names the file encoding it is told, for UTF-16 read as UTF-8', () => {
    expect(new CellDecoder('utf-8', 'UTF-16LE').decode(Buffer.from([0xff]))).toEqual(new InvalidText('UTF-16LE'));
  });
});

describe('TextCheck', () => {
  it('checks the whole stream, with characters cut between chunks', () => {
    const text = iconv.encode('a'.repeat(70_000) + '石油化工技术,巴音郭楞\r\n', 'gb18030');
    const gb = new TextCheck('gb18030');
    const utf8 = new TextCheck('utf-8');
    for (let i = 0; i < text.length; i += 7) {
      gb.push(text.subarray(i, i + 7));
      utf8.push(text.subarray(i, i + 7));
    }
    expect(gb.end()).toBe(true);
    expect(utf8.end()).toBe(false);
  });

  it('finds a character cut off at the end', () => {
    const check = new TextCheck('utf-8');
    check.push(Buffer.from('石').subarray(0, 2));
    expect(check.end()).toBe(false);
  });
});

describe('utf16AsUtf8', () => {
  const text = 'code,name\r\n460103,石油化工技术 𠀀\r\n';

  it.each([1, 2, 3, 5, 64])('recodes UTF-16LE and BE as UTF-8, in pieces of %i bytes', async (size) => {
    expect((await collect(utf16AsUtf8(inPieces(Buffer.from(text, 'utf16le'), size), false))).toString('utf8')).toBe(text);
    const be = Buffer.from(text, 'utf16le').swap16();
    expect((await collect(utf16AsUtf8(inPieces(be, size), true))).toString('utf8')).toBe(text);
  });

  it('turns a lone surrogate and an odd last byte into bytes never valid in UTF-8', async () => {
    const units = Buffer.concat([Buffer.from('a\uD800b', 'utf16le'), Buffer.from('\uDC00', 'utf16le'), Buffer.from([0x41])]);
    const out = await collect(utf16AsUtf8(inPieces(units, 3), false));
    expect([...out]).toEqual([0x61, 0xff, 0x62, 0xff, 0xff]);
  });
});
