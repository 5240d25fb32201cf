import { BatchTurn } from './batch-turn';

/** Whether a promise has settled after the microtasks queued so far have run. */
async function isDone(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await new Promise((r) => setImmediate(r));
  return done;
}

describe('BatchTurn', () => {
  it('the next batch begins once the one before holds its locks, and commits once it committed', async () => {
    const first = new BatchTurn();
    const second = new BatchTurn(first);
    await first.mayBegin();
    const begin = second.mayBegin();
    expect(await isDone(begin)).toBe(false);
    first.hasBegun();
    expect(await isDone(begin)).toBe(true);
    const commit = second.mayCommit();
    expect(await isDone(commit)).toBe(false);
    first.committed();
    await expect(commit).resolves.toBe(true);
  });

  it('when the one before fails, a batch that has begun rolls back; the failed one runs again once it has', async () => {
    const first = new BatchTurn();
    const second = new BatchTurn(first);
    first.hasBegun();
    await second.mayBegin();
    second.hasBegun();
    first.endFirstAttempt(false);
    const alone = first.alone();
    await expect(second.mayCommit()).resolves.toBe(false);
    expect(await isDone(alone)).toBe(false);
    second.endFirstAttempt(false);
    expect(await isDone(alone)).toBe(true);
    // The second runs again alone after the first has settled.
    const secondAlone = second.alone();
    expect(await isDone(secondAlone)).toBe(false);
    first.settle();
    expect(await isDone(secondAlone)).toBe(true);
  });

  it('a batch that has not begun when the one before fails waits for it to settle, holding nothing, then commits', async () => {
    const first = new BatchTurn();
    const second = new BatchTurn(first);
    const begin = second.mayBegin();
    first.endFirstAttempt(false);
    // The failed one need not wait for the second: it holds nothing.
    expect(await isDone(first.alone())).toBe(true);
    expect(await isDone(begin)).toBe(false);
    first.settle();
    expect(await isDone(begin)).toBe(true);
    second.hasBegun();
    await expect(second.mayCommit()).resolves.toBe(true);
  });

  it('acks wait for the batches before to settle', async () => {
    const first = new BatchTurn();
    const second = new BatchTurn(first);
    const settled = second.previousSettled();
    expect(await isDone(settled)).toBe(false);
    first.settle();
    expect(await isDone(settled)).toBe(true);
  });
});
