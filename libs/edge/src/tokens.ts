export const SERVICE_ENV = Symbol('SERVICE_ENV');
export const PUBLISHER_AMQP = Symbol('PUBLISHER_AMQP');
