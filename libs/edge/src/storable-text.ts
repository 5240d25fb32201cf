/**
 * PostgreSQL cannot store U+0000 in `text`/`jsonb`, and a lone UTF-16 surrogate cannot be encoded as UTF-8 at
 * all: either one reaching the database fails the whole statement (a whole batch or import). Checked once at
 * the edge of every write (JSON bodies and import rows) so that it is a 4xx naming the field instead.
 */
// A high surrogate not followed by a low one, or a low one not preceded by a high one; or NUL.
const UNSTORABLE = /\u0000|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

export type UnstorableReason = 'nul' | 'lone_surrogate';

/** Why `text` cannot be stored, or undefined when it can. */
export function unstorableText(text: string): UnstorableReason | undefined {
  const m = UNSTORABLE.exec(text);
  if (!m) return undefined;
  return m[0] === '\u0000' ? 'nul' : 'lone_surrogate';
}

/** The Chinese-first message for a field holding unstorable text. */
export function unstorableTextMessage(field: string, reason: UnstorableReason): string {
  return reason === 'nul'
    ? `${field} 含有空字符（U+0000），无法保存 / ${field} contains a NUL character (U+0000), which cannot be stored`
    : `${field} 含有不成对的代理字符，不是有效的 Unicode 文本 / ${field} contains a lone surrogate, which is not valid Unicode text`;
}

/**
 * The first string in a parsed JSON value (keys included) that cannot be stored, with its path (`items[3].name`),
 * or undefined. Iterative, so a deeply nested body cannot overflow the stack.
 */
export function findUnstorableText(value: unknown, root = ''): { field: string; reason: UnstorableReason } | undefined {
  const stack: Array<[unknown, string]> = [[value, root]];
  while (stack.length > 0) {
    const [v, path] = stack.pop()!;
    if (typeof v === 'string') {
      const reason = unstorableText(v);
      if (reason) return { field: path || '(body)', reason };
    } else if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push([v[i], `${path}[${i}]`]);
    } else if (v !== null && typeof v === 'object') {
      const entries = Object.entries(v as Record<string, unknown>);
      for (let i = entries.length - 1; i >= 0; i--) {
        const [k, child] = entries[i]!;
        const childPath = path ? `${path}.${k}` : k;
        const keyReason = unstorableText(k);
        if (keyReason) return { field: childPath, reason: keyReason };
        stack.push([child, childPath]);
      }
    }
  }
  return undefined;
}
