import type { ConfirmChannel, Options } from 'amqplib';
import type { OutboxRow } from './outbox.writer';

/** What an outbox row gives its message: the routing key, the body and the properties that vary (AMQP `timestamp` from `time`). */
export type FramedMessage = Pick<OutboxRow, 'routingKey' | 'payload' | 'eventId' | 'time' | 'traceparent'>;

/** What every message of a relay has in common. */
export interface FramedPublisher {
  exchange: string;
  contentType: string;
  appId: string;
}

// AMQP 0-9-1: basic (class 60) publish (method 40); the header frame's property flags, in the order the properties follow.
const BASIC_PUBLISH = (60 << 16) | 40;
const BASIC_CLASS = 60 << 16;
const FLAG_CONTENT_TYPE = 0x8000;
const FLAG_HEADERS = 0x2000;
const FLAG_DELIVERY_MODE = 0x1000;
const FLAG_MESSAGE_ID = 0x0080;
const FLAG_TIMESTAMP = 0x0040;
const FLAG_TYPE = 0x0020;
const FLAG_APP_ID = 0x0008;
const PROPERTY_FLAGS = FLAG_CONTENT_TYPE | FLAG_HEADERS | FLAG_DELIVERY_MODE | FLAG_MESSAGE_ID | FLAG_TIMESTAMP | FLAG_TYPE | FLAG_APP_ID;
const PERSISTENT = 2;
/** basic.publish's bits: mandatory (a message no queue takes comes back, `basic.return`), not immediate. */
const MANDATORY = 1;
const FRAME_END = 0xce;
/** Type octet, channel and size before a frame's payload, the end octet after it. */
const FRAME_OVERHEAD = 8;
const TRACEPARENT = 'traceparent';
const LONG_STRING = 0x53; // 'S'
/** The smallest frame AMQP 0-9-1 lets a peer negotiate. */
export const MIN_FRAME_MAX = 4096;

/** AMQP `timestamp`: the event's time, in whole seconds. */
const timestampOf = (m: FramedMessage) => Math.floor(Date.parse(m.time) / 1000);

function shortStringLength(value: string, field: string): number {
  const n = Buffer.byteLength(value, 'utf8');
  if (n > 255) throw new RangeError(`${field} is ${n} bytes; AMQP allows at most 255`);
  return n;
}

/**
 * The frames of a run of persistent publishes, as one buffer: byte for byte what amqplib writes for
 * `channel.publish(exchange, routingKey, Buffer.from(payload), { persistent, mandatory, messageId, type: routingKey, contentType,
 * timestamp, appId, headers })` (its unit test compares the two). amqplib's own path costs a writer 2–3 times the CPU per
 * message: a zeroed buffer and a BigInt for its header frame, each string measured twice, the body copied twice, a stream write
 * per message. Bodies longer than a frame allows are split over several body frames, as amqplib splits them.
 */
