// Message attributes as SQS takes, keeps and returns them over the JSON protocol: validated on send,
// stored with the message (a DLQ redrive moves them along), filtered on receive by
// MessageAttributeNames, and summarised by MD5OfMessageAttributes computed the way SQS documents it
// (so a client that checks the digest, as the Java and .NET SDKs do, accepts what this server says).
import { createHash } from 'node:crypto';
import { SqsError } from './errors';

/** One attribute as it travels in JSON: binary values are base64 text. */
export interface WireMessageAttribute {
  DataType: string;
  StringValue?: string;
  BinaryValue?: string;
}

/** Message attributes by name, as sent and as returned. */
export type MessageAttributes = Record<string, WireMessageAttribute>;

const MAX_ATTRIBUTES = 10;
const MAX_NAME_LENGTH = 256;
const NAME = /^[A-Za-z0-9_\-.]+$/;
const DATA_TYPE = /^(String|Number|Binary)(\.[A-Za-z0-9_\-.]+)?$/;

const invalid = (message: string) => new SqsError('InvalidParameterValue', message);

/** Checks `MessageAttributes` of a Send* entry; returns them normalised (or {} when absent). */
export function parseMessageAttributes(input: unknown): MessageAttributes {
  if (input === undefined || input === null) return {};
  if (typeof input !== 'object' || Array.isArray(input))
    throw invalid('MessageAttributes must be a map of attribute name to value.');
  const entries = Object.entries(input as Record<string, unknown>);
  if (entries.length > MAX_ATTRIBUTES) {
    throw invalid(`Number of message attributes [${entries.length}] exceeds the allowed maximum [10].`);
  }
  const parsed: MessageAttributes = {};
  for (const [name, raw] of entries) {
    checkName(name);
    const value = (raw ?? {}) as Partial<WireMessageAttribute>;
    const dataType = value.DataType;
    if (typeof dataType !== 'string' || dataType === '')
      throw invalid(`The message attribute '${name}' must contain a non-empty message attribute type.`);
    if (!DATA_TYPE.test(dataType) || dataType.length > MAX_NAME_LENGTH)
      throw invalid(
        `The type of message attribute '${name}' is invalid. You must use String, Number or Binary.`,
      );
    if (dataType.startsWith('Binary')) {
      if (typeof value.BinaryValue !== 'string' || value.BinaryValue === '')
        throw invalid(`The message attribute '${name}' with type 'Binary' must use field 'Binary'.`);
      parsed[name] = { DataType: dataType, BinaryValue: value.BinaryValue };
    } else {
      if (typeof value.StringValue !== 'string' || value.StringValue === '')
        throw invalid(`The message attribute '${name}' must contain a non-empty message attribute value.`);
      if (dataType.startsWith('Number') && !Number.isFinite(Number(value.StringValue)))
        throw invalid(`Can't cast the value of message (user) attribute '${name}' to a number.`);
      parsed[name] = { DataType: dataType, StringValue: value.StringValue };
    }
  }
  return parsed;
}

function checkName(name: string): void {
  const rule =
    name.length === 0 || name.length > MAX_NAME_LENGTH
      ? 'must be 1 to 256 characters long'
      : !NAME.test(name)
        ? 'can contain only A-Z, a-z, 0-9, underscore, hyphen and period'
        : name.startsWith('.') || name.endsWith('.') || name.includes('..')
          ? 'cannot start or end with a period or contain two periods in a row'
          : /^(aws|amazon)\./i.test(name)
            ? "cannot start with 'AWS.' or 'Amazon.'"
            : undefined;
  if (rule) throw invalid(`Message attribute name '${name}' is invalid: it ${rule}.`);
}

/** Bytes the attributes add to the message size (name, type and value, as SQS counts them). */
export function attributesSize(attributes: MessageAttributes): number {
  let size = 0;
  for (const [name, value] of Object.entries(attributes)) {
    size += Buffer.byteLength(name) + Buffer.byteLength(value.DataType) + valueBytes(value).length;
  }
  return size;
}

const valueBytes = (value: WireMessageAttribute): Buffer =>
  value.BinaryValue !== undefined
    ? Buffer.from(value.BinaryValue, 'base64')
    : Buffer.from(value.StringValue ?? '', 'utf8');

/**
 * MD5 of the attributes in the documented encoding: for each attribute in name order, the name, the
 * data type and the value, each as a 4-byte big-endian length and its UTF-8 (or raw) bytes, with a
 * transport byte (1 string, 2 binary) before the value. Undefined for no attributes, as SQS omits it.
 */
export function md5OfMessageAttributes(attributes: MessageAttributes): string | undefined {
  const names = Object.keys(attributes).sort();
  if (names.length === 0) return undefined;
  const hash = createHash('md5');
  const lengthPrefixed = (bytes: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(bytes.length);
    hash.update(length).update(bytes);
  };
  for (const name of names) {
    const value = attributes[name]!;
    lengthPrefixed(Buffer.from(name, 'utf8'));
    lengthPrefixed(Buffer.from(value.DataType, 'utf8'));
    hash.update(Buffer.from([value.BinaryValue !== undefined ? 2 : 1]));
    lengthPrefixed(valueBytes(value));
  }
  return hash.digest('hex');
}

/**
 * The attributes a ReceiveMessage asked for: `All` or `.*` for every one, an exact name, or a
 * `prefix.*` for every name under that prefix. None are returned unless asked for.
 */
export function selectMessageAttributes(
  attributes: MessageAttributes,
  requested: unknown,
): MessageAttributes {
  const patterns = Array.isArray(requested) ? requested.map(String) : [];
  const wanted = (name: string) =>
    patterns.some((p) =>
      p === 'All' || p === '.*' ? true : p.endsWith('.*') ? name.startsWith(p.slice(0, -1)) : p === name,
    );
  return Object.fromEntries(Object.entries(attributes).filter(([name]) => wanted(name)));
}
