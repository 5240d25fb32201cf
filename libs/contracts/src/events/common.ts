import { z } from 'zod';
import { ID_PATTERN, isCalendarDate, MAX_YEAR, MIN_YEAR, REGION_PATTERN } from '../reference';

export const zDate = z.string().refine(isCalendarDate, 'must be a date YYYY-MM-DD');
export const zYear = z.number().int().min(MIN_YEAR).max(MAX_YEAR);
export const zId = z.string().regex(ID_PATTERN);
export const zRegion = z.string().regex(REGION_PATTERN);
