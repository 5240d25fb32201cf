export * from './reference';
export * from './envelope';
export * from './define-event';
export * from './registry';
export * from './catalogue';
export * from './events/common';
export * from './events/enrollment.events';
export * from './events/alliance.events';
