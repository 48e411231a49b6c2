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
});
