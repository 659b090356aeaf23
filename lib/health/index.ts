export {
  AiofsHealthIndicator,
  type AiofsHealthOptions,
  type AiofsHealthDetail,
  type AiofsHealthResult,
} from './aiofs-health.indicator';
