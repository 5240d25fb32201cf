import { Injectable } from '@nestjs/common';
import { localDate } from '@chanjiao/contracts';

/** "Today" where the college is; a provider so tests can move time. */
@Injectable()
export class Clock {
  constructor(private readonly timeZone = process.env.TIMEZONE ?? 'Asia/Shanghai') {}

  today(): string {
    return localDate(this.timeZone);
  }
}
