import { UsageError } from '../../cli/exit-codes';
import { resolveIdPrefix } from '../../cli/id-prefix';

const ids = ['6f0c1a2b-aaaa', '6f0c9d8e-bbbb', '91aa0000-cccc'];

describe('resolveIdPrefix', () => {
  it('takes an exact id, a unique prefix, and a prefix with the ellipsis the docs print', () => {
    expect(resolveIdPrefix('91aa0000-cccc', ids, 'message id')).toBe('91aa0000-cccc');
    expect(resolveIdPrefix('91aa', ids, 'message id')).toBe('91aa0000-cccc');
    expect(resolveIdPrefix('91aa…', ids, 'message id')).toBe('91aa0000-cccc');
    expect(resolveIdPrefix('6f0c1...', ids, 'message id')).toBe('6f0c1a2b-aaaa');
  });

  it('refuses an ambiguous prefix naming the candidates, and one too short to be safe', () => {
    expect(() => resolveIdPrefix('6f0c…', ids, 'message id')).toThrow(
      new UsageError('message id "6f0c…" matches 2 ids (6f0c1a2b-aaaa, 6f0c9d8e-bbbb): give more characters'),
    );
    expect(() => resolveIdPrefix('91', ids, 'message id')).toThrow(/at least 4/);
  });

  it('answers undefined for an id it does not know (the caller reports it missing)', () => {
    expect(resolveIdPrefix('ffff', ids, 'message id')).toBeUndefined();
  });
});
