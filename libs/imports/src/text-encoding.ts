import { isAscii } from 'node:buffer';
import { TextDecoder } from 'node:util';

/**
 * How a CSV's bytes become text. The CSV is split into cells as bytes, and each cell is decoded strictly on its own:
 * bytes that are not valid text in the file's encoding make the cell {@link InvalidText} (its row fails naming the
 * column), never U+FFFD. Splitting before decoding is sound for every encoding read here: in all of them a comma, a
 * quote, CR or LF is only ever itself, never part of a character (UTF-16 is recoded to UTF-8 first).
 */

/** A cell whose bytes are not valid text in the file's encoding. */
export class InvalidText {
  constructor(readonly encoding: string) {}
}

/**
 * The WHATWG name (`utf-8`, `gb18030`, `big5`, `utf-16le`…) of the encoding `label` names, or undefined when it names
 * none a CSV can be read in.
 */
export function csvEncodingNamed(label: string): string | undefined {
  let name: string;
  try {
    name = new TextDecoder(label).encoding;
  } catch {
    return undefined;
  }
  // Its escape sequences make ASCII bytes (commas, quotes) parts of characters.
  return name === 'iso-2022-jp' ? undefined : name;
}

/** What messages call an encoding. */
export const shownName = (encoding: string) => encoding.toUpperCase();

const BOMS = [
  { encoding: 'utf-8', bytes: Buffer.from([0xef, 0xbb, 0xbf]) },
  { encoding: 'utf-16le', bytes: Buffer.from([0xff, 0xfe]) },
  { encoding: 'utf-16be', bytes: Buffer.from([0xfe, 0xff]) },
];

/** The byte order mark the file starts with, if any. */
export function bomOf(head: Buffer): { encoding: string; length: number } | undefined {
  const bom = BOMS.find((b) => head.subarray(0, b.bytes.length).equals(b.bytes));
  return bom && { encoding: bom.encoding, length: bom.bytes.length };
}

export const isUtf16 = (encoding: string) => encoding === 'utf-16le' || encoding === 'utf-16be';

/** Decodes cells strictly. */
export class CellDecoder {
  private readonly decoder: TextDecoder;

  /**
   * @param encoding what the cells' bytes are in (UTF-8 for a UTF-16 file, recoded by {@link utf16AsUtf8})
   * @param shown the file's encoding, as row errors name it
   */
  constructor(
    encoding: string,
    readonly shown = shownName(encoding),
  ) {
    // ignoreBOM: a U+FEFF opening a cell is kept (the header's first name drops it), not silently eaten.
    this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
  }

  decode(cell: Buffer): string | InvalidText {
    // Codes, numbers, dates: ASCII reads the same in every encoding read here.
    if (isAscii(cell)) return cell.toString('latin1');
    try {
      return this.decoder.decode(cell);
    } catch {
      return new InvalidText(this.shown);
    }
  }
}

/** Whether a stream of bytes, given chunk by chunk, is valid text in one encoding from its first byte to its last. */
export class TextCheck {
  private readonly decoder: TextDecoder;
  private valid = true;

  constructor(encoding: string) {
    this.decoder = new TextDecoder(encoding, { fatal: true });
  }

  push(chunk: Buffer): void {
    if (!this.valid) return;
    try {
      this.decoder.decode(chunk, { stream: true });
    } catch {
      this.valid = false;
    }
  }

  /** After the last chunk: a character cut off at the end is not valid either. */
  end(): boolean {
    if (this.valid) {
      try {
        this.decoder.decode();
      } catch {
        this.valid = false;
      }
    }
    return this.valid;
  }
}

/** Never valid in UTF-8: stands for what is not valid UTF-16, so the cell holding it is found invalid. */
const NOT_UTF16 = Buffer.from([0xff]);
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/**
 * UTF-16 text recoded as UTF-8, which the CSV is split in. A surrogate without its pair, or an odd last byte, becomes
 * a byte that is never valid UTF-8.
 */
export async function* utf16AsUtf8(source: AsyncIterable<Buffer>, bigEndian: boolean): AsyncGenerator<Buffer> {
  let carry = Buffer.alloc(0);
  for await (const chunk of source) {
    const bytes = carry.length ? Buffer.concat([carry, chunk]) : chunk;
    let end = bytes.length - (bytes.length % 2);
    // A high surrogate last may pair with the next chunk's first unit.
    if (end >= 2 && isHighSurrogate(bigEndian ? bytes.readUInt16BE(end - 2) : bytes.readUInt16LE(end - 2))) end -= 2;
    carry = Buffer.from(bytes.subarray(end));
    if (end > 0) yield recode(bytes.subarray(0, end), bigEndian);
  }
  const whole = carry.length - (carry.length % 2);
  if (whole > 0) yield recode(carry.subarray(0, whole), bigEndian);
  if (carry.length % 2) yield NOT_UTF16;
}

const isHighSurrogate = (unit: number) => unit >= 0xd800 && unit <= 0xdbff;

function recode(units: Buffer, bigEndian: boolean): Buffer {
  // Node reads UTF-16LE unit by unit, keeping lone surrogates, which UTF-8 encoding would turn into U+FFFD.
  const text = (bigEndian ? Buffer.from(units).swap16() : units).toString('utf16le');
  if (!LONE_SURROGATE.test(text)) return Buffer.from(text, 'utf8');
  const parts = text.split(LONE_SURROGATE).map((part) => Buffer.from(part, 'utf8'));
  return Buffer.concat(parts.flatMap((part, i) => (i === 0 ? [part] : [NOT_UTF16, part])));
}
