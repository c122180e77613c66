import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { limitMemory } from '../src/server/memory-limit.js';
import { compileWat } from './helpers/wat.js';

const PAGE = 64 * 1024;

/** The exported memory of `bytes`, instantiated. */
async function memoryOf(bytes: Uint8Array): Promise<WebAssembly.Memory> {
  const instance = await WebAssembly.instantiate(await WebAssembly.compile(bytes));
  return instance.exports.memory as WebAssembly.Memory;
}

void describe('the memory limit of served modules', () => {
  void it('should return a module already within the limit as it is, so it is not compiled again', async () => {
    const bytes = await compileWat('(module (memory (export "memory") 1 4))');
    assert.equal(limitMemory(bytes, 4 * PAGE), bytes);
    assert.equal(limitMemory(bytes, 100 * PAGE), bytes);
  });

  void it('should cap a missing or larger maximum at the limit, in whole pages', async () => {
    for (const wat of [
      '(module (memory (export "memory") 1))',
      '(module (memory (export "memory") 1 100))',
    ]) {
      const bytes = await compileWat(wat);
      const limited = limitMemory(bytes, 2 * PAGE + 1000);
      assert.notEqual(limited, bytes, wat);
      const memory = await memoryOf(limited);
      assert.equal(memory.grow(1), 1, `${wat}: the second page fits`);
      assert.throws(() => memory.grow(1), RangeError, `${wat}: a third page is past the limit`);
    }
  });

  void it('should refuse a module that needs more than the limit at start, saying so', async () => {
    const bytes = await compileWat('(module (memory (export "memory") 4))');
    assert.throws(
      () => limitMemory(bytes, 2 * PAGE),
      /needs 0.25 MiB of memory at start, more than the limit/,
    );
  });
});
