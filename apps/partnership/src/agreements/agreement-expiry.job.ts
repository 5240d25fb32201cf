import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { CloudEvent, SYSTEM_ACTOR } from '@chanjiao/contracts';
import { untilDatabaseAnswers, WorkerPauses } from '@chanjiao/persistence';
import { decideWrite, WriteUnitOfWork } from '@chanjiao/write';
import { Clock } from '../common/clock';
import { AgreementState, decideExpiry } from './agreement.domain';
import { AgreementRepository } from './agreement.repository';

export const EXPIRY_INTERVAL_MS = Symbol('EXPIRY_INTERVAL_MS');
const BATCH = 500;
/** The job's name among the service's workers (readiness, metrics, logs). */
export const EXPIRY_WORKER = 'agreement-expiry';

/**
 * Emits `partnership.agreement.expired.v1` for agreements past `expiresOn`, on its own: at boot and
 * then every interval. Each run expires agreements in transactions that lock the due rows
 * (`FOR UPDATE SKIP LOCKED`), mark them expired and append the events to the outbox together; the
 * row's status is the guard, so an expiry is published exactly once across restarts and instances. While the database
 * is away the job pauses and tries again with backoff (not only at the next interval), shown by readiness and metrics.
 */
@Injectable()
export class AgreementExpiryJob implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger('AgreementExpiry');
  private timer?: NodeJS.Timeout;
  private running?: Promise<number>;
  private readonly stopping = new AbortController();
  private ticking = false;

  constructor(
    private readonly uow: WriteUnitOfWork,
    private readonly agreements: AgreementRepository,
    private readonly clock: Clock,
    @Inject(EXPIRY_INTERVAL_MS) private readonly intervalMs: number,
    private readonly pauses: WorkerPauses,
  ) {}

  onApplicationBootstrap(): void {
    if (this.intervalMs <= 0) return;
    void this.tick();
    this.timer = setInterval(() => void this.tick(), this.intervalMs);
    this.timer.unref();
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.timer);
    this.stopping.abort(new Error('stopping'));
    await this.running?.catch(() => undefined);
  }

  private async tick(): Promise<void> {
    // A tick waiting out an outage is the one retrying; the interval's next ticks leave it to it.
    if (this.ticking) return;
    this.ticking = true;
    try {
      const n = await untilDatabaseAnswers(() => this.runOnce(), {
        worker: EXPIRY_WORKER,
        pauses: this.pauses,
        signal: this.stopping.signal,
      });
      if (n > 0) this.logger.log(`${n} agreement(s) expired`);
    } catch (e) {
      if (this.stopping.signal.aborted) return;
      this.logger.error(`expiry run failed: ${(e as Error).stack ?? String(e)}`);
    } finally {
      this.ticking = false;
    }
  }

  /** Expires every due agreement now; answers how many this call expired. Overlapping calls share one run. */
  runOnce(): Promise<number> {
    this.running ??= this.run().finally(() => (this.running = undefined));
    return this.running;
  }

  private async run(): Promise<number> {
    const today = this.clock.today();
    let total = 0;
    for (;;) {
      const n = await this.uow.run(async (m) => {
        const due = await this.agreements.lockDue(m, today, BATCH);
        // Due rows come by institution: each institution's are one write, by the system, in the order they came.
        const byInstitution = new Map<string, Map<string, AgreementState>>();
        for (const { institution, ...a } of due) {
          byInstitution.set(institution, (byInstitution.get(institution) ?? new Map<string, AgreementState>()).set(a.agreementId, a));
        }
        const events: CloudEvent[] = [];
        for (const [institution, rows] of byInstitution) {
          const w = decideWrite({ institution, actor: SYSTEM_ACTOR }, rows, [...rows.keys()], (a) => decideExpiry(a!, today));
          events.push(...w.events);
          await this.agreements.saveMany(m, institution, w.created, w.updated);
        }
        return { result: due.length, events };
      });
      total += n;
      if (n < BATCH) return total;
    }
  }
}
