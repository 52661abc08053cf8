/**
 * RiskMetrics-style EWMA estimator of per-bar simple returns, fed one bar of prices at a time:
 *   σ²ₜ = λσ²ₜ₋₁ + (1−λ)rₜ²   (and Σₜ = λΣₜ₋₁ + (1−λ)rₜrₜᵀ when `full`),
 * seeded with the sample (co)variance (n−1 denominator) of the first `warmup` returns; `ready` only then.
 * It also keeps the running mean of σ since seeding (σ̄, the long-run level for vol-adaptive bands).
 */
export class EwmaEstimator {
  readonly variance: Float64Array;
  /** √variance, per entry (kept so that readers need not take the root again). */
  readonly sigma: Float64Array;
  readonly cov: Float64Array | null;
  /** Σσ since seeding and the number of terms: σ̄ = sigmaSum/seeded (read through `sigmaMean`). */
  readonly sigmaSum: Float64Array;
  seeded = 0;
  private readonly mean: Float64Array;
  private readonly prev: Float64Array;
  private readonly r: Float64Array;
  private readonly sum: Float64Array;
  private readonly sumSq: Float64Array;
  count = 0;
  ready = false;

  constructor(
    readonly n: number,
    readonly lambda: number,
    readonly warmup: number,
    readonly full: boolean,
  ) {
    this.variance = new Float64Array(n);
    this.sigma = new Float64Array(n);
    this.cov = full ? new Float64Array(n * n) : null;
    this.mean = new Float64Array(n);
    this.prev = new Float64Array(n).fill(Number.NaN);
    this.r = new Float64Array(n);
    this.sum = new Float64Array(n);
    this.sumSq = new Float64Array(full ? n * n : n);
    this.sigmaSum = new Float64Array(n);
  }

  /** σ̄ per entry, the mean of σ since seeding (0 before), computed when read. */
  get sigmaMean(): Float64Array {
    for (let i = 0; i < this.n; i++) this.mean[i] = this.seeded > 0 ? this.sigmaSum[i]! / this.seeded : 0;
    return this.mean;
  }

  reset(): void {
    this.prev.fill(Number.NaN);
    this.sum.fill(0);
    this.sumSq.fill(0);
    this.sigmaSum.fill(0);
    this.variance.fill(0);
    this.sigma.fill(0);
    this.cov?.fill(0);
    this.count = 0;
    this.seeded = 0;
    this.ready = false;
  }

  observe(prices: Float64Array): void {
    this.observeRow(prices, 0);
  }

  /** observe() of the n prices at prices[off…off+n) (a row of a bars × n matrix, without a view). */
  observeRow(prices: Float64Array, off: number): void {
    const n = this.n;
    if (Number.isNaN(this.prev[0])) {
      for (let i = 0; i < n; i++) this.prev[i] = prices[off + i]!;
      return;
    }
    if (this.ready && !this.full) {
      // The hot path of every vol-adaptive backtest bar: one fused pass per entry.
      const l = this.lambda;
      const m = 1 - l;
      const prev = this.prev;
      const variance = this.variance;
      const sigma = this.sigma;
      const sigmaSum = this.sigmaSum;
      this.count++;
      this.seeded++;
      for (let i = 0; i < n; i++) {
        const p = prices[off + i]!;
        const r = p / prev[i]! - 1;
        prev[i] = p;
        const v = l * variance[i]! + m * r * r;
        variance[i] = v;
        const s = Math.sqrt(v);
        sigma[i] = s;
        sigmaSum[i] = sigmaSum[i]! + s;
      }
      return;
    }
    const r = this.r;
    for (let i = 0; i < n; i++) {
      r[i] = prices[off + i]! / this.prev[i]! - 1;
      this.prev[i] = prices[off + i]!;
    }
    this.count++;
    if (!this.ready) {
      for (let i = 0; i < n; i++) {
        this.sum[i] = this.sum[i]! + r[i]!;
        if (this.full) for (let j = 0; j < n; j++) this.sumSq[i * n + j] = this.sumSq[i * n + j]! + r[i]! * r[j]!;
        else this.sumSq[i] = this.sumSq[i]! + r[i]! * r[i]!;
      }
      if (this.count < this.warmup) return;
      const k = this.count;
      for (let i = 0; i < n; i++) {
        if (this.full) {
          for (let j = 0; j < n; j++) {
            this.cov![i * n + j] = (this.sumSq[i * n + j]! - (this.sum[i]! * this.sum[j]!) / k) / (k - 1);
          }
          this.variance[i] = this.cov![i * n + i]!;
        } else {
          this.variance[i] = (this.sumSq[i]! - (this.sum[i]! * this.sum[i]!) / k) / (k - 1);
        }
        if (this.variance[i]! < 0) this.variance[i] = 0;
      }
      this.ready = true;
    } else {
      const l = this.lambda;
      const m = 1 - l;
      for (let i = 0; i < n; i++) {
        this.variance[i] = l * this.variance[i]! + m * r[i]! * r[i]!;
        if (this.full) for (let j = 0; j < n; j++) this.cov![i * n + j] = l * this.cov![i * n + j]! + m * r[i]! * r[j]!;
      }
    }
    this.seeded++;
    for (let i = 0; i < n; i++) {
      this.sigma[i] = Math.sqrt(this.variance[i]!);
      this.sigmaSum[i] = this.sigmaSum[i]! + this.sigma[i]!;
    }
  }
}
