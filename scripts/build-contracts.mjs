#!/usr/bin/env node
// Compiles contracts/src/**/*.sol with solc-js (the pinned `solc` package) into contracts/out/<Contract>.json
// ({ contractName, abi, bytecode, deployedBytecode }). The outputs are committed, so tests and users never compile.
// Usage: node scripts/build-contracts.mjs          (write contracts/out/)
//        node scripts/build-contracts.mjs --check  (exit 1 if a rebuild would change any committed output)
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import solc from 'solc';
import { compilePermit2 } from './permit2-build.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const srcDir = join(root, 'contracts', 'src');
const outDir = join(root, 'contracts', 'out');

const require = createRequire(import.meta.url);

/** Source files under contracts/src, subfolders included, as paths relative to it ('lean/V4Swaps.sol'). */
function ownSources(dir = srcDir, prefix = '') {
  const files = [];
  for (const e of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    if (e.isDirectory()) files.push(...ownSources(join(dir, e.name), `${prefix}${e.name}/`));
    else if (e.name.endsWith('.sol')) files.push(`${prefix}${e.name}`);
  }
  return files;
}

/** Imports of npm packages ('@uniswap/v4-core/src/...') resolve in node_modules; only the MIT interfaces are used. */
function findImports(path) {
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') };
  } catch {
    return { error: `not found: ${path}` };
  }
}

function compile() {
  const sources = {};
  for (const f of ownSources()) sources[f] = { content: readFileSync(join(srcDir, f), 'utf8') };
  const input = {
    language: 'Solidity',
    sources,
    settings: {
      optimizer: { enabled: true, runs: 200 },
      // cancun: supported by anvil and every current mainnet/L2; pinned so outputs do not drift with solc defaults.
      evmVersion: 'cancun',
      metadata: { bytecodeHash: 'none' },
      outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
    },
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) {
    throw new Error(`solc failed:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  }
  const artifacts = {};
  for (const file of Object.keys(out.contracts)) {
    if (!(file in sources)) continue; // imported npm sources (interfaces, libraries) are not ours to ship
    for (const [name, c] of Object.entries(out.contracts[file])) {
      if (c.evm.bytecode.object === '') continue; // interfaces
      artifacts[name] = {
        contractName: name,
        compiler: `solc-js ${solc.version()}`,
        abi: c.abi,
        bytecode: `0x${c.evm.bytecode.object}`,
        deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
      };
    }
  }
  return artifacts;
}

const check = process.argv.includes('--check');
const artifacts = { ...compile(), ...compilePermit2() };
let stale = 0;
if (!check) mkdirSync(outDir, { recursive: true });
for (const [name, a] of Object.entries(artifacts)) {
  const path = join(outDir, `${name}.json`);
  const text = `${JSON.stringify(a, null, 2)}\n`;
  if (check) {
    const same = existsSync(path) && readFileSync(path, 'utf8') === text;
    if (!same) {
      stale++;
      console.error(
        `stale: contracts/out/${name}.json differs from a fresh build; run node scripts/build-contracts.mjs`,
      );
    }
  } else {
    writeFileSync(path, text);
    console.log(`wrote contracts/out/${name}.json (${(a.bytecode.length - 2) / 2} bytes)`);
  }
}
if (check && stale === 0) console.log(`ok: ${Object.keys(artifacts).length} contracts match contracts/out/`);
process.exit(stale === 0 ? 0 : 1);
