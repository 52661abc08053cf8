/** Valid inputs close to bad ones: each must succeed, so the table cannot pass by refusing everything. */
import { BT, type NearMiss, PLAN, SW, SW1 } from './case-kit.ts';

export const NEAR: readonly NearMiss[] = [
  {
    name: 'plan: weights off by 1e-13',
    args: ['plan', '--config', 'nearly.yaml', '--balances', 'b.json', '--prices', 'px.json'],
  },
  {
    name: 'plan: a zero balance',
    args: ['plan', '--config', 'p.yaml', '--balances', 'zero.json', '--prices', 'px.json'],
  },
  { name: 'plan: edge mode', args: [...PLAN, '--mode', 'edge', '--json'], stdout: /^\{"rebalance":/ },
  { name: 'backtest: fee 0', args: [...BT, '--fee-bps', '0', '--json'], stdout: /"runs"/ },
  { name: 'backtest: CSV with CRLF', args: [...BT.slice(0, 1), '--prices', 'crlf.csv', ...BT.slice(3)] },
  { name: 'backtest: CSV with a BOM', args: [...BT.slice(0, 1), '--prices', 'bom.csv', ...BT.slice(3)] },
  { name: 'backtest: CSV without a final newline', args: [...BT.slice(0, 1), '--prices', 'nonl.csv', ...BT.slice(3)] },
  { name: 'backtest: fee of 1,000 bps exactly', args: [...BT, '--fee-bps', '1000'] },
  {
    name: 'backtest: fee of 2,000 bps with --allow-high-fees',
    args: [...BT, '--fee-bps', '2000', '--allow-high-fees'],
  },
  { name: 'backtest: band:0.99', args: [...BT.slice(0, 5), '--strategy', 'band:0.99'] },
  {
    name: 'backtest: report and equity',
    args: [...BT, '--report', 'r.html', '--equity', 'e.csv'],
    writes: ['r.html', 'e.csv'],
  },
  {
    name: 'backtest: weights file',
    args: [...BT.slice(0, 5), '--strategy', 'file@calendar:month', '--weights', 'weights.csv'],
  },
  { name: 'sweep: fees 0 and one worker', args: [...SW, '--widths', '0.05', '--fees', '0', '--workers', '1'] },
  { name: 'sweep: results as JSON', args: [...SW1, '--out', 'r.json'], writes: ['r.json'] },
  { name: 'plan: the example', args: ['plan', '--example'], stdout: /^(REBALANCE|hold): / },
  {
    name: 'backtest: a ×7 one-bar move warns and runs',
    args: ['backtest', '--prices', 'jump.csv', '--target', 'BTC=0.5,ETH=0.3,USD=0.2', '--strategy', 'band:0.05'],
    stderr:
      /^warning: jump\.csv: BTC moves ×7\.00 from 2024-01-02 to 2024-01-03 \(and 1 more such move\), more than ×5 in one bar/m,
  },
  {
    name: 'backtest: hourly bars with --periods-per-year 365 warn and run',
    args: ['backtest', '--prices', 'hourly.csv', '--target', 'BTC=0.5,ETH=0.3,USD=0.2', '--strategy', 'band:0.05'],
    stderr: /^warning: hourly\.csv: the data has 8,760 bars a year but --periods-per-year is 365/m,
  },
  {
    name: 'plan: a portfolio worth 0 holds and says why',
    args: ['plan', '--config', 'p.yaml', '--balances', 'allzero.json', '--prices', 'px.json'],
    stdout: /^hold: the portfolio is worth 0/,
  },
];
