/**
 * Payload encryption, so secrets in documents, inputs and outputs need not sit in Temporal's history in
 * the clear. Every payload the client and the worker send is sealed with AES-256-GCM before it leaves the
 * process; the server, its database and the Web UI (without a codec server) see only ciphertext.
 *
 * Opt-in with WEFT_ENCRYPTION_KEY (32 random bytes, base64: `openssl rand -base64 32`), given to every
 * client and worker of the namespace. WEFT_ENCRYPTION_KEY_ID names the key (default "default") so keys can
 * be rotated: payloads record the id they were sealed with, and WEFT_DECRYPTION_KEYS (`id:base64,...`)
 * keeps older keys readable. Payloads that were never encrypted pass through, so turning it on is safe.
 */
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import type { Payload, PayloadCodec } from '@temporalio/common';
import { WeftSetupError } from '../errors';

const ENCODING = 'binary/encrypted';
const ALGORITHM = 'aes-256-gcm';
const IV_BYTES = 12;
const TAG_BYTES = 16;
const encoder = new TextEncoder();
const decoder = new TextDecoder();

export interface EncryptionKeys {
  /** The key new payloads are sealed with. */
  current: { id: string; key: Buffer };
  /** Every key payloads may have been sealed with, by id (the current one included). */
  all: Map<string, Buffer>;
}

function parseKey(value: string, what: string): Buffer {
  const key = Buffer.from(value.trim(), 'base64');
  if (key.length !== 32)
    throw new WeftSetupError(
      `${what} must be 32 bytes, base64-encoded (e.g. \`openssl rand -base64 32\`); it is ${key.length} bytes.`,
    );
  return key;
}

/** The keys from the environment, or undefined when encryption is off. */
export function encryptionKeysFromEnv(env: NodeJS.ProcessEnv = process.env): EncryptionKeys | undefined {
  if (!env.WEFT_ENCRYPTION_KEY) return undefined;
  const current = {
    id: env.WEFT_ENCRYPTION_KEY_ID || 'default',
    key: parseKey(env.WEFT_ENCRYPTION_KEY, 'WEFT_ENCRYPTION_KEY'),
  };
  const all = new Map<string, Buffer>([[current.id, current.key]]);
  for (const entry of (env.WEFT_DECRYPTION_KEYS ?? '').split(',').filter(Boolean)) {
    const [id, value] = entry.split(':');
    if (!id || !value) throw new WeftSetupError('WEFT_DECRYPTION_KEYS is a comma-separated list of id:base64key.');
    all.set(id, parseKey(value, `the key "${id}" in WEFT_DECRYPTION_KEYS`));
  }
  return { current, all };
}

export class EncryptionCodec implements PayloadCodec {
  constructor(private readonly keys: EncryptionKeys) {}

  async encode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv(ALGORITHM, this.keys.current.key, iv);
      // The whole payload (metadata and data) is sealed, so even its encoding does not show.
      const plain = Buffer.from(JSON.stringify({ metadata: mapOf(payload.metadata), data: b64(payload.data) }));
      const sealed = Buffer.concat([iv, cipher.update(plain), cipher.final(), cipher.getAuthTag()]);
      return {
        metadata: { encoding: encoder.encode(ENCODING), 'encryption-key-id': encoder.encode(this.keys.current.id) },
        data: sealed,
      };
    });
  }

  async decode(payloads: Payload[]): Promise<Payload[]> {
    return payloads.map((payload) => {
      if (!payload.metadata?.encoding || decoder.decode(payload.metadata.encoding) !== ENCODING) return payload;
      const keyId = payload.metadata['encryption-key-id']
        ? decoder.decode(payload.metadata['encryption-key-id'])
        : 'default';
      const key = this.keys.all.get(keyId);
      if (!key)
        throw new WeftSetupError(
          `A payload was encrypted with key "${keyId}", which this process does not have; add it to WEFT_DECRYPTION_KEYS.`,
        );
      const sealed = Buffer.from(payload.data ?? new Uint8Array());
      const decipher = createDecipheriv(ALGORITHM, key, sealed.subarray(0, IV_BYTES));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      const plain = Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]);
      const parsed = JSON.parse(plain.toString()) as { metadata: Record<string, string>; data: string };
      return {
        metadata: Object.fromEntries(Object.entries(parsed.metadata).map(([k, v]) => [k, Buffer.from(v, 'base64')])),
        data: Buffer.from(parsed.data, 'base64'),
      };
    });
  }
}

function b64(bytes: Uint8Array | null | undefined): string {
  return Buffer.from(bytes ?? new Uint8Array()).toString('base64');
}

function mapOf(metadata: Payload['metadata']): Record<string, string> {
  return Object.fromEntries(Object.entries(metadata ?? {}).map(([k, v]) => [k, b64(v)]));
}

/** The data converter option for clients and workers: encryption when WEFT_ENCRYPTION_KEY is set. */
export function dataConverterFromEnv(
  env: NodeJS.ProcessEnv = process.env,
): { payloadCodecs: PayloadCodec[] } | undefined {
  const keys = encryptionKeysFromEnv(env);
  return keys ? { payloadCodecs: [new EncryptionCodec(keys)] } : undefined;
}
