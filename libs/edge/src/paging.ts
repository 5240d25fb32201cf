import type { Type } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, ValidateBy } from 'class-validator';
import { INSTITUTION_PATTERN } from '@chanjiao/contracts';
import { decodeCursor, type KeyPart, type Page, type PageRequest } from '@chanjiao/persistence';
import { QueryInteger } from './validators';

/**
 * One paging mechanism for every list: `?limit=&cursor=` in, `{ items, nextCursor }` out, keyset on the list's key
 * (never OFFSET: a page costs the same wherever it is, and rows written between pages neither repeat nor go missing).
 * This is its HTTP side (the query's `limit` and `cursor`, the OpenAPI page); the cursor and the SQL are
 * `keyset-paging.ts` in @chanjiao/persistence.
 */
export const PAGE_LIMIT_DEFAULT = 100;
export const PAGE_LIMIT_MAX = 1000;
/** A cursor is a few ids; anything longer was not given by us. */
const CURSOR_MAX_CHARS = 1024;

/** How many items a list gives per page: its default and most. */
export interface PageBounds {
  default: number;
  max: number;
}
const LIST_BOUNDS: PageBounds = { default: PAGE_LIMIT_DEFAULT, max: PAGE_LIMIT_MAX };

/**
 * Adds `limit` and `cursor` to a query class (a report's query, which has its own fields, pages its list with them);
 * `bounds` for a list of heavier items (imports, audit entries).
 */
export function Paged<B extends new (...args: any[]) => object>(Base: B, bounds: PageBounds = LIST_BOUNDS) {
  class PagedQuery extends Base {
    @ApiPropertyOptional({
      description: `Items per page, 1 to ${bounds.max} (default ${bounds.default})`,
      minimum: 1,
      maximum: bounds.max,
      default: bounds.default,
    })
    @IsOptional()
    @QueryInteger()
    @ValidateBy(
      {
        name: 'isPageLimit',
        validator: { validate: (v: unknown) => Number.isInteger(v) && (v as number) >= 1 && (v as number) <= bounds.max },
      },
      { message: `limit 须为 1 到 ${bounds.max} 的整数 / limit must be an integer from 1 to ${bounds.max}` },
    )
    limit?: number;

    @ApiPropertyOptional({ description: 'The `nextCursor` of the previous page, as given (opaque); absent for the first page' })
    @IsOptional()
    @IsString()
    @MaxLength(CURSOR_MAX_CHARS, { message: 'cursor 无效 / cursor is not one a page gave' })
    cursor?: string;
  }
  return PagedQuery;
}

/**
 * The query of a list of a write service (or /imports, /audit with their bounds): a page, and the institution a key
 * bound to several acts for (read by the key check).
 */
export function listQuery(bounds: PageBounds = LIST_BOUNDS) {
  class ListQuery extends Paged(class {}, bounds) {
    @ApiPropertyOptional({
      description: 'The institution to act for, for a key bound to several (as X-Institution); default: the key’s own',
    })
    @IsOptional()
    @Matches(INSTITUTION_PATTERN, { message: 'institution 须为院校代码 / institution must be an institution code such as BZVTC' })
    institution?: string;
  }
  return ListQuery;
}

export class PageQuery extends listQuery() {}

export function pageRequest(
  q: { limit?: number; cursor?: string } | undefined,
  parts: readonly KeyPart[],
  bounds: PageBounds = LIST_BOUNDS,
): PageRequest {
  return { limit: q?.limit ?? bounds.default, after: q?.cursor ? decodeCursor(q.cursor, parts) : null };
}

const pageViews = new Map<Type<unknown>, Type<Page<unknown>>>();

/** The OpenAPI type of a page of `item`s (`<Item>Page`). */
export function PageView<T>(item: Type<T>): Type<Page<T>> {
  const known = pageViews.get(item);
  if (known) return known as Type<Page<T>>;
  class ItemPage implements Page<T> {
    @ApiProperty({ type: [item] }) items!: T[];
    @ApiProperty({
      type: String,
      nullable: true,
      description: 'Pass as `cursor` for the next page; null on the last page',
    })
    nextCursor!: string | null;
  }
  Object.defineProperty(ItemPage, 'name', { value: `${item.name.replace(/View$/, '')}Page` });
  pageViews.set(item, ItemPage as Type<Page<unknown>>);
  return ItemPage;
}
