// Preloaded by `npm test` in every test process: property tests run from a fixed seed, so CI is
// deterministic; set FC_SEED to explore other cases (the seed is printed with any failure).
import fc from 'fast-check';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 20261126) });
