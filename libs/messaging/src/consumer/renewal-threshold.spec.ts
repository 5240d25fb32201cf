import { renewalThreshold } from './amqp-event.server';

describe('renewalThreshold', () => {
  it('renews from half the delivery limit, never later than the 10th delivery, never before the 1st', () => {
    expect([1, 2, 8, 20, 21, 100, 1000].map(renewalThreshold)).toEqual([1, 1, 4, 10, 10, 10, 10]);
  });
});
