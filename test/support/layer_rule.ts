/**
 * The dependency rule between the top-level folders, checked on source text:
 *
 *   engine/    imports nothing of the project outside itself (it runs in the hot loop's
 *              worker and must be readable on its own)
 *   services/  may import engine/
 *   io/        may import engine/ and services/ (the process wiring in io/process/ is the
 *              composition root: the one place that knows every layer)
 *   bench/     may import all three
 *
 * One folder has a narrower rule than its layer: io/client, the binary-protocol client, is
 * a leaf that callers outside the OMS use. It may import only itself, the protocol codec
 * (io/binary) and the protocol's constants and decimals (engine/protocol,
 * engine/reference/decimal.ts), never the server; and no product code may import it
 * (bench may, and tests, which are not scanned here: they are its users).
 *
 * A dependency is any relative module specifier: `import ... from`, `export ... from`,
 * `import '...'`, `import('...')`, and `new URL('....js', import.meta.url)` (how a worker's
 * entry file is named: starting a worker of another layer is depending on it; a URL of a
 * data folder, not ending in .js, is not a module).
 */
import fs from 'node:fs';
import path from 'node:path';

export const LAYERS = ['engine', 'services', 'io', 'bench'] as const;
export type Layer = (typeof LAYERS)[number];

/** What each layer may depend on, besides itself. */
const ALLOWED: Record<Layer, readonly Layer[]> = {
  engine: [],
  services: ['engine'],
  io: ['engine', 'services'],
  bench: ['engine', 'services', 'io'],
};

/** A folder with its own rule, narrower than its layer's. */
interface Leaf {
  readonly folder: string;
  /** Paths (folders, or single files) its files may import. */
  readonly may_import: readonly string[];
  /** Layers whose files may import it, besides itself. */
  readonly imported_by: readonly Layer[];
}

const LEAVES: readonly Leaf[] = [
  { folder: 'io/client', may_import: ['io/client', 'io/binary', 'engine/protocol', 'engine/reference/decimal.ts'], imported_by: ['bench'] },
];

export interface LayerViolation {
  /** The importing file, relative to the root. */
  readonly file: string;
  readonly line: number;
  /** The specifier as written. */
  readonly specifier: string;
  /** The top-level folder it reaches (or 'outside' for a path that leaves the layers); for a leaf's rule, the path reached. */
  readonly target: string;
  /** Which rule it breaks, in words. */
  readonly rule: string;
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])(\.{1,2}\/[^'"]*)\1|\bnew\s+URL\(\s*(['"])(\.{1,2}\/[^'"]*\.js)\3/g;

/** Every relative specifier in a source text, with its line number. */
export function relativeSpecifiers(source: string): { specifier: string; line: number }[] {
  const found: { specifier: string; line: number }[] = [];
  for (const match of source.matchAll(SPECIFIER)) {
    const line = source.slice(0, match.index).split('\n').length;
    found.push({ specifier: match[2] ?? match[4], line });
  }
  return found;
}

function within(relative_path: string, folder_or_file: string): boolean {
  const path_posix = relative_path.split(path.sep).join('/');
  return path_posix === folder_or_file || path_posix.startsWith(`${folder_or_file}/`);
}

/** The leaf rule an import from `file` to `target_path` breaks, or null. Both relative to the root. */
function leafRuleBroken(file: string, target_path: string): string | null {
  for (const leaf of LEAVES) {
    const from_leaf = within(file, leaf.folder);
    if (from_leaf && !leaf.may_import.some((allowed) => within(target_path, allowed))) return `which ${leaf.folder} may not depend on`;
    const importer_layer = layerOf(file) as Layer;
    if (!from_leaf && within(target_path, leaf.folder) && !leaf.imported_by.includes(importer_layer)) {
      return `which only ${[...leaf.imported_by, 'tests'].join(' and ')} may depend on`;
    }
  }
  return null;
}

function layerOf(relative_path: string): string {
  const top = relative_path.split(/[\\/]/)[0];
  return (LAYERS as readonly string[]).includes(top) ? top : 'outside';
}

function sourceFiles(directory: string): string[] {
  if (!fs.existsSync(directory)) return [];
  const files: string[] = [];
  for (const entry of fs.readdirSync(directory, { withFileTypes: true })) {
    const full = path.join(directory, entry.name);
    if (entry.isDirectory()) files.push(...sourceFiles(full));
    else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.d.ts')) files.push(full);
  }
  return files;
}

/** Scans every .ts file of every layer under `root` and returns what breaks the rule. */
export function findLayerViolations(root: string): LayerViolation[] {
  const violations: LayerViolation[] = [];
  for (const layer of LAYERS) {
    for (const file of sourceFiles(path.join(root, layer))) {
      const relative_file = path.relative(root, file);
      for (const { specifier, line } of relativeSpecifiers(fs.readFileSync(file, 'utf8'))) {
        const target_path = path.relative(root, path.resolve(path.dirname(file), specifier));
        const target = layerOf(target_path);
        if (target !== layer && !(ALLOWED[layer] as readonly string[]).includes(target)) {
          violations.push({ file: relative_file, line, specifier, target, rule: 'which its layer may not depend on' });
          continue;
        }
        // Sources import the compiled name (.js) of a .ts file.
        const leaf_rule = leafRuleBroken(relative_file, target_path.replace(/\.js$/, '.ts'));
        if (leaf_rule !== null) {
          violations.push({ file: relative_file, line, specifier, target: path.dirname(target_path).split(path.sep).join('/'), rule: leaf_rule });
        }
      }
    }
  }
  return violations;
}

export function describeViolation(v: LayerViolation): string {
  return `${v.file}:${v.line} imports '${v.specifier}' (${v.target}/), ${v.rule}`;
}
