import { ApiProperty } from '@nestjs/swagger';
import { viewMapper } from './view-mapper';
import { viewKeysOf } from '@chanjiao/testing';

class InnerView {
  @ApiProperty() date!: string;
}
class OuterView {
  @ApiProperty() id!: string;
  @ApiProperty({ nullable: true, type: String }) note!: string | null;
  @ApiProperty({ type: [InnerView] }) items!: InnerView[];
}

const toInner = viewMapper(InnerView, ['date']);
const toOuter = viewMapper(OuterView, ['id', 'note', 'items'], { items: toInner });

describe('viewMapper', () => {
  it('copies exactly the listed keys, in order, nested views included, and drops anything else', () => {
    const state = { secret: 'x', id: 'A', note: null, items: [{ date: '2024-01-01', reason: 'private' }] };
    const view = toOuter(state);
    expect(view).toStrictEqual({ id: 'A', note: null, items: [{ date: '2024-01-01' }] });
    expect(Object.keys(view)).toEqual(['id', 'note', 'items']);
  });

  it('leaves out an optional property the state leaves out, as JSON did', () => {
    const view = toOuter({ id: 'A', note: null, items: [{ date: '2024-01-01' }], other: undefined } as never);
    expect(view).toStrictEqual({ id: 'A', note: null, items: [{ date: '2024-01-01' }] });
    expect(Object.keys(toInner({ date: undefined } as never))).toEqual([]);
  });

  it('lists the same keys as the class declares to OpenAPI', () => {
    expect([...toOuter.keys].sort()).toEqual(viewKeysOf(OuterView).sort());
    expect(toOuter.view).toBe(OuterView);
  });

  it('refuses at compile time a list that leaves a view key out', () => {
    // @ts-expect-error 'items' is missing
    viewMapper(OuterView, ['id', 'note']);
    // @ts-expect-error 'other' is no key of the view
    viewMapper(OuterView, ['id', 'note', 'items', 'other']);
  });
});
