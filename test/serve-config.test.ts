// lib/serve config: Java properties as TorchServe's config.properties, TorchServe's keys and
// defaults, TS_* overrides, per-model settings, and clear errors for bad values.
import { test } from 'uvu';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import path from 'node:path';
import * as torch from '../lib/index.ts';
import { checkToken, loadOrCreateKeys } from '../lib/serve/auth.ts';
import { testOrSkip } from './helpers.ts';
import { anyPorts, scratch } from './serve-helpers.ts';

const { parseProperties, resolveConfig, readConfigFile, parseAddress, ServeConfigError } = torch.serve;

test('properties: separators, comments, continuations and escapes as Java reads them', () => {
  const text = [
    '# a comment',
    '! another',
    'inference_address=http://0.0.0.0:8080',
    'management_address : http://127.0.0.1:8081',
    'model_store /opt/models',
    'load_models=a.mar,\\',
    '    b.mar',
    'key\\=with\\:colon = v\\u00e9\\tx',
    '',
    'empty=',
  ].join('\n');
  const map = parseProperties(text);
  assert.deepEqual(Object.fromEntries(map), {
    inference_address: 'http://0.0.0.0:8080',
    management_address: 'http://127.0.0.1:8081',
    model_store: '/opt/models',
    load_models: 'a.mar,b.mar',
    'key=with:colon': 'vé\tx',
    empty: '',
  });
});

test("TorchServe's defaults: loopback listeners, 6553500-byte limits, queue 100, batch 1 / 100 ms, 120 s", () => {
  const config = resolveConfig(new Map(), {});
  assert.deepEqual(config.inferenceAddress, { host: '127.0.0.1', port: 8080 });
  assert.deepEqual(config.managementAddress, { host: '127.0.0.1', port: 8081 });
  assert.deepEqual(config.metricsAddress, { host: '127.0.0.1', port: 8082 });
  assert.equal(config.maxRequestSize, 6553500);
  assert.equal(config.maxResponseSize, 6553500);
  assert.equal(config.jobQueueSize, 100);
  assert.equal(config.batchSize, 1);
  assert.equal(config.maxBatchDelay, 100);
  assert.equal(config.defaultResponseTimeout, 120);
  assert.equal(config.disableTokenAuthorization, true);
  assert.deepEqual(config.allowedUrls, []);
});

test('config.properties keys, then TS_* variables over them when enable_envvars_config=true', () => {
  const dir = scratch();
  const file = path.join(dir, 'config.properties');
  writeFileSync(
    file,
    [
      'inference_address=http://0.0.0.0:9000',
      'model_store=/models',
      'load_models=mnist=mnist.mar,all',
      'batch_size=8',
      'max_batch_delay=50',
      'job_queue_size=10',
      'max_request_size=1000',
      'allowed_urls=https://models\\.example\\.com/.*',
      'number_of_netty_threads=4',
      'models={"mnist": {"1.0": {"batchSize": 4, "maxBatchDelay": 5, "minWorkers": 2, "maxWorkers": 3}}}',
    ].join('\n'),
  );
  const env = { TS_BATCH_SIZE: '16', TS_INFERENCE_ADDRESS: '127.0.0.1:0', UNRELATED: 'x' };
  const notices: string[] = [];
  const without = readConfigFile(file, env, (line) => notices.push(line));
  assert.equal(without.batchSize, 8, 'TorchServe reads TS_* only when the file enables it');
  assert.deepEqual(without.inferenceAddress, { host: '0.0.0.0', port: 9000 });
  assert.ok(
    notices.some((line) => /ignoring TS_INFERENCE_ADDRESS, TS_BATCH_SIZE: .*enable_envvars_config=true/.test(line)),
    notices.join('\n'),
  );
  writeFileSync(file, `enable_envvars_config=true\n${readFileSync(file, 'utf8')}`);
  const config = readConfigFile(file, env);
  assert.deepEqual(config.inferenceAddress, { host: '127.0.0.1', port: 0 });
  assert.equal(config.modelStore, '/models');
  assert.deepEqual(config.loadModels, ['mnist=mnist.mar', 'all']);
  assert.equal(config.batchSize, 16, 'TS_BATCH_SIZE overrides batch_size');
  assert.equal(config.maxBatchDelay, 50);
  assert.equal(config.jobQueueSize, 10);
  assert.equal(config.maxRequestSize, 1000);
  assert.ok(config.allowedUrls[0]!.test('https://models.example.com/a.mar'));
  assert.ok(!config.allowedUrls[0]!.test('https://evil.example.com/https://models.example.com/a.mar'), 'patterns match the whole URL');
  assert.deepEqual(config.models, { mnist: { '1.0': { batchSize: 4, maxBatchDelay: 5, minWorkers: 2 } } });
});

