/** The logger redacts secrets by key and inside strings (URL passwords, connection strings). */
import t from 'tap';
import { Writable } from 'node:stream';
import { createLogger, redactSecretsInText } from '../../../services/health/logger.js';

function capture() {
  const lines: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk, _encoding, done) {
      for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line));
      done();
    },
  });
  return { lines, log: createLogger({ name: 'test', level: 'debug', destination }) };
}

t.test('secret keys are redacted at the top level, one level down and in headers', async (t) => {
  const { lines, log } = capture();
  log.info({ api_key: 'k-123456', admin_token: 'tok', account: { name: 'alice', api_key: 'k-999' },
    req: { headers: { 'x-api-key': 'k-777', authorization: 'Bearer x' } } }, 'request');
  const line = lines[0] as Record<string, any>;
  t.equal(line.api_key, '[redacted]');
  t.equal(line.admin_token, '[redacted]');
  t.equal(line.account.api_key, '[redacted]');
  t.equal(line.account.name, 'alice', 'other fields stay');
  t.equal(line.req.headers['x-api-key'], '[redacted]');
  t.equal(line.req.headers.authorization, '[redacted]');
  t.notOk(JSON.stringify(lines).includes('k-123456'));
});

t.test('passwords in URLs and connection strings are redacted in messages and string fields', async (t) => {
  const { lines, log } = capture();
  log.warn({ url: 'redis://user:hunter2@cache:6379/2', conf: 'http::addr=q:9000;username=admin;password=quest;' },
    'connecting to nats://ops:s3cret@nats:4222');
  const text = JSON.stringify(lines);
  t.notOk(text.includes('hunter2'));
  t.notOk(text.includes('quest;'));
  t.notOk(text.includes('s3cret'));
  t.equal((lines[0] as any).url, 'redis://user:[redacted]@cache:6379/2');
  t.equal((lines[0] as any).msg, 'connecting to nats://ops:[redacted]@nats:4222');
  t.equal(redactSecretsInText('tcp::addr=h:9009;username=u;token=abc;'), 'tcp::addr=h:9009;username=u;token=[redacted];');
  t.equal(redactSecretsInText('redis://cache:6379'), 'redis://cache:6379', 'URLs without credentials are untouched');
});

t.test('errors keep their message and stack, scrubbed', async (t) => {
  const { lines, log } = capture();
  log.error({ err: new Error('cannot reach redis://u:pw@host:1') }, 'failed');
  const err = (lines[0] as any).err;
  t.equal(err.message, 'cannot reach redis://u:[redacted]@host:1');
  t.match(err.stack, /Error: cannot reach/);
});

t.test('a token or a lone user name in a URL is redacted whole, for NATS and Redis, alone and in server lists', async (t) => {
  const cases: [string, string][] = [
    ['nats://s3cretTOKEN@nats:4222', 'nats://[redacted]@nats:4222'],
    ['tls://s3cretTOKEN@nats:4443', 'tls://[redacted]@nats:4443'],
    ['nats://tok1@h1:4222,nats://ops:pw@h2:4222,nats://h3:4222',
      'nats://[redacted]@h1:4222,nats://ops:[redacted]@h2:4222,nats://h3:4222'],
    ['redis://default@cache:6379', 'redis://[redacted]@cache:6379'],
    ['redis://:hunter2@cache:6379/0', 'redis://:[redacted]@cache:6379/0'],
    ['rediss://app:p@ss@cache:6380/1', 'rediss://app:[redacted]@cache:6380/1'],
    ['connect failed: nats://tok@h1:4222 (timeout)', 'connect failed: nats://[redacted]@h1:4222 (timeout)'],
  ];
  for (const [text, redacted] of cases) t.equal(redactSecretsInText(text), redacted, text.replace(/\/\/[^/]*@/, '//…@'));
  for (const [, redacted] of cases) t.equal(redactSecretsInText(redacted), redacted, 'redacting twice changes nothing');
  t.equal(redactSecretsInText('nats://h1:4222,nats://h2:4222'), 'nats://h1:4222,nats://h2:4222', 'servers without credentials are untouched');
  t.equal(redactSecretsInText('see https://example.com/a@b'), 'see https://example.com/a@b', "an '@' in a path is not userinfo");

  const { lines, log } = capture();
  log.info({ servers: ['nats://s3cretTOKEN@nats:4222'], redis: 'redis://default@cache:6379' }, 'connecting to nats://s3cretTOKEN@nats:4222');
  const text = JSON.stringify(lines);
  t.notOk(text.includes('s3cretTOKEN'), 'the token appears nowhere in the line');
  t.notOk(text.includes('default@'));
  t.equal((lines[0] as any).msg, 'connecting to nats://[redacted]@nats:4222');
});
