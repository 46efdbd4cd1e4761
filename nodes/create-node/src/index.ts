export { bundlePackage, findEntry } from './bundle.js';
export { packPackageDir, validatePackageDir, readPackageDir } from './package-dir.js';
export { scaffoldPackage, type ScaffoldOptions } from './scaffold.js';
export { loadPackageForTest, type TestPackageOptions, type TestRun } from './testing.js';
