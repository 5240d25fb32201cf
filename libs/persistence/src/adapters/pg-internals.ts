import type { Connection } from 'pg';
import { LibraryFastPath } from '@chanjiao/config';
import { isStalePlan } from '../pg-errors';
import { type Statement, toParam } from '../statement-params';

/**
 * The one place that drives node-postgres's connection (its protocol writer, which its API does not describe): the
 * statements of `sendTogether` pipelined in one write, each text parsed once per connection. Public path: `client.query`
 * for each statement in turn, a round trip each. Verified against this version's `lib/connection.js` and `lib/client.js`.
 */
export const pgFastPath = new LibraryFastPath('pg', '8.23.1');

export type TypeParser = (oid: number, format?: 'text' | 'binary') => (value: string) => unknown;

/** The messages of node-postgres's connection a pipeline writes (pg 8; its published types describe an older one). */
interface ProtocolWriter {
  stream: { cork?: () => void; uncork?: () => void };
  parse(msg: { text: string; name: string; types: number[] }): void;
  close(msg: { type: 'S'; name: string }): void;
  bind(msg: { portal: string; statement: string; values: Array<string | null> }): void;
  describe(msg: { type: 'P'; name: string }): void;
  execute(msg: { portal: string; rows: number }): void;
  sync(): void;
  sendCopyFail(msg: string): void;
}

interface FieldDescription {
  name: string;
  dataTypeID: number;
  format?: 'text' | 'binary';
}

/**
 * The statements of `sendTogether` as a node-postgres submittable: the client hands it the connection
 * to write to and the backend's answers to read. Awaiting it gives every statement's rows.
 */
export class StatementPipeline implements PromiseLike<unknown[][]> {
  /** The statements' texts, for logs and tests. */
  readonly text: string;
  /** Parameters as sent, mapped up front: a bad one fails the call before anything is written. */
  private readonly values: Array<Array<string | null>>;
  private readonly done: Promise<unknown[][]>;
  private resolve!: (rows: unknown[][]) => void;
  private reject!: (e: unknown) => void;
  private readonly results: unknown[][] = [];
  private rows: unknown[] = [];
  private fields: string[] = [];
  private parsers: Array<(value: string) => unknown> = [];
  private prepared?: PreparedStatements;
  /** Indexes of the statements this pipeline parses. */
  private readonly parsing: number[] = [];

  constructor(
    readonly statements: readonly Statement[],
    private readonly typeParser: TypeParser,
  ) {
    this.text = statements.map(([sql]) => sql).join(';\n');
    this.values = statements.map(([, params]) => params.map(toParam));
    this.done = new Promise((resolve, reject) => {
      this.resolve = resolve;
      this.reject = reject;
    });
  }

  then<A = unknown[][], B = never>(
    onfulfilled?: ((rows: unknown[][]) => A | PromiseLike<A>) | null,
    onrejected?: ((reason: unknown) => B | PromiseLike<B>) | null,
  ): Promise<A | B> {
    return this.done.then(onfulfilled, onrejected);
  }

  submit(connection: Connection): void {
    const writer = connection as unknown as ProtocolWriter;
    const stream = writer.stream;
    this.prepared = PreparedStatements.of(connection);
    const parsedHere = new Set<string>();
    // One write for the whole pipeline (each message would otherwise be its own).
    stream.cork?.();
    try {
      this.statements.forEach(([sql], i) => {
        const statement = this.prepared!.use(sql);
        // A text repeated in the pipeline (a report's sums) is parsed at its first use only.
        if (statement.parse && !(statement.name && parsedHere.has(sql))) {
          parsedHere.add(sql);
          // Under a name that may exist from a pipeline that failed before we learnt whether it was parsed:
          // closing a statement that does not exist is no error.
          if (statement.name) writer.close({ type: 'S', name: statement.name });
          writer.parse({ text: sql, name: statement.name, types: [] });
          this.parsing.push(i);
        }
        writer.bind({ portal: '', statement: statement.name, values: this.values[i]! });
        writer.describe({ type: 'P', name: '' });
        writer.execute({ portal: '', rows: 0 });
      });
      writer.sync();
    } finally {
      stream.uncork?.();
    }
  }

