export const PUBLISHER_AMQP = Symbol('PUBLISHER_AMQP');