export function encodePublishFrames(channel: number, frameMax: number, fixed: FramedPublisher, messages: readonly FramedMessage[]): Buffer {
  const exchangeLength = shortStringLength(fixed.exchange, 'exchange');
  const contentTypeLength = shortStringLength(fixed.contentType, 'contentType');
  const appIdLength = shortStringLength(fixed.appId, 'appId');
  if (!(frameMax >= MIN_FRAME_MAX)) throw new RangeError(`frameMax ${frameMax} is below AMQP's minimum of ${MIN_FRAME_MAX}`);
  const maxBody = frameMax - FRAME_OVERHEAD;
  const sizes = new Array<{ routingKey: number; messageId: number; trace: number; body: number; properties: number }>(messages.length);
  let total = 0;
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const routingKey = shortStringLength(m.routingKey, 'routingKey');
    const messageId = shortStringLength(m.eventId, 'messageId');
    const trace = m.traceparent ? Buffer.byteLength(m.traceparent, 'utf8') : -1; // an empty one is no trace: no header
    const body = Buffer.byteLength(m.payload, 'utf8');
    // contentType, headers (a table: its length, then `traceparent` as a long string), deliveryMode, messageId,
    // timestamp, type (the routing key), appId.
    const headers = 4 + (trace < 0 ? 0 : 1 + TRACEPARENT.length + 1 + 4 + trace);
    const properties = 1 + contentTypeLength + headers + 1 + 1 + messageId + 8 + 1 + routingKey + 1 + appIdLength;
    sizes[i] = { routingKey, messageId, trace, body, properties };
    const bodyFrames = body === 0 ? 0 : Math.ceil(body / maxBody);
    total += FRAME_OVERHEAD + 4 + 2 + 1 + exchangeLength + 1 + routingKey + 1; // method frame
    total += FRAME_OVERHEAD + 4 + 8 + 2 + properties; // header frame
    total += bodyFrames * FRAME_OVERHEAD + body;
  }
  const b = Buffer.allocUnsafe(total);
  let o = 0;
  const frameStart = (type: number, size: number) => {
    b[o] = type;
    b.writeUInt16BE(channel, o + 1);
    b.writeUInt32BE(size, o + 3);
    o += 7;
  };
  const shortString = (value: string, length: number) => {
    b[o++] = length;
    o += b.write(value, o, length, 'utf8');
  };
  const uint64 = (n: number) => {
    b.writeUInt32BE(Math.floor(n / 0x100000000), o);
    b.writeUInt32BE(n >>> 0, o + 4);
    o += 8;
  };
  for (let i = 0; i < messages.length; i++) {
    const m = messages[i]!;
    const s = sizes[i]!;
    frameStart(1, 4 + 2 + 1 + exchangeLength + 1 + s.routingKey + 1);
    b.writeUInt32BE(BASIC_PUBLISH, o);
    b.writeUInt16BE(0, o + 4); // reserved (ticket)
    o += 6;
    shortString(fixed.exchange, exchangeLength);
    shortString(m.routingKey, s.routingKey);
    b[o++] = MANDATORY; // not immediate
    b[o++] = FRAME_END;

    frameStart(2, 4 + 8 + 2 + s.properties);
    b.writeUInt32BE(BASIC_CLASS, o); // class, weight
    o += 4;
    uint64(s.body);
    b.writeUInt16BE(PROPERTY_FLAGS, o);
    o += 2;
    shortString(fixed.contentType, contentTypeLength);
    if (s.trace < 0) {
      b.writeUInt32BE(0, o);
      o += 4;
    } else {
      b.writeUInt32BE(1 + TRACEPARENT.length + 1 + 4 + s.trace, o);
      o += 4;
      shortString(TRACEPARENT, TRACEPARENT.length);
      b[o++] = LONG_STRING;
      b.writeUInt32BE(s.trace, o);
      o += 4;
      o += b.write(m.traceparent!, o, s.trace, 'utf8');
    }
    b[o++] = PERSISTENT;
    shortString(m.eventId, s.messageId);
    uint64(timestampOf(m));
    shortString(m.routingKey, s.routingKey);
    shortString(fixed.appId, appIdLength);
    b[o++] = FRAME_END;

    if (s.body <= maxBody) {
      if (s.body > 0) {
        frameStart(3, s.body);
        o += b.write(m.payload, o, s.body, 'utf8');
        b[o++] = FRAME_END;
      }
    } else {
      const body = Buffer.from(m.payload, 'utf8');
      for (let at = 0; at < body.length; at += maxBody) {
        const end = Math.min(body.length, at + maxBody);
        frameStart(3, end - at);
        o += body.copy(b, o, at, end);
        b[o++] = FRAME_END;
      }
    }
  }
  if (o !== total) throw new Error(`encoded ${o} bytes of the ${total} measured`);
  return b;
}

/** Writes a run of publishes on a confirm channel; `onConfirm` is called once per message, as amqplib calls it. */
export type FramedPublish = (messages: readonly FramedMessage[], onConfirm: (err: unknown) => void) => void;

/** The options amqplib publishes a message with: what {@link encodePublishFrames} encodes. */
export function publishOptions(fixed: FramedPublisher, m: FramedMessage): Options.Publish {
  return {
    persistent: true,
    mandatory: true,
    messageId: m.eventId,
    type: m.routingKey,
    contentType: fixed.contentType,
    timestamp: timestampOf(m),
    appId: fixed.appId,
    headers: m.traceparent ? { traceparent: m.traceparent } : {},
  };
}

/** Publishes through amqplib, one message at a time, with the same frames as {@link encodePublishFrames}. */
export function amqplibPublisher(channel: ConfirmChannel, fixed: FramedPublisher): FramedPublish {
  return (messages, onConfirm) => {
    for (const m of messages) channel.publish(fixed.exchange, m.routingKey, Buffer.from(m.payload), publishOptions(fixed, m), onConfirm);
  };
}
