import { describe, expect, it } from 'vitest';
import { TestDevice } from '../test-support/device-fixture.js';
import { LAPTOP, PHONE } from '../test-support/op-builders.js';
import type { Op } from '../ops/op-schema.js';

/**
 * A folder on a file system that folds names, as macOS's and Windows' do by default: a name is
 * found whatever its letter case or Unicode normalization, and writing under a folded-equal
 * name replaces that file's bytes while its name on disk stays as first written. Stands in for
 * a case-insensitive mount, which a Linux test machine cannot make without privileges.
 */
class FoldingFolder extends Map<string, string> {
  static fold = (path: string) => path.normalize('NFC').toLowerCase();

  #onDisk(path: string): string | undefined {
    const folded = FoldingFolder.fold(path);
    for (const name of super.keys()) if (FoldingFolder.fold(name) === folded) return name;
    return undefined;
  }

  override get(path: string) {
    const name = this.#onDisk(path);
    return name === undefined ? undefined : super.get(name);
  }

  override has(path: string) {
    return this.#onDisk(path) !== undefined;
  }

  override set(path: string, bytes: string) {
    return super.set(this.#onDisk(path) ?? path, bytes);
  }

  override delete(path: string) {
    const name = this.#onDisk(path);
    return name !== undefined && super.delete(name);
  }
}

/** One exchange through the server: each device's new ops, logged in turn, reach every replica. */
function syncAll(devices: readonly TestDevice[]): Op[] {
  const logged: Op[] = [];
  for (const device of devices) {
    const ops = device.scan();
    for (const other of devices) other.applyToReplica(ops);
    logged.push(...ops);
  }
  // Every blob a device has is on the server, for the others to download.
  for (const device of devices)
    for (const other of devices) other.provide(...device.blobs.values());
  for (const device of devices) device.syncFolder();
  return logged;
}

const folded = (device: TestDevice) => [...device.folder.keys()].map(FoldingFolder.fold).sort();

describe('names that differ only in case or normalization, on a folding file system', () => {
  it('a second photo whose name folds to the first one gets the suffix, and nothing fights', () => {
    const linux = new TestDevice(LAPTOP);
    const mac = new TestDevice(PHONE, { folder: new FoldingFolder() });
    linux.write('2026/Photo.jpg', 'the first photo').write('2026/photo.jpg', 'a second photo');
    syncAll([linux, mac]);
    // Two photos on the Mac: under one name each would overwrite the other.
    expect(mac.folder.size).toBe(2);
    expect(new Set(folded(mac)).size).toBe(2);
    expect([...mac.folder.values()].sort()).toEqual(['a second photo', 'the first photo']);
    // The same names on both devices, and quiet from then on: no op, no rewrite.
    expect([...linux.folder.keys()].sort()).toEqual([...mac.folder.keys()].sort());
    expect(syncAll([linux, mac])).toEqual([]);
    expect(syncAll([mac, linux])).toEqual([]);
  });

  it('converges when each device names a new photo the same but for case and normalization', () => {
    const linux = new TestDevice(LAPTOP);
    const mac = new TestDevice(PHONE, { folder: new FoldingFolder() });
    linux.write('Café.jpg', 'taken on the laptop');
    mac.write('CAFE\u0301.JPG', 'taken on the phone'); // NFD, as macOS writes names
    syncAll([linux, mac]);
    syncAll([mac, linux]);
    expect(mac.folder.size).toBe(2);
    expect([...mac.folder.values()].sort()).toEqual(['taken on the laptop', 'taken on the phone']);
    expect(folded(linux)).toEqual(folded(mac));
    expect(syncAll([linux, mac])).toEqual([]);
  });
});
