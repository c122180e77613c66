import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { run, type CliResult } from './helpers/cli.js';
import { guest, repoPath, tempDir } from './helpers/paths.js';

const envWasm = guest('env');

const VERSION = (JSON.parse(readFileSync(repoPath('package.json'), 'utf8')) as { version: string }).version;

const tmp = tempDir('wasirun-cli-');

/** Asserts a usage error: one line on stderr, exit 2, nothing on stdout. */
function assertUsageError(r: CliResult, message: string): void {
  assert.equal(r.stderr, `wasirun: ${message}\n`);
  assert.equal(r.code, 2);
  assert.equal(r.stdout, '');
}

void describe('wasirun --help and --version', () => {
  const FLAGS = [
    '--dir <DIR>',
    '--env-inherit',
    '--env <NAME=VAL>',
    '--http <MODE>',
    '--body-buffer-limit <SIZE>',
    '--trace',
    '-v, --version',
    '-h, --help',
  ];

  void it('should print the usage with every flag on stdout and exit 0', async () => {
    const r = await run(['--help']);
    assert.equal(r.code, 0);
    assert.equal(r.stderr, '');
    assert.ok(r.stdout.startsWith('wasirun - '), r.stdout);
    assert.ok(r.stdout.includes('\n   wasirun [OPTIONS]... <MODULE> [--] [ARGS]...\n'), r.stdout);
    for (const flag of FLAGS) assert.ok(r.stdout.includes(`\n   ${flag}\n`), `--help lists ${flag}`);
    for (const mode of ['auto', 'v1', 'none'])
      assert.ok(r.stdout.includes(mode), `--help names --http ${mode}`);
    for (const refused of ['--listen', '--dial', '--sockets', '--pprof-addr'])
      assert.ok(!r.stdout.includes(refused), `--help does not offer ${refused}`);
  });

  void it('should print the same usage for -h, -help, --help=true and before a module, without running it', async () => {
    const usage = (await run(['--help'])).stdout;
    for (const args of [['-h'], ['-help'], ['--help=true'], ['--help', envWasm, '--exit', '7']]) {
      const r = await run(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.equal(r.stdout, usage, args.join(' '));
      assert.equal(r.stderr, '');
    }
  });

  void it('should print "wasirun VERSION" for --version, -v, -version and --version=1', async () => {
    assert.equal(VERSION, '0.1.0');
    for (const args of [['--version'], ['-v'], ['-version'], ['--version=1'], ['-v', envWasm]]) {
      const r = await run(args);
      assert.equal(r.code, 0, args.join(' '));
      assert.equal(r.stdout, `wasirun ${VERSION}\n`, args.join(' '));
      assert.equal(r.stderr, '');
    }
  });
});

void describe('wasirun usage errors', () => {
  const notADir = join(tmp, 'plain-file');
  writeFileSync(notADir, 'x\n');
  const missingDir = join(tmp, 'no-such-dir');

  const cases: [string, string[], string][] = [
    ['an unknown long option', ['--bogus', envWasm], 'unknown option --bogus (see wasirun --help)'],
    ['an unknown single-dash option', ['-x', envWasm], 'unknown option -x (see wasirun --help)'],
    [
      'an unknown option with a value',
      ['--bogus=1', envWasm],
      'unknown option --bogus=1 (see wasirun --help)',
    ],
    ['--env without a value', ['--env'], '--env needs a value'],
    ['--dir without a value', ['--dir'], '--dir needs a value'],
    ['--http without a value', ['--http'], '--http needs a value'],
    ['--body-buffer-limit without a value', ['--body-buffer-limit'], '--body-buffer-limit needs a value'],
    [
      'a bad --http value',
      ['--http', 'v2', envWasm],
      'invalid value for --http: "v2" (expected auto, v1 or none)',
    ],
    [
      'an empty --http= value',
      ['--http=', envWasm],
      'invalid value for --http: "" (expected auto, v1 or none)',
    ],
    ['--env without "="', ['--env', 'FOO', envWasm], '--env expects NAME=VAL, got "FOO"'],
    ['--env= without "="', ['-env=FOO', envWasm], '--env expects NAME=VAL, got "FOO"'],
    ['--env with an empty name', ['--env', '=x', envWasm], '--env expects NAME=VAL, got "=x"'],
    ['a --dir that does not exist', ['--dir', missingDir, envWasm], `--dir ${missingDir}: no such directory`],
    ['a --dir that is a file', ['--dir', notADir, envWasm], `--dir ${notADir}: no such directory`],
    ['no MODULE at all', [], 'missing <MODULE> (see wasirun --help)'],
    ['options but no MODULE', ['--trace', '--env', 'A=1'], 'missing <MODULE> (see wasirun --help)'],
    [
      'a bad --body-buffer-limit',
      ['--body-buffer-limit', '12Q', envWasm],
      'invalid size for --body-buffer-limit: "12Q" (examples: 65536, 64M, 1G)',
    ],
    [
      'a negative --body-buffer-limit',
      ['--body-buffer-limit=-1', envWasm],
      'invalid size for --body-buffer-limit: "-1" (examples: 65536, 64M, 1G)',
    ],
    [
      'a boolean flag with a non-boolean value',
      ['--trace=maybe', envWasm],
      '--trace takes no value other than true or false, got "maybe"',
    ],
  ];
  for (const [what, args, message] of cases) {
    void it(`should refuse ${what} with one line and exit 2`, async () => {
      assertUsageError(await run(args), message);
    });
  }

  const refused: [string, string[]][] = [
    ['listen', ['127.0.0.1:8080']],
    ['dial', ['127.0.0.1:8080']],
    ['dns-server', ['1.1.1.1:53']],
    ['sockets', ['wasmedgev2']],
    ['pprof-addr', [':6060']],
    ['non-blocking-stdio', []],
    ['max-open-files', ['1024']],
    ['max-open-dirs', ['1024']],
    ['tracer-string-size', ['32']],
  ];
  for (const [name, value] of refused) {
    void it(`should refuse wasi-go's --${name} by name with exit 2`, async () => {
      for (const args of [
        [`--${name}`, ...value, envWasm],
        [`-${name}${value.length ? `=${value.join('')}` : ''}`, envWasm],
      ]) {
        const r = await run(args);
        assert.equal(r.code, 2, args.join(' '));
        assert.equal(r.stdout, '', 'the guest does not run');
        assert.match(r.stderr, new RegExp(`^wasirun: --${name} is not supported by wasirun: \\S[^\\n]*\\n$`));
      }
    });
  }
});
