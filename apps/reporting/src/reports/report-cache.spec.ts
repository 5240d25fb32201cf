import { GenerationProbe } from './report-cache';

/** A lookup whose answers the test hands out one by one, recording when each was sent. */
function controlledLookup() {
  const sent: Array<{ institution: string; answer: (g: string) => void; fail: (e: Error) => void }> = [];
  const lookup = (institution: string) =>
    new Promise<string>((answer, fail) => {
      sent.push({ institution, answer, fail });
    });
  return { sent, lookup };
}

const settle = () => new Promise((r) => setImmediate(r));

describe('GenerationProbe', () => {
  it('sends a lone read its own lookup at once', async () => {
    const { sent, lookup } = controlledLookup();
    const probe = new GenerationProbe(lookup);
    const read = probe.current('C1');
    expect(sent).toHaveLength(1);
    sent[0]!.answer('7');
    await expect(read).resolves.toBe('7');
  });

  it('never answers a read with a lookup sent before it arrived; those arriving meanwhile share the next one', async () => {
    const { sent, lookup } = controlledLookup();
    const probe = new GenerationProbe(lookup);
    const first = probe.current('C1');
    // Arrive while the first lookup is in flight (a commit may have landed after it was sent).
    const late = [probe.current('C1'), probe.current('C1'), probe.current('C1')];
    expect(sent).toHaveLength(1);
    sent[0]!.answer('7');
    await expect(first).resolves.toBe('7');
    await settle();
    expect(sent).toHaveLength(2); // one more lookup for all three, sent after the first returned
    sent[1]!.answer('8');
    await expect(Promise.all(late)).resolves.toEqual(['8', '8', '8']);
  });

  it('keeps institutions apart', async () => {
    const { sent, lookup } = controlledLookup();
    const probe = new GenerationProbe(lookup);
    const a = probe.current('C1');
    const b = probe.current('C2');
    expect(sent.map((s) => s.institution)).toEqual(['C1', 'C2']);
    sent[1]!.answer('2');
    sent[0]!.answer('1');
    await expect(Promise.all([a, b])).resolves.toEqual(['1', '2']);
  });

  it('fails the reads of a failed lookup only; the queued lookup is still sent', async () => {
    const { sent, lookup } = controlledLookup();
    const probe = new GenerationProbe(lookup);
    const first = probe.current('C1');
    const late = probe.current('C1');
    sent[0]!.fail(new Error('connection reset'));
    await expect(first).rejects.toThrow('connection reset');
    await settle();
    sent[1]!.answer('9');
    await expect(late).resolves.toBe('9');
    // Nothing left in flight: the next read sends at once.
    const after = probe.current('C1');
    expect(sent).toHaveLength(3);
    sent[2]!.answer('9');
    await expect(after).resolves.toBe('9');
  });
});
