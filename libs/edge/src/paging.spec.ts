import { decodeCursor, toPage } from '@chanjiao/persistence';
import { pageRequest } from './paging';

describe('paging', () => {
  it('gives a cursor only when another page follows', () => {
    const req = pageRequest({ limit: 2 }, ['text']);
    const rows = [{ id: 'a' }, { id: 'b' }, { id: 'c' }];
    const page = toPage(rows, req, (r) => [r.id]);
    expect(page.items).toEqual([{ id: 'a' }, { id: 'b' }]);
    expect(decodeCursor(page.nextCursor!, ['text'])).toEqual(['b']);
    expect(toPage(rows.slice(0, 2), req, (r) => [r.id]).nextCursor).toBeNull();
    expect(pageRequest(undefined, ['text'])).toEqual({ limit: 100, after: null });
  });
});
