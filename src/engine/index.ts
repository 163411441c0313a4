/**
 * rel's Helm-compatible chart engine, public entry points. Heavy parts load lazily: import
 * from here in code that renders; the template command imports the action directly.
 */
export { Engine, RenderError, reformatExecError, reformatParseError, sortTemplates, type RenderOptions, type RenderValues } from './render.js';
export { Capabilities, KubeVersion, VersionSet, HelmVersion, makeCapabilities, parseKubeVersion, DEFAULT_API_VERSIONS, DEFAULT_KUBE_VERSION } from './capabilities.js';
export { Files, filesMap, compileGlob } from './files.js';
export { Chart, type ChartFile, type CRD } from '../chart/chart.js';
export { loadChart, loadArchive, loadDir, loadFiles, loadValues } from '../chart/loader.js';
export { coalesceValues, mergeValues, coalesceTables, mergeTables } from '../chart/coalesce.js';
export { processDependencies, isCompatibleRange } from '../chart/dependencies.js';
export { validateAgainstSchema } from '../chart/schema.js';
export { sortManifests, splitManifests, INSTALL_ORDER, UNINSTALL_ORDER, type Hook, type Manifest } from '../release/sort.js';
