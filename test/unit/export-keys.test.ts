import fc from 'fast-check';
import { fileName, normalisePrefix, objectKey, utcTimestamp } from '../../lib/exports/keys';

describe('export keys', () => {
  const time = new Date('2026-11-28T02:00:05.123Z');

  it('follows <prefix><what>/date=YYYY-MM-DD/<what>-<UTC timestamp>.<ext>', () => {
    expect(objectKey('exports/', 'groups', time, 'csv')).toBe(
      'exports/groups/date=2026-11-28/groups-20261128T020005Z.csv',
    );
    expect(fileName('groups-xlsx', time, 'xlsx')).toBe('groups-xlsx-20261128T020005Z.xlsx');
  });

  it('is a function of the scheduled time alone (a re-run writes the same key)', () => {
    expect(objectKey('p/', 'g', new Date(time), 'csv')).toBe(objectKey('p/', 'g', time, 'csv'));
  });

  it('normalises prefixes', () => {
    expect(normalisePrefix(undefined)).toBe('exports/');
    expect(normalisePrefix('')).toBe('');
    expect(normalisePrefix('/a/b')).toBe('a/b/');
    expect(normalisePrefix('a/')).toBe('a/');
  });

  it('sorts keys of one kind chronologically', () => {
    const instant = fc.date({
      min: new Date('2000-01-01'),
      max: new Date('2999-12-31'),
      noInvalidDate: true,
    });
    fc.assert(
      fc.property(instant, instant, (a, b) => {
        const [ka, kb] = [objectKey('x/', 'snap', a, 'jsonl'), objectKey('x/', 'snap', b, 'jsonl')];
        const [ta, tb] = [utcTimestamp(a), utcTimestamp(b)];
        expect(Math.sign(ka.localeCompare(kb, 'en'))).toBe(Math.sign(ta < tb ? -1 : ta > tb ? 1 : 0));
        expect(ka < kb).toBe(Math.floor(a.getTime() / 1000) < Math.floor(b.getTime() / 1000));
      }),
    );
  });
});
