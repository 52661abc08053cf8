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
