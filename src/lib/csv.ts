import { stringify } from 'csv-stringify/sync';

/**
 * Every CSV the site serves: UTF-8 with a byte-order mark (U+FEFF) and CRLF line ends. Without the mark,
 * Excel on Chinese Windows reads the file as GBK and shows the Chinese text garbled; LibreOffice and csv
 * parsers accept it (strip the leading U+FEFF when reading the header by hand).
 */
export function toCsv(records: readonly (readonly unknown[])[]): string {
  return stringify(
    records.map((r) => [...r]),
    { bom: true, record_delimiter: 'windows' },
  );
}