test('bad settings are errors naming the key and the value', () => {
  const bad = (entries: Record<string, string>, pattern: RegExp) =>
    assert.throws(
      () => resolveConfig(new Map(Object.entries(entries)), {}),
      (error: Error) => error instanceof ServeConfigError && pattern.test(error.message),
    );
  bad({ batch_size: '0' }, /batch_size must be an integer >= 1, got '0'/);
  bad({ job_queue_size: 'many' }, /job_queue_size must be an integer >= 1, got 'many'/);
  bad({ inference_address: 'ftp://0.0.0.0:8443' }, /only http and https addresses are served/);
  bad({ keystore: 'keystore.p12' }, /keystore: Java keystores are not read here; give the key and certificate as PEM files/);
  bad({ inference_address: 'http://a:8080/path' }, /without a path/);
  bad({ batchsize: '4' }, /unknown config.properties key 'batchsize'/);
  bad({ queue_full_status: '500' }, /503 or 429/);
  bad({ models: '{"m": {"1.0": {"batchSize": -1}}}' }, /non-negative integer/);
  bad({ models: '{oops' }, /models must be JSON/);
  bad({ allowed_urls: '(' }, /not a regular expression/);
  const envEnabled = new Map([['enable_envvars_config', 'true']]);
  assert.throws(() => resolveConfig(envEnabled, { TS_MAX_BATCH_DELAY: 'soon' }), /TS_MAX_BATCH_DELAY must be an integer >= 0, got 'soon'/);
  assert.throws(() => readConfigFile('/nonexistent/config.properties', {}), /--ts-config \/nonexistent\/config.properties/);
  assert.deepEqual(parseAddress('http://[::1]:0', 'x'), { host: '::1', port: 0 });
});

test("token keys: TorchServe's key file is written once, read back, and checked with Bearer", async () => {
  const file = path.join(scratch(), 'key_file.json');
  const keys = await loadOrCreateKeys(file);
  assert.deepEqual(await loadOrCreateKeys(file), keys, 'an existing file is read, not replaced');
  assert.ok(keys.inference.key.length >= 16 && keys.management.key !== keys.inference.key);
  checkToken(keys, 'inference', `Bearer ${keys.inference.key}`);
  for (const header of [undefined, keys.inference.key, `Bearer ${keys.management.key}`, 'Bearer ', `Basic ${keys.inference.key}`])
    assert.throws(() => checkToken(keys, 'inference', header), /Token Authorization failed/);
  const expired = { ...keys, inference: { key: 'k', 'expiration time': '2020-01-01T00:00:00Z' } };
  assert.throws(() => checkToken(expired, 'inference', 'Bearer k'), /Token Authorization failed/);
  writeFileSync(file, '{"inference": {}}');
  await assert.rejects(loadOrCreateKeys(file), /has no "management"/);
});

const openssl = ['/usr/bin/openssl', '/bin/openssl'].find((file) => existsSync(file));

/** GET over TLS trusting only `ca`; resolves with the status and body. */
function httpsGet(url: string, ca: Buffer): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    request(url, { ca }, (response) => {
      let body = '';
      response.on('data', (chunk: Buffer) => (body += chunk.toString()));
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body }));
    })
      .on('error', reject)
      .end();
  });
}

testOrSkip(
  test,
  "https listeners with TorchServe's private_key_file and certificate_file",
  !openssl && 'openssl is not installed',
  async () => {
    const dir = scratch();
    const key = path.join(dir, 'key.pem');
    const cert = path.join(dir, 'cert.pem');
    execFileSync(
      openssl!,
      [
        'req',
        '-x509',
        '-newkey',
        'rsa:2048',
        '-nodes',
        '-keyout',
        key,
        '-out',
        cert,
        '-days',
        '1',
        '-subj',
        '/CN=localhost',
        '-addext',
        'subjectAltName=IP:127.0.0.1',
      ],
      { stdio: 'ignore' },
    );
    const config = resolveConfig(
      new Map([
        ['inference_address', 'https://127.0.0.1:0'],
        ['private_key_file', key],
        ['certificate_file', cert],
      ]),
      {},
    );
    assert.deepEqual(config.inferenceAddress, { host: '127.0.0.1', port: 0, tls: true });
    assert.deepEqual(parseAddress('https://example.com', 'x'), { host: 'example.com', port: 443, tls: true });
    const server = await torch.serve.createServer({
      ...anyPorts,
      inferenceAddress: config.inferenceAddress,
      privateKeyFile: key,
      certificateFile: cert,
    });
    try {
      const addresses = await server.listen();
      assert.match(addresses.inference, /^https:\/\/127\.0\.0\.1:\d+$/);
      assert.match(addresses.management, /^http:\/\//, 'only the https address is TLS');
      const ping = await httpsGet(`${addresses.inference}/ping`, readFileSync(cert));
      assert.equal(ping.status, 200);
      assert.deepEqual(JSON.parse(ping.body), { status: 'Healthy' });
    } finally {
      await server.close();
    }
    const refused = (options: Parameters<typeof torch.serve.createServer>[0], pattern: RegExp) =>
      assert.rejects(
        torch.serve.createServer({ ...anyPorts, ...options }),
        (error: Error) => error instanceof ServeConfigError && pattern.test(error.message),
      );
    await refused({ inferenceAddress: config.inferenceAddress }, /an https:\/\/ address needs private_key_file and certificate_file/);
    await refused(
      { inferenceAddress: config.inferenceAddress, privateKeyFile: path.join(dir, 'none.pem'), certificateFile: cert },
      /private_key_file .*none\.pem: ENOENT/,
    );
    await refused(
      { inferenceAddress: config.inferenceAddress, privateKeyFile: cert, certificateFile: key },
      /cannot use private_key_file and certificate_file/,
    );
  },
);

test.run();
