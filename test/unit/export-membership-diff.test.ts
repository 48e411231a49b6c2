import { parse } from 'csv-parse/sync';
import {
  diffMembership,
  diffToCsv,
  type GroupSnapshot,
  isEmptyDiff,
} from '../../lib/exports/membership-diff';

const member = (id: string) => ({ companyResourceId: id, companyName: `Company ${id}` });
const group = (resourceId: string, name: string, memberIds: string[]): GroupSnapshot => ({
  resourceId,
  name,
  createTime: '2026-01-01T00:00:00Z',
  members: memberIds.map(member),
});
const membership = (...groups: GroupSnapshot[]) => new Map(groups.map((g) => [g.resourceId, g]));

describe('diffMembership', () => {
  const before = membership(
    group('G1', 'EU', ['c1', 'c2']),
    group('G2', 'US', ['c3']),
    group('G3', 'Old', ['c4']),
  );
  const after = membership(
    group('G1', 'EU', ['c2', 'c5', 'c6']),
    group('G2', 'Americas', ['c3']),
    group('G4', 'New', ['c1']),
  );

  it('lists joins, leaves, created, deleted and renamed groups', () => {
    const diff = diffMembership(before, after);
    expect(diff.groupsCreated).toEqual([{ groupResourceId: 'G4', groupName: 'New' }]);
    expect(diff.groupsDeleted).toEqual([{ groupResourceId: 'G3', groupName: 'Old' }]);
    expect(diff.groupsRenamed).toEqual([
      { groupResourceId: 'G2', groupName: 'Americas', previousName: 'US' },
    ]);
    expect(diff.joined.map((m) => `${m.groupResourceId}+${m.companyResourceId}`)).toEqual([
      'G1+c5',
      'G1+c6',
      'G4+c1',
    ]);
    expect(diff.left.map((m) => `${m.groupResourceId}-${m.companyResourceId}`)).toEqual(['G1-c1', 'G3-c4']);
    expect(diff.joined[0]).toEqual({
      groupResourceId: 'G1',
      groupName: 'EU',
      companyResourceId: 'c5',
      companyName: 'Company c5',
    });
  });

  it('is empty for identical snapshots and symmetric when reversed', () => {
    expect(isEmptyDiff(diffMembership(after, after))).toBe(true);
    const forward = diffMembership(before, after);
    const backward = diffMembership(after, before);
    expect(backward.groupsCreated.map((g) => g.groupResourceId)).toEqual(
      forward.groupsDeleted.map((g) => g.groupResourceId),
    );
    expect(backward.joined.length).toBe(forward.left.length);
    expect(backward.left.length).toBe(forward.joined.length);
  });

  it('writes one CSV row per change, RFC 4180 quoted', () => {
    const odd = membership(group('G9', 'Name, with "quotes"', []));
    const diff = diffMembership(membership(), odd);
    const csv = diffToCsv(diffMembership(before, after));
    const rows: Array<Record<string, string>> = parse(csv, { columns: true });
    expect(rows.map((r) => r.change)).toEqual([
      'group-created',
      'group-deleted',
      'group-renamed',
      'joined',
      'joined',
      'joined',
      'left',
      'left',
    ]);
    expect(rows[2]).toMatchObject({ groupResourceId: 'G2', groupName: 'Americas', previousGroupName: 'US' });
    const [created] = parse(diffToCsv(diff), { columns: true }) as Array<Record<string, string>>;
    expect(created?.groupName).toBe('Name, with "quotes"');
  });

  it('neutralises cells a spreadsheet would run as formulas (OWASP CSV injection), nothing else', () => {
    const hostile = ['=HYPERLINK("http://x","y")', '+1+1', '-2', '@SUM(A1)', '\tTab', '\rCR'];
    const before = membership(...hostile.map((_name, i) => group(`H${i}`, `Old ${i}`, ['c1'])));
    const after = membership(
      ...hostile.map((name, i) => ({
        ...group(`H${i}`, name, ['c1', 'c2']),
        members: [member('c1'), { companyResourceId: 'c2', companyName: name }],
      })),
      group('S1', 'Safe - name = fine', []),
    );
    const rows: Array<Record<string, string>> = parse(diffToCsv(diffMembership(before, after)), {
      columns: true,
    });
    const renamed = rows.filter((r) => r.change === 'group-renamed').map((r) => r.groupName);
    expect(renamed.sort()).toEqual(hostile.map((name) => `'${name}`).sort());
    const joined = rows.filter((r) => r.change === 'joined').map((r) => r.companyName);
    expect(joined.sort()).toEqual(hostile.map((name) => `'${name}`).sort());
    expect(rows.find((r) => r.groupResourceId === 'S1')?.groupName).toBe('Safe - name = fine');
    // No cell of the file starts a formula, quoted or not.
    for (const row of rows) for (const cell of Object.values(row)) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});
