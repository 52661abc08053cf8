// Permit2 (Uniswap, MIT) for the dev chain and tests (issue #19: "Permit2 signatures where the owner prefers no
// standing allowance"). Its sources ship on npm inside @uniswap/v4-periphery 1.0.3 (lib/permit2/src, solmate under
// lib/permit2/lib/solmate); they pin `pragma solidity 0.8.17` exactly, so they are compiled by the exact-pinned
// solc-js 0.8.17 (`solc-0.8.17` = npm:solc@0.8.17) with Permit2's own foundry.toml settings (via-IR, 1,000,000
// optimizer runs, no metadata hash). Called by build-contracts.mjs; returns { Permit2: artifact }.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

const require = createRequire(import.meta.url);

export function compilePermit2() {
  const solc = require('solc-0.8.17');
  const root = join(dirname(require.resolve('@uniswap/v4-periphery/package.json')), 'lib', 'permit2');
  const resolve = (path) => {
    // Permit2's remapping: solmate/=lib/solmate/
    const rel = path.startsWith('solmate/') ? join('lib', 'solmate', path.slice('solmate/'.length)) : path;
    return join(root, rel);
  };
  const input = {
    language: 'Solidity',
    sources: { 'src/Permit2.sol': { content: readFileSync(resolve('src/Permit2.sol'), 'utf8') } },
    settings: {
      viaIR: true,
      optimizer: { enabled: true, runs: 1_000_000 },
      metadata: { bytecodeHash: 'none' },
      outputSelection: {
        'src/Permit2.sol': { Permit2: ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
      },
    },
  };
  const findImports = (path) => {
    try {
      return { contents: readFileSync(resolve(path), 'utf8') };
    } catch {
      return { error: `not found: ${path}` };
    }
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0)
    throw new Error(`solc 0.8.17 failed on Permit2:\n${errors.map((e) => e.formattedMessage).join('\n')}`);
  const c = out.contracts['src/Permit2.sol'].Permit2;
  return {
    Permit2: {
      contractName: 'Permit2',
      compiler: `solc-js ${solc.version()} (via-IR, 1000000 runs; @uniswap/v4-periphery 1.0.3 lib/permit2)`,
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    },
  };
}
