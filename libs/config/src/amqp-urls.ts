import { z } from 'zod';

const amqpUrl = z.url({ protocol: /^amqps?$/ });
/** `amqp://…` or a comma-separated list of them (one per node of a cluster). */
export const zAmqpUrls = z
  .string()
  .refine(
    (v) => amqpNodes(v).length > 0 && amqpNodes(v).every((u) => amqpUrl.safeParse(u).success),
    'must be an amqp(s):// URL or a comma-separated list of them',
  );

/** The node URLs of an `AMQP_URL`: one broker, or the nodes of one cluster separated by commas. */
export function amqpNodes(value: string): string[] {
  return value
    .split(',')
    .map((u) => u.trim())
    .filter((u) => u.length > 0);
}
