export { AiofsHealthIndicator, type AiofsHealthOptions } from './aiofs-health.indicator';
