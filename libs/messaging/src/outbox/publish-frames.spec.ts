import { dirname, join } from 'node:path';
import type { ConfirmChannel } from 'amqplib';
import { useLibraryFastPaths } from '@chanjiao/testing';
import { framedPublisher } from '../adapters/amqplib-internals';
import { encodePublishFrames, FramedMessage, publishOptions } from './publish-frames';

// amqplib's own encoders, to compare with: not part of its API (its package exports do not list them).
const amqplibFile = (name: string) => join(dirname(require.resolve('amqplib')), 'lib', name);
// eslint-disable-next-line @typescript-eslint/no-require-imports
const defs = require(amqplibFile('defs')) as {
  BasicPublish: number;
  BasicProperties: number;
  encodeMethod(id: number, channel: number, fields: object): Buffer;
  encodeProperties(id: number, channel: number, size: number, fields: object): Buffer;
};
// eslint-disable-next-line @typescript-eslint/no-require-imports
const Args = require(amqplibFile('api_args')) as { publish(exchange: string, routingKey: string, options: object): object };

const fixed = { exchange: 'chanjiao.events', contentType: 'application/cloudevents+json', appId: 'enrollment' };
const TRACEPARENT = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';

/** The frames amqplib's `ConfirmChannel.publish` writes for one message with the options its path uses (its connection's `sendMessage` and `sendContent`). */
function amqplibFrames(channel: number, frameMax: number, m: FramedMessage): Buffer {
  const fields = Args.publish(fixed.exchange, m.routingKey, publishOptions(fixed, m));
  const content = Buffer.from(m.payload);
  const frames = [
    defs.encodeMethod(defs.BasicPublish, channel, fields),
    defs.encodeProperties(defs.BasicProperties, channel, content.length, fields),
  ];
  for (let at = 0; at < content.length; at += frameMax - 8) {
    const part = content.subarray(at, Math.min(content.length, at + frameMax - 8));
    const frame = Buffer.alloc(part.length + 8);
    frame[0] = 3;
    frame.writeUInt16BE(channel, 1);
    frame.writeUInt32BE(part.length, 3);
    part.copy(frame, 7);
    frame[frame.length - 1] = 0xce;
    frames.push(frame);
  }
  return Buffer.concat(frames);
}

const message = (i: number, over: Partial<FramedMessage> = {}): FramedMessage =>
  Object.assign(
    {
      routingKey: 'enrollment.student.enrolled.v1',
      payload: JSON.stringify({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, subject: `S${i}`, data: { n: i } }),
      eventId: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      time: new Date((1_764_000_000 + i) * 1000).toISOString(),
    },
    over,
  );

describe('encodePublishFrames', () => {
  it('writes the bytes amqplib writes for the same publishes, message after message', () => {
    const messages = [
      message(1),
      message(2, { traceparent: TRACEPARENT }),
      message(3, { payload: JSON.stringify({ name: '產教融合', note: 'ünïcödé' }), routingKey: 'alliance.member.joined.v1' }),
      message(4, { payload: '' }),
      message(5, { time: new Date((2 ** 40 + 7) * 1000).toISOString() }), // past 32 bits
      message(6, { time: '2022-09-01T08:00:00.5+08:00', traceparent: '' }), // an offset, a fraction; an empty trace sends no header
    ];
    for (const channel of [1, 7, 300]) {
      const expected = Buffer.concat(messages.map((m) => amqplibFrames(channel, 131_072, m)));
      expect(encodePublishFrames(channel, 131_072, fixed, messages).equals(expected)).toBe(true);
    }
  });

  it('splits a body longer than a frame allows over several body frames, as amqplib does', () => {
    const long = message(6, { payload: JSON.stringify({ text: '產'.repeat(5_000) }), traceparent: TRACEPARENT });
    const messages = [message(5), long, message(7)];
    const expected = Buffer.concat(messages.map((m) => amqplibFrames(2, 4_096, m)));
    expect(Buffer.byteLength(long.payload)).toBeGreaterThan(3 * 4_096);
    expect(encodePublishFrames(2, 4_096, fixed, messages).equals(expected)).toBe(true);
  });

  it('refuses a short string AMQP cannot carry, naming the field', () => {
    expect(() => encodePublishFrames(1, 131_072, fixed, [message(1, { eventId: 'x'.repeat(256) })])).toThrow(/messageId is 256 bytes/);
    expect(() => encodePublishFrames(1, 131_072, Object.assign({}, fixed, { appId: '產'.repeat(100) }), [])).toThrow(/appId is 300 bytes/);
    expect(() => encodePublishFrames(1, 0, fixed, [message(1)])).toThrow(/frameMax 0 is below/);
  });
});

describe('framedPublisher', () => {
  it('declines a channel whose internals are not amqplib 2.x’s, for the caller to publish through amqplib', () => {
    expect(framedPublisher({ publish: () => true } as unknown as ConfirmChannel, fixed)).toBeUndefined();
    const noBuffer = { ch: 1, pushConfirmCallback: () => undefined, connection: { frameMax: 131_072, channels: [] } };
    expect(framedPublisher(noBuffer as unknown as ConfirmChannel, fixed)).toBeUndefined();
    const buffer = { write: () => true };
    const noFrameMax = { ch: 1, pushConfirmCallback: () => undefined, connection: { frameMax: 0, channels: [undefined, { buffer }] } };
    expect(framedPublisher(noFrameMax as unknown as ConfirmChannel, fixed)).toBeUndefined();
    const usable = { ch: 1, pushConfirmCallback: () => undefined, connection: { frameMax: 131_072, channels: [undefined, { buffer }] } };
    expect(framedPublisher(usable as unknown as ConfirmChannel, fixed)).toBeInstanceOf(Function);
  });

  it('declines every channel on the public path (CHANJIAO_LIBRARY_FAST_PATHS=off)', () => {
    const usable = {
      ch: 1,
      pushConfirmCallback: () => undefined,
      connection: { frameMax: 131_072, channels: [undefined, { buffer: { write: () => true } }] },
    };
    try {
      useLibraryFastPaths('off');
      expect(framedPublisher(usable as unknown as ConfirmChannel, fixed)).toBeUndefined();
    } finally {
      useLibraryFastPaths('on');
    }
  });
});
