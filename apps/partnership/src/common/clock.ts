import { Injectable } from '@nestjs/common';

/** "Today" where the college is; a provider so tests can move time. */
@Injectable()
export class Clock {
  constructor(private readonly timeZone = process.env.TIMEZONE ?? 'Asia/Shanghai') {}

  today(): string {
    return new Intl.DateTimeFormat('en-CA', { timeZone: this.timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(
      new Date(),
    );
  }
}
