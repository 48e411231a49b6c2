import { fileNameFromContentDisposition } from '../../lib/keepnet/content-disposition';

describe('fileNameFromContentDisposition', () => {
  it.each([
    ['attachment; filename="groups.csv"', 'groups.csv'],
    ['attachment; filename=groups.csv', 'groups.csv'],
    ['attachment; filename="a; b \\"c\\".csv"', 'a; b "c".csv'],
    ['attachment; filename="fallback.csv"; filename*=UTF-8\'\'Gr%C3%BCppen%20EU.csv', 'Grüppen EU.csv'],
    ["attachment; filename*=utf-8'en'%E2%82%AC.xlsx", '€.xlsx'],
    ["attachment; filename*=ISO-8859-1''caf%E9.csv", 'café.csv'],
    ['attachment; FILENAME="upper.csv"', 'upper.csv'],
    ['attachment; filename="../../etc/passwd"', 'passwd'],
    ['attachment; filename="C:\\\\temp\\\\x.csv"', 'x.csv'],
  ])('%s → %s', (header, expected) => {
    expect(fileNameFromContentDisposition(header)).toBe(expected);
  });

  it.each([[undefined], [''], ['attachment'], ['inline; name="x"'], ['attachment; filename=".."']])(
    '%j → null',
    (header) => {
      expect(fileNameFromContentDisposition(header)).toBeNull();
    },
  );

  it('falls back to filename when filename* is malformed', () => {
    expect(
      fileNameFromContentDisposition('attachment; filename*=UTF-8\'\'%E2%82; filename="plain.csv"'),
    ).toBe('plain.csv');
  });
});
