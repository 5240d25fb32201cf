import { describeViewMappers } from '@chanjiao/testing';
import { toImportView } from './import.dto';

describe('import API view is an allow-list', () => {
  describeViewMappers({
    import: {
      mapper: toImportView,
      sample: {
        importId: 'J1',
        entity: 'programs',
        status: 'completed',
        rows: { done: 2, created: 1, updated: 0, unchanged: 0, failed: 1, note: 'must not leak' },
        errors: [{ row: 3, column: 'code', message: 'bad', code: 'invalid', value: 'must not leak' }],
        message: 'whole file',
        startedAt: '2024-01-01T00:00:00.000Z',
        finishedAt: null,
      },
    },
  });
});
