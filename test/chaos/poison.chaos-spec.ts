import { StudentEnrolled } from '@chanjiao/contracts';
import { publishRaw } from '@chanjiao/testing';
import { chaosScenario } from './scenario';

/** A poison event (its data not valid) and a message that is not JSON, published straight to the exchange under load. */
chaosScenario(
  'a poison and a non-JSON message published to the exchange',
  async ({ sleep, stack }) => {
    await sleep(5_000);
    const poison = {
      specversion: '1.0',
      id: '5c0ffee0-0000-4000-8000-000000000026',
      source: '/chanjiao/enrollment',
      type: StudentEnrolled.type,
      subject: 'POISON',
      time: new Date().toISOString(),
      datacontenttype: 'application/json',
      institution: 'POISON',
      sequence: 1,
      data: { studentId: 'POISON', cohortYear: 'not a year' },
    };
    await publishRaw(stack.amqpUrl, stack.exchange, StudentEnrolled.type, JSON.stringify(poison));
    await publishRaw(stack.amqpUrl, stack.exchange, StudentEnrolled.type, '{"specversion": "1.0", "id": ');
    await sleep(20_000);
  },
  { deadLetters: ['invalid_event', 'malformed_json'] },
);
