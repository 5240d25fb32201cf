import { Writable } from 'node:stream';
import { Logger } from '@nestjs/common';
import { JsonLogger } from './json-logger';

/** A logger writing synchronously into an array of parsed lines. */
function capture(level: 'log' | 'debug' | 'warn' = 'log') {
  const lines: Array<Record<string, unknown>> = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const l of chunk.toString().split('\n').filter(Boolean)) lines.push(JSON.parse(l) as Record<string, unknown>);
      done();
    },
  });
  return { logger: new JsonLogger('enrollment', level, sink), lines };
}

describe('JsonLogger', () => {
  it('writes one shape: ISO time, level name, service, msg always a string, context and fields beside', () => {
    const { logger, lines } = capture();
    logger.log('started', 'Bootstrap');
    logger.warn({ msg: 'failed on attempt 1; retrying', correlationId: 'abc', sequence: 3 }, 'Consumer');
    logger.error(new Error('boom'), 'Import');
    logger.log({ message: { nested: true } });
    logger.error('could not publish', 'Error: x\n    at y', 'Outbox');
    logger.debug('hidden at log level');
    expect(lines).toHaveLength(5);
    for (const l of lines) {
      expect(typeof l.msg).toBe('string');
      expect(l.service).toBe('enrollment');
      expect(l.time).toBe(new Date(l.time as string).toISOString());
      expect(Object.keys(l)).not.toContain('message');
    }
    expect(lines[0]).toMatchObject({ level: 'info', msg: 'started', context: 'Bootstrap' });
    expect(lines[1]).toMatchObject({ level: 'warn', msg: 'failed on attempt 1; retrying', correlationId: 'abc', sequence: 3 });
    expect(lines[2]).toMatchObject({ level: 'error', msg: 'boom', context: 'Import' });
    expect(lines[2]!.err).toMatch(/^Error: boom/);
    expect(lines[3]).toMatchObject({ msg: '{"nested":true}' });
    expect(lines[4]).toMatchObject({ level: 'error', msg: 'could not publish', context: 'Outbox', err: 'Error: x\n    at y' });
  });

  it('takes LOG_LEVEL: debug lines only at debug', () => {
    const { logger, lines } = capture('debug');
    logger.debug('shown');
    logger.verbose('not shown');
    expect(lines.map((l) => [l.level, l.msg])).toEqual([['debug', 'shown']]);
  });

  it("is what Nest's static Logger writes to", () => {
    const { logger, lines } = capture();
    Logger.overrideLogger(logger);
    try {
      new Logger('http').log({ msg: 'request', status: 201 });
    } finally {
      Logger.overrideLogger(false);
    }
    expect(lines).toEqual([expect.objectContaining({ level: 'info', msg: 'request', status: 201, context: 'http' })]);
  });
});
