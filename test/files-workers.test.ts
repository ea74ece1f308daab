// The file scan on worker threads gives exactly what the scan on the main thread gives.
// Runs the compiled scanner (dist/, built by `npm test`): the worker script exists only there.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { generateKeyPairSync } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import type { FileScanOptions, FileScan } from '../src/files/scan-files.js';
import { ROOT } from './support/cli.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';
import { tempDirs } from './support/temp.js';

const tmp = tempDirs('awsaudit-workers-');

const { scanFiles } = (await import(path.join(ROOT, 'dist', 'files', 'scan-files.js'))) as {
  scanFiles: (roots: string[], options?: FileScanOptions) => Promise<FileScan>;
};

describe('worker threads', () => {
  it('are used on 4 cores or more (one per core beyond the first, at most 4), not on 1-2', async () => {
    const { defaultWorkers } = (await import(path.join(ROOT, 'dist', 'files', 'scan-pool.js'))) as {
      defaultWorkers: (cores: number) => number;
    };
    expect([1, 2, 3, 4, 8, 64].map((n) => defaultWorkers(n))).toEqual([0, 0, 0, 3, 4, 4]);
  });

  it('a tree scanned by 2 workers gives the same resources, stats and key ids as on the main thread', async () => {
    const dir = tmp();
    const pem = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'sec1', format: 'pem' }).toString();
    const planted: string[] = [];
    for (let i = 0; i < 900; i++) {
      const sub = path.join(dir, `d${i % 30}`);
      mkdirSync(sub, { recursive: true });
      let body = `line one of file ${i}\n`.repeat(1 + (i % 50));
      if (i % 45 === 3) {
        const id = keyIdFor(randomAccount());
        planted.push(id);
        body += `aws_access_key_id = ${id}\n${i % 2 ? `aws_secret_access_key = ${randomSecret()}\n` : ''}`;
      }
      if (i % 300 === 7) body += pem;
      writeFileSync(path.join(sub, `f${i}.txt`), body);
      if (i % 300 === 7) chmodSync(path.join(sub, `f${i}.txt`), 0o644);
    }
    writeFileSync(path.join(dir, 'd0', 'Dockerfile'), 'CMD ["python", "manage.py", "runserver", "0.0.0.0:8000"]\n');
    writeFileSync(path.join(dir, 'd1', 'blob.bin'), Buffer.from([1, 0, 2, 0]));

    const main = await scanFiles([dir], { cwd: dir, workers: 0 });
    const threaded = await scanFiles([dir], { cwd: dir, workers: 2, startWorkersAfter: 0 });
    expect(main.stats.workers).toBe(0);
    expect(threaded.stats.workers).toBe(2);
    expect(threaded.resources).toEqual(main.resources);
    expect(threaded.stats).toEqual({ ...main.stats, workers: 2 });
    expect(main.resources.filter((r) => r.type === 'file.access-key')).toHaveLength(planted.length);
    expect(main.resources.filter((r) => r.type === 'file.private-key')).toHaveLength(3);
    expect(main.resources.filter((r) => r.type === 'file.text')).toHaveLength(1);
    expect(main.stats.binary).toBe(1);
    const ids = (scan: FileScan) =>
      scan.resources
        .filter((r) => r.type === 'file.access-key')
        .map((r) => scan.keyIdOf(r))
        .sort();
    expect(ids(threaded)).toEqual([...planted].sort());
    expect(ids(main)).toEqual([...planted].sort());
  });
});
