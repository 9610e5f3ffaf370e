// The facet command line: help for the tool and for each command, strict options (exit 2 with the
// usage on stderr), and precise messages for wrong values.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { runCli } from '../helpers/run-cli.js';

describe('facet command line', () => {
  it('facet --help, -h and help print the list of commands on stdout and exit 0', async () => {
    for (const args of [['--help'], ['-h'], ['help']]) {
      const { code, stdout, stderr } = await runCli(args);
      assert.equal(code, 0, args.join(' '));
      assert.equal(stderr, '');
      for (const command of ['start', 'check', 'token', 'directives', 'hash-key'])
        assert.match(stdout, new RegExp(`^  ${command} `, 'm'), `${args.join(' ')} lists ${command}`);
    }
  });

  it("facet <command> --help prints that command's options and exits 0", async () => {
    const expected: Record<string, string[]> = {
      start: ['--dir <folder>', '--port <n>', '--host <addr>', '--watch', '--workers <n|auto>'],
      check: ['--dir <folder>'],
      token: ['--sub <user>', '--scopes', '--roles', '--expires-in <duration>', '--client <name>', '--dir <folder>'],
      'hash-key': [],
      directives: [],
    };
    await Promise.all(
      Object.entries(expected).map(async ([command, options]) => {
        const { code, stdout } = await runCli([command, '--help']);
        assert.equal(code, 0, command);
        assert.match(stdout, new RegExp(`^Usage: facet ${command}`), command);
        for (const option of [...options, '-h, --help'])
          assert.ok(stdout.includes(`  ${option}`), `${command} --help lists ${option}:\n${stdout}`);
      }),
    );
    const { stdout } = await runCli(['token', '-h']);
    assert.match(stdout, /^Usage: facet token/);
  });

  it('an unknown option, a missing value or an extra argument exits 2 with the problem and the usage on stderr', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['start', '--prot', '4000'], /^facet start: unknown option --prot\n\nUsage: facet start/],
      [['check', '--dir', '.', 'extra'], /^facet check: unexpected argument "extra"\n\nUsage: facet check/],
      [['directives', 'all'], /^facet directives: unexpected argument "all"/],
      [['hash-key', 'a', 'b'], /^facet hash-key: unexpected argument "b"/],
      [['hash-key'], /^facet hash-key: missing <api-key>/],
      [['start', '--port'], /^facet start: option --port needs a value/],
      [['start', '--watch=yes'], /^facet start: option --watch takes no value/],
      [['start', '--port', 'http'], /^facet start: invalid port "http"/],
      [['start', '--workers', 'many'], /^facet start: invalid worker count "many" \(1 to \d+, or auto\)/],
      [['start', '--heap-growth', '500'], /^facet start: invalid heap growth "500" \(a percentage from 0 to 400\)/],
      [['token', '--scopes', 'a'], /^facet token: --sub <user id> is required/],
      [['nope'], /^facet: unknown command "nope"\n\nUsage: facet <command>/],
      [[], /^facet: a command is needed\n\nUsage: facet <command>/],
    ];
    await Promise.all(
      cases.map(async ([args, message]) => {
        const { code, stdout, stderr } = await runCli(args);
        assert.equal(code, 2, `facet ${args.join(' ')}: ${stderr}`);
        assert.equal(stdout, '', `facet ${args.join(' ')} prints nothing on stdout`);
        assert.match(stderr, message);
      }),
    );
  });

  it('facet token --client names a client that does not exist: says so and lists the clients', async () => {
    const { code, stdout, stderr } = await runCli(['token', '--sub', 'u1', '--client', 'nope']);
    assert.equal(code, 2);
    assert.equal(stdout, '');
    assert.match(stderr, /there is no client "nope" .*\(clients: mobile, partner, web\)/);
  });

  it('facet token --client names a client without a JWT secret: names the clients that have one', async () => {
    const { code, stderr } = await runCli(['token', '--sub', 'u1', '--client', 'partner']);
    assert.equal(code, 1);
    assert.match(stderr, /client "partner" has no jwt secret to sign with \(clients with one: mobile, web\)/);
  });
});
