/** A progress bar with ETA on stderr: redrawn in place on a terminal, a line every 10% otherwise. */
export function progressBar(
  label: string,
  stream: NodeJS.WriteStream = process.stderr,
): (done: number, total: number) => void {
  const start = performance.now();
  let lastDraw = 0;
  let lastDecile = -1;
  return (done, total) => {
    const now = performance.now();
    const frac = total > 0 ? done / total : 1;
    const elapsed = (now - start) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : Number.NaN;
    const text = `${label} ${'█'.repeat(Math.round(frac * 30)).padEnd(30, '░')} ${(frac * 100).toFixed(0).padStart(3)}% ${done.toLocaleString('en-US')}/${total.toLocaleString('en-US')} ${done === total ? `in ${elapsed.toFixed(1)}s` : `ETA ${Number.isFinite(eta) ? eta.toFixed(1) : '?'}s`}`;
    if (stream.isTTY) {
      if (done === total || now - lastDraw > 100) {
        stream.write(`\r${text}${done === total ? '\n' : ''}`);
        lastDraw = now;
      }
    } else {
      const decile = Math.floor(frac * 10);
      if (decile !== lastDecile) {
        stream.write(`${text}\n`);
        lastDecile = decile;
      }
    }
  };
}

/**
 * Progress over several named runs (a backtest's strategies): `[k/N] name` and the share of the whole. On a
 * terminal one line redrawn in place; otherwise plain lines (no `\r`): one when each run ends, and one every
 * 10% of the whole while a long run goes on, so a log shows a long strategy is alive.
 */
export function runsProgress(
  stream: NodeJS.WriteStream = process.stderr,
): (done: number, total: number, name: string, run: number, runs: number) => void {
  const start = performance.now();
  let lastDraw = 0;
  let lastDecile = 0;
  let lastRun = 0;
  return (done, total, name, run, runs) => {
    const now = performance.now();
    const frac = total > 0 ? done / total : 1;
    const elapsed = (now - start) / 1000;
    const eta = frac > 0 ? (elapsed * (1 - frac)) / frac : Number.NaN;
    const pct = `${(frac * 100).toFixed(0).padStart(3)}%`;
    const tail = done === total ? `in ${elapsed.toFixed(1)}s` : `ETA ${Number.isFinite(eta) ? eta.toFixed(1) : '?'}s`;
    const ended = done >= (run * total) / runs - 1e-9;
    if (stream.isTTY) {
      if (done === total || now - lastDraw > 100) {
        stream.write(`\r${`[${run}/${runs}] ${name}`.padEnd(40)} ${pct} ${tail}${done === total ? '\n' : ''}`);
        lastDraw = now;
      }
      return;
    }
    const decile = Math.floor(frac * 10);
    if (ended && run > lastRun) {
      stream.write(`[${run}/${runs}] ${name} ${pct} ${tail}\n`);
      lastRun = run;
      lastDecile = decile;
    } else if (!ended && decile > lastDecile) {
      stream.write(`[${run}/${runs}] ${name} … ${pct} ${tail}\n`);
      lastDecile = decile;
    }
  };
}
