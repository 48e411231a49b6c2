// Local SQS (FIFO) for tests and the local runner: a protocol-level server the real SDK client talks to,
// and a driver that plays Lambda's event source mapping. See local/sqs-fifo/*.
export {
  type FifoConsumerOptions,
  type FifoConsumers,
  runFifoConsumers,
  type SqsHandler,
} from './consumers';
export type { MessageAttributes, WireMessageAttribute } from './message-attributes';
export {
  type OnboardingPipeline,
  type OnboardingPipelineOptions,
  type RouterHandler,
  startOnboardingPipeline,
  type WorkerHandler,
} from './onboarding-pipeline';
export { type LocalSqs, type QueueSnapshotMessage, type SqsServerOptions, startSqs } from './server';
