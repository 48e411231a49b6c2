// Fake Lambda inputs shared by the tests, the bench and the local runner: API Gateway proxy events,
// the Lambda context, and a client that calls an API handler in-process.
export { type ApiCallResult, callApi } from './call-api';
export { type LambdaContextOptions, LOCAL_ACCOUNT_ID, makeLambdaContext } from './context';
export { callerIdentity, makeProxyEvent, type ProxyEventInput } from './proxy-event';
