#!/usr/bin/env node
// A large, seeded price file for memory and speed trials (issue #17 item 1): geometric Brownian motion on
// 1-minute bars, wide CSV (timestamp,A1,A2,…), written as a stream.
//
//   node bench/make-large.mjs --assets 2 --bars 4500000 --seed 1 [--out large.csv] [--sigma 0.8]
//
// Assets are named BTC, ETH, BNB, XRP, ADA, SOL, … then A11, A12 …; annual volatility --sigma (default 0.8),
// no drift, start 2017-01-01T00:00:00Z, prices start at 100. Same arguments, same file (xoshiro128**, seeded
// by SplitMix64 as in src/backtest/synthetic/prng.ts). Then, for example:
//   npx ballast backtest --prices large.csv --target BTC=0.45,ETH=0.45,USD=0.1 --report large.html --equity large-equity.csv
import { createWriteStream } from 'node:fs';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: {
    assets: { type: 'string', default: '2' },
    bars: { type: 'string', default: '4500000' },
    seed: { type: 'string', default: '1' },
    sigma: { type: 'string', default: '0.8' },
    out: { type: 'string', default: 'large.csv' },
  },
});
const whole = (name, v, min, max) => {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) {
    process.stderr.write(`make-large: --${name}: expected a whole number ${min}…${max}, got ${JSON.stringify(v)}\n`);
    process.exit(2);
  }
  return n;
};
const nAssets = whole('assets', values.assets, 1, 100);
const bars = whole('bars', values.bars, 2, 50_000_000);
const seed = whole('seed', values.seed, 0, Number.MAX_SAFE_INTEGER);
const sigma = Number(values.sigma);
if (!(sigma > 0 && sigma < 10)) {
  process.stderr.write(`make-large: --sigma: expected an annual volatility in (0, 10), got ${values.sigma}\n`);
  process.exit(2);
}

// xoshiro128** seeded by SplitMix64, normals by Box–Muller (the project's generator, inlined: no build step).
const MASK64 = (1n << 64n) - 1n;
const sm = { x: BigInt.asUintN(64, BigInt(seed)) };
function splitMix64() {
  sm.x = (sm.x + 0x9e3779b97f4a7c15n) & MASK64;
  let z = sm.x;
  z = ((z ^ (z >> 30n)) * 0xbf58476d1ce4e5b9n) & MASK64;
  z = ((z ^ (z >> 27n)) * 0x94d049bb133111ebn) & MASK64;
  return z ^ (z >> 31n);
}
const a = splitMix64();
const b = splitMix64();
let s0 = Number(a & 0xffffffffn) | 0;
let s1 = Number(a >> 32n) | 0;
let s2 = Number(b & 0xffffffffn) | 0;
let s3 = Number(b >> 32n) | 0;
function next() {
  const r = Math.imul(((Math.imul(s1, 5) << 7) | (Math.imul(s1, 5) >>> 25)) >>> 0, 9) >>> 0;
  const t = s1 << 9;
  s2 ^= s0;
  s3 ^= s1;
  s1 ^= s2;
  s0 ^= s3;
  s2 ^= t;
  s3 = (s3 << 11) | (s3 >>> 21);
  return r;
}
const uniform = () => ((next() >>> 5) * 67108864 + (next() >>> 6)) / 9007199254740992;
let spare = 0;
let hasSpare = false;
function normal() {
  if (hasSpare) {
    hasSpare = false;
    return spare;
  }
  const r = Math.sqrt(-2 * Math.log(1 - uniform()));
  const th = 2 * Math.PI * uniform();
  spare = r * Math.sin(th);
  hasSpare = true;
  return r * Math.cos(th);
}

const NAMES = ['BTC', 'ETH', 'BNB', 'XRP', 'ADA', 'SOL', 'DOGE', 'LTC', 'DOT', 'LINK'];
const names = Array.from({ length: nAssets }, (_, i) => NAMES[i] ?? `A${i + 1}`);
const dt = 1 / (365 * 1440);
const vol = sigma * Math.sqrt(dt);
const drift = -0.5 * vol * vol;
const logP = new Float64Array(nAssets).fill(Math.log(100));
const t0 = Date.UTC(2017, 0, 1);
const out = createWriteStream(values.out);
const started = performance.now();
out.write(`timestamp,${names.join(',')}\n`);
let chunk = '';
for (let t = 0; t < bars; t++) {
  if (t > 0) for (let i = 0; i < nAssets; i++) logP[i] += drift + vol * normal();
  let line = new Date(t0 + t * 60_000).toISOString().replace('.000Z', 'Z');
  for (let i = 0; i < nAssets; i++) line += `,${Math.exp(logP[i]).toPrecision(10)}`;
  chunk += `${line}\n`;
  if (chunk.length > 1 << 20) {
    if (!out.write(chunk)) await new Promise((r) => out.once('drain', r));
    chunk = '';
  }
  if (t > 0 && t % 500_000 === 0) process.stderr.write(`make-large: ${t} of ${bars} bars\n`);
}
out.end(chunk);
await new Promise((r) => out.on('finish', r));
process.stderr.write(
  `make-large: wrote ${bars} bars × ${nAssets} assets to ${values.out} in ${((performance.now() - started) / 1000).toFixed(1)} s\n`,
);