  handleRowDescription(msg: { fields: FieldDescription[] }): void {
    this.fields = msg.fields.map((f) => f.name);
    this.parsers = msg.fields.map((f) => this.typeParser(f.dataTypeID, f.format ?? 'text'));
  }

  handleDataRow(msg: { fields: Array<string | null> }): void {
    const row: Record<string, unknown> = {};
    for (let i = 0; i < this.fields.length; i++) {
      const raw = msg.fields[i];
      row[this.fields[i]!] = raw === null || raw === undefined ? null : this.parsers[i]!(raw);
    }
    this.rows.push(row);
  }

  handleCommandComplete(): void {
    this.endStatement();
  }

  handleEmptyQuery(): void {
    this.endStatement();
  }

  handleError(error: unknown): void {
    // The client detaches the pipeline on an error (the backend skips the rest and answers the Sync); a promise
    // settles once, so nothing after this changes the outcome. Statements that completed were parsed.
    this.learnParsed();
    if (isStalePlan(error)) PreparedStatements.forgetAll();
    this.reject(error);
  }

  handleReadyForQuery(): void {
    this.learnParsed();
    if (this.results.length !== this.statements.length) {
      this.reject(new Error(`pipeline of ${this.statements.length} statements answered ${this.results.length}`));
      return;
    }
    this.resolve(this.results);
  }

  handlePortalSuspended(): void {
    this.handleError(new Error('a pipelined statement was suspended (row limit): not supported'));
  }

  handleCopyInResponse(connection: Connection): void {
    (connection as unknown as ProtocolWriter).sendCopyFail('COPY is not supported in a statement pipeline');
  }

  handleCopyData(): void {}

  private learnParsed(): void {
    for (const i of this.parsing) if (i < this.results.length) this.prepared?.parsed(this.statements[i]![0]);
    this.parsing.length = 0;
  }

  private endStatement(): void {
    this.results.push(this.rows);
    this.rows = [];
    this.fields = [];
    this.parsers = [];
  }
}

/** Distinct statement texts one connection keeps parsed; texts beyond these are parsed at every use. */
export const PREPARED_PER_CONNECTION = 200;

/**
 * The statement texts parsed (prepared) on one connection, by name. Parsing and analysing the same texts at every
 * execution was a sixth of PostgreSQL's time during single writes (`perf`; planning another sixth). Plans are not kept: connections run with
 * `plan_cache_mode = force_custom_plan` (see `createDataSource`), because a generic plan made once, e.g. on a
 * table still nearly empty, would stay while the table grows.
 */
export class PreparedStatements {
  private static readonly byConnection = new WeakMap<object, PreparedStatements>();
  /** Bumped by {@link forgetAll}; a connection whose texts were parsed in an earlier one parses them again. */
  private static generation = 0;
  private readonly names = new Map<string, { name: string; ready: boolean }>();
  private generation = PreparedStatements.generation;

  static of(connection: object): PreparedStatements {
    let p = PreparedStatements.byConnection.get(connection);
    if (!p) PreparedStatements.byConnection.set(connection, (p = new PreparedStatements()));
    return p;
  }

  /**
   * Every connection of the process parses its texts again at their next use. A migration that changes what a
   * prepared statement returns (a column's type, the columns of a `*`) makes PostgreSQL refuse to run it, on every
   * execution and every connection that prepared it ({@link isStalePlan}); parsing it again gives the new shape.
   */
  static forgetAll(): void {
    PreparedStatements.generation++;
  }

  /** The name to execute `sql` under, and whether to parse it first ('' is the unnamed statement, parsed each time). */
  use(sql: string): { name: string; parse: boolean } {
    if (this.generation !== PreparedStatements.generation) {
      for (const entry of this.names.values()) entry.ready = false;
      this.generation = PreparedStatements.generation;
    }
    let entry = this.names.get(sql);
    if (!entry) {
      if (this.names.size >= PREPARED_PER_CONNECTION) return { name: '', parse: true };
      this.names.set(sql, (entry = { name: `cj_${this.names.size + 1}`, ready: false }));
    }
    return { name: entry.name, parse: !entry.ready };
  }

  /** `sql` was parsed under its name: later pipelines only bind it. */
  parsed(sql: string): void {
    const entry = this.names.get(sql);
    if (entry) entry.ready = true;
  }
}
