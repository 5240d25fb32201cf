import { BadRequestException } from '@nestjs/common';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { findUnstorableText, unstorableTextMessage } from '../storable-text';

/**
 * The JSON body parser of every service. Fastify's own decodes invalid UTF-8 as U+FFFD without a word, and lets a
 * NUL or a lone surrogate (`"\u0000"`, `"\ud800"`) through to PostgreSQL, which then fails the whole write with a 500.
 * Here the bytes must be UTF-8 (400 `invalid_encoding`) and every string storable (400 `invalid_text` naming it).
 * Parsing itself stays Fastify's (prototype-poisoning checks included).
 */
export function installJsonParser(fastify: FastifyInstance, bodyLimit: number): void {
  const parseJson = fastify.getDefaultJsonParser('error', 'error');
  if (fastify.hasContentTypeParser('application/json')) fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser(
    /^application\/(?:[\w.+-]+\+)?json(?:\s*;.*)?$/i,
    { parseAs: 'buffer', bodyLimit },
    (req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => {
      let text: string;
      try {
        text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false }).decode(body);
      } catch {
        const message = '请求体不是有效的 UTF-8 文本 / the request body is not valid UTF-8';
        done(new BadRequestException({ error: 'invalid_encoding', message, errors: [{ field: 'body', message }] }));
        return;
      }
      void parseJson(req, text, (err, parsed) => {
        if (err) return done(err);
        const bad = findUnstorableText(parsed);
        if (bad) {
          const message = unstorableTextMessage(bad.field, bad.reason);
          return done(new BadRequestException({ error: 'invalid_text', message, errors: [{ field: bad.field, message }] }));
        }
        done(null, parsed);
      });
    },
  );
}
