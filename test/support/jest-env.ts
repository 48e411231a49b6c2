// Runs before every test file: a quiet, offline, deterministic AWS environment.
// Real endpoints are never reached: each integration test boots its own servers on 127.0.0.1
// and points the SDK at them with AWS_ENDPOINT_URL_* (see local/).
process.env.AWS_REGION ??= 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID ??= 'test-access-key';
process.env.AWS_SECRET_ACCESS_KEY ??= 'test-secret-key';
process.env.AWS_REQUEST_CHECKSUM_CALCULATION ??= 'WHEN_REQUIRED';
process.env.AWS_RESPONSE_CHECKSUM_VALIDATION ??= 'WHEN_REQUIRED';
process.env.POWERTOOLS_LOG_LEVEL ??= 'SILENT';
process.env.POWERTOOLS_METRICS_DISABLED ??= 'true';
process.env.POWERTOOLS_DEV ??= 'false';
// CloudFormation validation costs seconds per CDK test file; templates are checked by assertions.
process.env.CDK_VALIDATION = 'false';
