import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { PriceDataError } from './errors.ts';
import { detectFormat, loadPriceCsv, parsePriceCsv } from './load.ts';

const fixture = (name: string) => fileURLToPath(new URL(`./fixtures/${name}`, import.meta.url));
const D = (s: string) => Date.parse(`${s}T00:00:00Z`);

function throwsAt(text: string, pattern: RegExp, line?: number) {
  assert.throws(
    () => parsePriceCsv(text, 'prices.csv'),
    (e: unknown) => {
      assert.ok(e instanceof PriceDataError, `expected PriceDataError, got ${String(e)}`);
      assert.match(e.message, pattern);
      assert.equal(e.file, 'prices.csv');
      if (line !== undefined) assert.equal(e.line, line);
      return true;
    },
  );
}

describe('wide CSV', () => {
  it('loads columns, keeps any header cell as the asset name, empty cell = NaN', () => {
    const t = loadPriceCsv(fixture('wide.csv'));
    assert.deepEqual(t.assets, ['BTC', 'ETH', 'BRK-B', 'SOL']);
    assert.deepEqual([...t.times], ['2020-01-01', '2020-01-02', '2020-01-03', '2020-01-04', '2020-01-05'].map(D));
    assert.equal(t.closes[0][2], 7344.88);
    assert.ok(Number.isNaN(t.closes[2][2]));
    assert.ok(Number.isNaN(t.closes[3][0]));
    assert.equal(t.closes[3][4], 1.31);
  });

  it('accepts CRLF, a BOM, quoted header cells, blank lines and ISO timestamps with offsets', () => {
    const t = parsePriceCsv(
      '\uFEFFdate,"BRK-B",ETH\r\n2020-01-01T12:00:00+02:00,1.5,2\r\n\r\n2020-01-02T10:00:00,3,4\r\n',
    );
    assert.deepEqual(t.assets, ['BRK-B', 'ETH']);
    assert.deepEqual([...t.times], [Date.parse('2020-01-01T10:00:00Z'), Date.parse('2020-01-02T10:00:00Z')]);
  });

  it('names the file and line of an unsorted date', () => {
    throwsAt(
      'date,BTC\n2020-01-01,1\n2020-01-06,1\n2020-01-05,1\n',
      /^prices\.csv:4: date 2020-01-05 is not after 2020-01-06 \(rows must be sorted by date\)$/,
      4,
    );
    assert.throws(
      () => loadPriceCsv(fixture('unsorted.csv')),
      /unsorted\.csv:4: date 2020-01-02 is not after 2020-01-03/,
    );
  });

  it('rejects duplicate dates, bad dates, bad and non-positive prices, short rows, bad headers', () => {
    throwsAt(
      'date,BTC\n2020-01-01,1\n2020-01-01,2\n',
      /prices\.csv:3: duplicate date 2020-01-01, already on line 2/,
      3,
    );
    throwsAt('date,BTC\n2020-02-30,1\n', /prices\.csv:2: "2020-02-30" is not a date/, 2);
    throwsAt('date,BTC\n01/02/2020,1\n', /is not a date \(expected YYYY-MM-DD or an ISO timestamp\)/, 2);
    throwsAt('date,BTC\n2020-01-01,abc\n', /prices\.csv:2: BTC: "abc" is not a number/, 2);
    throwsAt('date,BTC\n2020-01-01,1\n2020-01-02,0\n', /prices\.csv:3: BTC: price 0 is not positive/, 3);
    throwsAt('date,BTC\n2020-01-01,-5\n', /BTC: price -5 is not positive/, 2);
    throwsAt('date,BTC\n2020-01-01,Infinity\n', /not finite/, 2);
    throwsAt('date,BTC,ETH\n2020-01-01,1\n', /prices\.csv:2: expected 3 cells like the header, found 2/, 2);
    throwsAt('date,BTC,BTC\n', /asset "BTC" appears twice/, 1);
    throwsAt('date,BTC,\n', /header cell 3 is empty/, 1);
    throwsAt('date\n2020-01-01\n', /at least one asset column/, 1);
    throwsAt('date,BTC\n', /no price rows/);
    throwsAt('', /the file is empty/);
  });

  it('says which file could not be read', () => {
    assert.throws(() => loadPriceCsv('/nonexistent/p.csv'), /\/nonexistent\/p\.csv: does not exist/);
  });
});

describe('long CSV', () => {
  it('is detected by its header and merges assets on the union of times', () => {
    assert.equal(detectFormat('timestamp,asset,close\n'), 'long');
    assert.equal(detectFormat('Date,Symbol,Price\n'), 'long');
    assert.equal(detectFormat('date,BTC,ETH\n'), 'wide');
    const t = loadPriceCsv(fixture('long.csv'));
    assert.deepEqual(t.assets, ['BTC', 'ETH']);
    assert.deepEqual([...t.times], ['2020-01-01', '2020-01-02', '2020-01-03'].map(D));
    assert.deepEqual([...t.closes[0]], [7200.17, 6985.47, 7344.88]);
    assert.equal(t.closes[1][0], 130.8);
    assert.ok(Number.isNaN(t.closes[1][1]));
  });

  it('accepts rows sorted by time with interleaved assets', () => {
    const t = parsePriceCsv('timestamp,asset,close\n2020-01-01,A,1\n2020-01-01,B,2\n2020-01-02,B,3\n2020-01-02,A,4\n');
    assert.deepEqual([...t.closes[0]], [1, 4]);
    assert.deepEqual([...t.closes[1]], [2, 3]);
  });

  it('rejects duplicate and unsorted rows of one asset, naming the line', () => {
    throwsAt(
      'timestamp,asset,close\n2020-01-01,A,1\n2020-01-01,A,2\n',
      /prices\.csv:3: duplicate date 2020-01-01, already on line 2/,
      3,
    );
    throwsAt(
      'timestamp,asset,close\n2020-01-02,A,1\n2020-01-01,B,1\n2020-01-01,A,2\n',
      /prices\.csv:4: date 2020-01-01 is not after 2020-01-02 \(each asset's rows must be sorted by time; asset A\)/,
      4,
    );
    throwsAt('timestamp,asset,close\n2020-01-01,A,-1\n', /prices\.csv:2: A: price -1 is not positive/, 2);
    throwsAt('timestamp,asset,close\n2020-01-01,A,\n', /A: empty close/, 2);
    throwsAt('timestamp,asset,close\n2020-01-01,A\n', /expected 3 cells/, 2);
  });
});
