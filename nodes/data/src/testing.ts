/**
 * For tests: whether the complete code tables are configured (MEDFLOW_CODE_TABLES_DIR; vitest sets it
 * from ../shared/codes). Without them a test that needs them skips, naming why; under CI it fails,
 * because CI always has them and a silent skip there would hide a broken set-up.
 */
export function completeTablesDir(): string | undefined {
  const dir = process.env.MEDFLOW_CODE_TABLES_DIR;
  if (!dir && process.env.CI === 'true') throw new Error('CI=true but MEDFLOW_CODE_TABLES_DIR is not set: the complete code tables (../shared/codes) are missing');
  return dir;
}

export const NO_COMPLETE_TABLES = 'complete code tables not found (set MEDFLOW_CODE_TABLES_DIR or place them in ../shared/codes)';
