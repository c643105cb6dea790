/**
 * Caps on an uploaded spreadsheet, checked before any library reads it. A month of canteen accounts is a
 * few kilobytes and the largest real record (a village's year of fund lines, 2,000 aid recipients) well
 * under 1 MB, so the caps leave a wide margin while bounding memory and time.
 */
export const sheetLimits = {
  /** The upload itself (the staff form refuses a larger body before reading it). */
  uploadBytes: 5 * 1024 * 1024,
  /** Entries in the .xlsx zip (a workbook with a dozen sheets has about 30). */
  zipEntries: 200,
  /** One entry once inflated, and all entries together. */
  zipEntryBytes: 25 * 1024 * 1024,
  zipTotalBytes: 40 * 1024 * 1024,
  /** Rows on one sheet, header included (the largest list a schema allows is 2,000 rows). */
  rowsPerSheet: 5_001,
  /** Columns on one sheet. */
  columnsPerSheet: 64,
} as const;
