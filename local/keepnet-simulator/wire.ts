// How the simulator reads and writes JSON like an ASP.NET Core service: request keys bind
// case-insensitively (camelCase, PascalCase, anything), reply keys are camelCase by default or
// PascalCase when switched, and the reply envelope comes in the spec's or the docs' variant.
import type { EnvelopeStyle, KeyCase } from './behaviour';

/** Every request key the simulator understands, in its canonical (camelCase) spelling. */
const KNOWN_KEYS = [
  'pageNumber',
  'pageSize',
  'orderBy',
  'ascending',
  'filter',
  'condition',
  'searchInputTextValue',
  'filterGroups',
  'filterItems',
  'fieldName',
  'operator',
  'value',
  'name',
  'companyResourceIdArray',
  'companyGroupResourceIdArray',
  'exportType',
  'reportAllPages',
  'items',
  'selectAll',
  'excludedItems',
  'industryName',
  'industryResourceId',
  'licenseTypeName',
  'licenseTypeResourceId',
  'licenseEndDate',
  'numberOfUsers',
  'countryName',
  'tags',
  'createTime',
];
const CANONICAL = new Map(KNOWN_KEYS.map((key) => [key.toLowerCase(), key]));

function lowerFirst(key: string): string {
  return key.charAt(0).toLowerCase() + key.slice(1);
}

function upperFirst(key: string): string {
  return key.charAt(0).toUpperCase() + key.slice(1);
}

function mapKeys(value: unknown, rename: (key: string) => string): unknown {
  if (Array.isArray(value)) return value.map((item) => mapKeys(item, rename));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [rename(k), mapKeys(v, rename)]));
  }
  return value;
}

/** Request JSON with every key in canonical camelCase, whatever case the caller used. */
export function canonicalKeys(value: unknown): unknown {
  return mapKeys(value, (key) => CANONICAL.get(key.toLowerCase()) ?? lowerFirst(key));
}

/** Reply JSON with its keys in the configured case: as written (camelCase) or PascalCase. */
export function replyKeys(value: unknown, keyCase: KeyCase): unknown {
  return keyCase === 'pascal' ? mapKeys(value, upperFirst) : value;
}

/** The envelope `status` values the simulator answers with (the vendor's PRIVACY_ERROR is not played). */
export type KeepnetStatus = 'SUCCESS' | 'FAILED' | 'INPUT_ERROR' | 'INTERNAL_SERVER_ERROR';

/** What a handler means to say; the server renders it in the configured envelope style. */
export interface Envelope {
  data: unknown;
  status: KeepnetStatus;
  message: string | null;
  validationMessages: string[] | null;
}

/**
 * The envelope as sent: the spec's `{ data, status, message, validationMessages }`, or the docs' `{
 * isSuccess, data, messages }` (message and validation messages in one list), keys in `keyCase`.
 */
export function renderEnvelope(envelope: Envelope, style: EnvelopeStyle, keyCase: KeyCase): unknown {
  const shaped =
    style === 'isSuccess'
      ? {
          isSuccess: envelope.status === 'SUCCESS',
          data: envelope.data,
          messages: [envelope.message, ...(envelope.validationMessages ?? [])].filter(
            (m): m is string => typeof m === 'string' && m.length > 0,
          ),
        }
      : envelope;
  return replyKeys(shaped, keyCase);
}
