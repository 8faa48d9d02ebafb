import { randomBytes } from 'node:crypto';
import { defaultPayloadConverter } from '@temporalio/common';
import { EncryptionCodec, encryptionKeysFromEnv } from '../../src/codec/encryption-codec';

const key = () => randomBytes(32).toString('base64');

describe('EncryptionCodec', () => {
  const env = { WEFT_ENCRYPTION_KEY: key() };
  const codec = new EncryptionCodec(encryptionKeysFromEnv(env)!);
  const payload = defaultPayloadConverter.toPayload({ token: 's3cr3t', n: 1 });

  it('seals payloads so neither the data nor its encoding show, and opens them again', async () => {
    const [sealed] = await codec.encode([payload]);
    expect(Buffer.from(sealed.metadata!.encoding!).toString()).toBe('binary/encrypted');
    expect(Buffer.from(sealed.data!).toString('latin1')).not.toContain('s3cr3t');
    expect(Buffer.from(sealed.data!).toString('latin1')).not.toContain('json/plain');
    const [opened] = await codec.decode([sealed]);
    expect(defaultPayloadConverter.fromPayload(opened)).toEqual({ token: 's3cr3t', n: 1 });
  });

  it('uses a fresh IV each time', async () => {
    const [a, b] = await codec.encode([payload, payload]);
    expect(Buffer.from(a.data!).equals(Buffer.from(b.data!))).toBe(false);
  });

  it('passes payloads that were never encrypted through, so it can be turned on later', async () => {
    expect(await codec.decode([payload])).toEqual([payload]);
  });

  it('reads payloads sealed with an older key listed in WEFT_DECRYPTION_KEYS', async () => {
    const old = key();
    const [sealed] = await new EncryptionCodec(
      encryptionKeysFromEnv({ WEFT_ENCRYPTION_KEY: old, WEFT_ENCRYPTION_KEY_ID: 'k1' })!,
    ).encode([payload]);
    const rotated = new EncryptionCodec(
      encryptionKeysFromEnv({
        WEFT_ENCRYPTION_KEY: key(),
        WEFT_ENCRYPTION_KEY_ID: 'k2',
        WEFT_DECRYPTION_KEYS: `k1:${old}`,
      })!,
    );
    expect(defaultPayloadConverter.fromPayload((await rotated.decode([sealed]))[0])).toEqual({ token: 's3cr3t', n: 1 });
    const without = new EncryptionCodec(
      encryptionKeysFromEnv({ WEFT_ENCRYPTION_KEY: key(), WEFT_ENCRYPTION_KEY_ID: 'k2' })!,
    );
    await expect(without.decode([sealed])).rejects.toThrow(
      'encrypted with key "k1", which this process does not have; add it to WEFT_DECRYPTION_KEYS',
    );
  });

  it('refuses a key that is not 32 bytes, and is off without a key', () => {
    expect(() => encryptionKeysFromEnv({ WEFT_ENCRYPTION_KEY: 'c2hvcnQ=' })).toThrow(
      'WEFT_ENCRYPTION_KEY must be 32 bytes, base64-encoded',
    );
    expect(encryptionKeysFromEnv({})).toBeUndefined();
  });
});
