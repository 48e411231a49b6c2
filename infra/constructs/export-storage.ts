// Where exports land (and where the company poller keeps its watermark): a private, encrypted,
// versioned bucket with lifecycle rules, whose server access logs go to a second bucket.
import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import {
  BlockPublicAccess,
  Bucket,
  BucketEncryption,
  ObjectOwnership,
  StorageClass,
} from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/** Lifecycle of the export bucket (days) and of its access logs. */
export interface ExportStorageProps {
  /** Lifecycle ages out objects under this prefix only: state objects (the poller watermark) stay. */
  exportPrefix: string;
  infrequentAccessAfterDays: number | null;
  expireAfterDays: number;
  noncurrentVersionsExpireAfterDays: number;
  accessLogRetentionDays: number;
}

/** The export bucket (exports, the poller's watermark, the operation store) and its access-log bucket. */
export class ExportStorage extends Construct {
  readonly bucket: Bucket;
  readonly accessLogBucket: Bucket;

  constructor(scope: Construct, id: string, props: ExportStorageProps) {
    super(scope, id);

    this.accessLogBucket = new Bucket(this, 'AccessLogs', {
      // S3 server access logging delivers only to SSE-S3 buckets.
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      lifecycleRules: [
        { id: 'expire-access-logs', expiration: Duration.days(props.accessLogRetentionDays) },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      removalPolicy: RemovalPolicy.RETAIN,
    });

    this.bucket = new Bucket(this, 'Exports', {
      encryption: BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      blockPublicAccess: BlockPublicAccess.BLOCK_ALL,
      objectOwnership: ObjectOwnership.BUCKET_OWNER_ENFORCED,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'exports-bucket/',
      lifecycleRules: [
        {
          id: 'age-out-exports',
          prefix: props.exportPrefix,
          transitions:
            props.infrequentAccessAfterDays === null
              ? []
              : [
                  {
                    storageClass: StorageClass.INFREQUENT_ACCESS,
                    transitionAfter: Duration.days(props.infrequentAccessAfterDays),
                  },
                ],
          expiration: Duration.days(props.expireAfterDays),
        },
        {
          // Versioning keeps overwritten exports and old watermarks; keep them for a while, not forever.
          id: 'expire-noncurrent-versions',
          noncurrentVersionExpiration: Duration.days(props.noncurrentVersionsExpireAfterDays),
          expiredObjectDeleteMarker: true,
        },
        { id: 'abort-incomplete-uploads', abortIncompleteMultipartUploadAfter: Duration.days(1) },
      ],
      // Exports are business records: deleting the stack must not delete them.
      removalPolicy: RemovalPolicy.RETAIN,
    });
  }
}
