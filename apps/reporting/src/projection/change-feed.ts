import { Injectable } from '@nestjs/common';
import { Subject } from 'rxjs';

/** In-process notice of committed projection changes (institutions touched), for live dashboards. */
@Injectable()
export class ChangeFeed {
  readonly changes$ = new Subject<string[]>();

  publish(institutions: string[]): void {
    this.changes$.next(institutions);
  }
}
