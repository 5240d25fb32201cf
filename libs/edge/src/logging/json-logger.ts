import type { LoggerService, LogLevel } from '@nestjs/common';
import pino, { type DestinationStream, type Logger as Pino } from 'pino';

/** LOG_LEVEL (Nest's names) to pino's. */
const PINO_LEVEL = { fatal: 'fatal', error: 'error', warn: 'warn', log: 'info', debug: 'debug', verbose: 'trace' } as const;
type NestLevel = keyof typeof PINO_LEVEL;

/**
 * Nest's Logger interface over pino: every line one JSON object of one shape, `{"time": ISO 8601, "level": "info",
 * "service", "msg": string, "context"?, "correlationId"?, …fields}`. `msg` is always a string: a message given as an
 * object gives its `msg`/`message` as `msg` and its other keys as fields; an Error gives its message, and its stack as
 * `err`. Nest's static `Logger` (every `new Logger(context)`) writes here once the app is created with it.
 */
export class JsonLogger implements LoggerService {
  readonly pino: Pino;

  constructor(service: string, level: NestLevel, destination?: DestinationStream) {
    this.pino = pino(
      {
        level: PINO_LEVEL[level],
        base: { service },
        messageKey: 'msg',
        timestamp: () => `,"time":"${new Date().toISOString()}"`,
        formatters: { level: (label) => ({ level: label }) },
      },
      destination ?? pino.destination({ dest: 1, sync: false }),
    );
  }

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  /** Nest calls it with LOG_LEVEL's levels; the lowest of them is pino's threshold. */
  setLogLevels(levels: LogLevel[]): void {
    const lowest = (['verbose', 'debug', 'log', 'warn', 'error', 'fatal'] as const).find((l) => levels.includes(l));
    if (lowest) this.pino.level = PINO_LEVEL[lowest];
  }

  /** Flushes what is buffered (at exit). */
  flush(): void {
    this.pino.flush();
  }

  private write(level: NestLevel, message: unknown, params: unknown[]): void {
    const pinoLevel = PINO_LEVEL[level];
    if (!this.pino.isLevelEnabled(pinoLevel)) return;
    this.pino[pinoLevel](lineOf(message, params));
  }
}

/** Nest's arguments (message, [stack], [context]) as one line's fields, `msg` a string. */
export function lineOf(message: unknown, params: unknown[]): Record<string, unknown> {
  const rest = [...params];
  // Nest passes the logger's context last (a string), and for errors the stack before it.
  const context = rest.length > 0 && typeof rest[rest.length - 1] === 'string' ? (rest.pop() as string) : undefined;
  const line: Record<string, unknown> = {};
  if (context) line.context = context;
  if (message instanceof Error) {
    line.msg = message.message;
    line.err = message.stack;
  } else if (message !== null && typeof message === 'object') {
    const { msg, message: text, ...fields } = message as Record<string, unknown>;
    Object.assign(line, fields);
    line.msg =
      typeof msg === 'string'
        ? msg
        : typeof text === 'string'
          ? text
          : msg !== undefined || text !== undefined
            ? JSON.stringify(msg ?? text)
            : '';
  } else {
    line.msg = String(message);
  }
  const stack = rest.find((p) => typeof p === 'string');
  if (typeof stack === 'string' && !line.err) line.err = stack;
  const others = rest.filter((p) => typeof p !== 'string');
  if (others.length) line.params = others;
  return line;
}
