// Archives (.zip, .jar, .gz, .tgz, .tar) opened by the file scan, two levels deep, within
// bounds against archive bombs; what cannot be read whole is a coverage gap. Keys are made at
// run time.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { gzipSync, strToU8, zipSync } from 'fflate';
import { describe, expect, it } from 'vitest';
import { ARCHIVE_NAME, isArchiveName } from '../src/files/archives.js';
import { scanFiles, type FileScan } from '../src/files/scan-files.js';
import { maskKeyId } from '../src/secrets/access-key-id.js';
import { tempDirs } from './support/temp.js';
import { keyIdFor, randomAccount, randomSecret } from './support/keys.js';

const tmp = tempDirs('awsaudit-archives-');
const creds = (id: string) => `[default]\naws_access_key_id = ${id}\naws_secret_access_key = ${randomSecret()}\n`;
const keys = (scan: FileScan) => scan.resources.filter((r) => r.type === 'file.access-key');

async function scanDir(files: Record<string, Uint8Array | string>): Promise<FileScan & { dir: string }> {
  const dir = tmp();
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    writeFileSync(path.join(dir, name), body);
  }
  return { ...(await scanFiles([dir], { cwd: dir, workers: 0 })), dir };
}

function tarOf(dir: string, files: Record<string, Uint8Array | string>): Buffer {
  const src = path.join(dir, 'tar-src');
  for (const [name, body] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(src, name)), { recursive: true });
    writeFileSync(path.join(src, name), body);
  }
  return execFileSync('tar', ['-C', src, '-cf', '-', ...Object.keys(files)]);
}

describe('archives are opened and their members scanned', () => {
  it('a zip: the key at archive.zip!/inner/path:line', async () => {
    const id = keyIdFor(randomAccount());
    const scan = await scanDir({ 'backup.zip': zipSync({ 'home/.aws/credentials': strToU8(creds(id)), 'README.txt': strToU8('hi\n') }) });
    expect(keys(scan).map((r) => [r.id, r.location, r.data.hasSecret])).toEqual([
      [`backup.zip!/home/.aws/credentials#${maskKeyId(id)}`, { path: 'backup.zip!/home/.aws/credentials', line: 2, column: 21 }, true],
    ]);
    expect(scan.notes.join('\n')).toContain('opened 1 archive(s), 2 member(s) read');
    expect(scan.gaps).toEqual([]);
  });

  it('a .jar, a .gz and a .tgz', async () => {
    const [a, b, c] = [keyIdFor(randomAccount()), keyIdFor(randomAccount()), keyIdFor(randomAccount())];
    const dir = tmp();
    const tgz = gzipSync(tarOf(dir, { 'conf/app.env': `AWS_ACCESS_KEY_ID=${c}\n` }));
    const scan = await scanDir({
      'app.jar': zipSync({ 'BOOT-INF/classes/application.properties': strToU8(`aws.key=${a}\n`) }),
      'logs/deploy.log.gz': gzipSync(strToU8(`line\nkey ${b}\n`)),
      'release.tgz': tgz,
    });
    expect(
      keys(scan)
        .map((r) => r.location?.path)
        .sort(),
    ).toEqual(['app.jar!/BOOT-INF/classes/application.properties', 'logs/deploy.log.gz!/deploy.log', 'release.tgz!/conf/app.env'].sort());
  });

  it('a zip inside a tar (two levels): found at tar!/zip!/path', async () => {
    const id = keyIdFor(randomAccount());
    const dir = tmp();
    const tar = tarOf(dir, { 'site/assets.zip': zipSync({ 'js/config.js': strToU8(`const key = '${id}';\n`) }) });
    const scan = await scanDir({ 'site.tar': tar });
    expect(keys(scan).map((r) => r.location)).toEqual([{ path: 'site.tar!/site/assets.zip!/js/config.js', line: 1, column: 14 }]);
  });

  it('a third level is not opened, and says so as a coverage gap', async () => {
    const id = keyIdFor(randomAccount());
    const inner = zipSync({ 'deep.zip': zipSync({ 'key.txt': strToU8(id) }) });
    const scan = await scanDir({ 'outer.zip': zipSync({ 'middle.zip': inner }) });
    expect(keys(scan)).toEqual([]);
    expect(scan.gaps.map((g) => [g.errorCode, g.message])).toEqual([
      ['ArchiveLimit', 'middle.zip!/deep.zip: an archive 2 levels down, not opened'],
    ]);
  });
});

describe('which files are archives', () => {
  it('the quick look at the last letter says what the pattern says, in any case', () => {
    const names = ['a.zip', 'A.ZIP', 'lib.Jar', 'x.war', 'y.EAR', 'l.gz', 'l.tgz', 'b.TAR', 'b.tar.gz', 'zip', 'a.zi', 'a.jar.txt'];
    names.push('.gz', 'a.tap', 'a.bar', 'a.baz', 'a.txt', 'a', '', 'Makefile', 'a.gzip', 'a.Tgz', 'a.tarr');
    for (const name of names) expect({ name, archive: isArchiveName(name) }).toEqual({ name, archive: ARCHIVE_NAME.test(name) });
    expect(names.filter(isArchiveName)).toHaveLength(11);
  });
});

describe('archive bombs and broken archives are coverage gaps, never "passed"', () => {
  it('a zip bomb is stopped by the inflation ratio, with a gap', async () => {
    const scan = await scanDir({ 'bomb.zip': zipSync({ 'zeros.txt': new Uint8Array(24 << 20) }, { level: 9 }) });
    expect(scan.gaps.map((g) => [g.operation, g.errorCode])).toEqual([['read bomb.zip', 'ArchiveLimit']]);
    expect(scan.gaps[0]!.message).toMatch(/stopped reading: inflates more than 200 times its size/);
  });

  it('a gzip bomb too', async () => {
    const scan = await scanDir({ 'bomb.gz': gzipSync(new Uint8Array(24 << 20), { level: 9 }) });
    expect(scan.gaps.map((g) => g.errorCode)).toEqual(['ArchiveLimit']);
  });

  it('a corrupt archive is a gap, and the file rules are not clean', async () => {
    const scan = await scanDir({ 'broken.zip': 'PK\u0003\u0004 not really a zip', 'notes.txt': 'nothing here\n' });
    expect(scan.gaps.map((g) => [g.operation, g.errorCode])).toEqual([['read broken.zip', 'ArchiveUnreadable']]);
  });
});
