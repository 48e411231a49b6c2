import fc from 'fast-check';
import { KeepnetValidationError } from '../../lib/keepnet/errors';
import { checkGroupName, checkResourceId, checkResourceIds } from '../../lib/keepnet/input';

function failure(fn: () => unknown): KeepnetValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof KeepnetValidationError) return error;
    throw error;
  }
  throw new Error('expected a KeepnetValidationError');
}

describe('checkGroupName', () => {
  it('returns the trimmed name', () => {
    expect(checkGroupName('  EU Customers \t')).toBe('EU Customers');
  });

  it('accepts every 1..64-character name without surrounding spaces or control characters (property)', () => {
    const name = fc
      .string({ unit: 'grapheme-ascii', minLength: 1, maxLength: 64 })
      .filter((s) => s.trim() === s && s.length > 0);
    fc.assert(fc.property(name, (value) => expect(checkGroupName(value)).toBe(value)));
  });

  it('rejects names longer than 64 characters after trimming, naming the field and rule (property)', () => {
    fc.assert(
      fc.property(
        fc
          .string({ unit: 'grapheme-ascii', minLength: 65, maxLength: 200 })
          .filter((s) => s.trim().length > 64),
        (value) => {
          const error = failure(() => checkGroupName(value));
          expect(error.field).toBe('name');
          expect(error.message).toMatch(/1\.\.64 characters/);
        },
      ),
    );
  });

  it.each([[''], ['   '], [42], [null], ['a\u0000b']])('rejects %j', (value) => {
    expect(failure(() => checkGroupName(value)).field).toBe('name');
  });
});

describe('checkResourceId(s)', () => {
  it('accepts Keepnet-style ids', () => {
    expect(checkResourceId('xC5kfGz7w2Nz', 'groupId')).toBe('xC5kfGz7w2Nz');
  });

  it.each([[''], ['a/b'], ['..'], ['a b'], ['a?x=1'], ['%2F'], [undefined], [12]])(
    'rejects %j, naming the field',
    (value) => {
      const error = failure(() => checkResourceId(value, 'groupId'));
      expect(error.field).toBe('groupId');
      expect(error.message).toContain('groupId');
    },
  );

  it('never lets a path-bending character through (property)', () => {
    fc.assert(
      fc.property(fc.string(), (value) => {
        try {
          checkResourceId(value, 'id');
        } catch {
          return;
        }
        expect(value).toMatch(/^[A-Za-z0-9_-]+$/);
      }),
    );
  });

  it('requires a non-empty array and de-duplicates in order', () => {
    expect(checkResourceIds(['b', 'a', 'b'], 'companyResourceIds')).toEqual(['b', 'a']);
    expect(failure(() => checkResourceIds([], 'companyResourceIds')).field).toBe('companyResourceIds');
    expect(failure(() => checkResourceIds('abc', 'companyResourceIds')).field).toBe('companyResourceIds');
    expect(failure(() => checkResourceIds(['ok', 'no/'], 'companyResourceIds')).field).toBe(
      'companyResourceIds[1]',
    );
  });
});
