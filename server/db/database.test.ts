import { Schema } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { openTestDatabase } from '../test/database.js';
import { pingDatabase, redactUri } from './database.js';

const connection = await openTestDatabase(import.meta.url);
afterAll(() => connection.close());

describe('database', () => {
  it('round-trips a Mongoose model through the real embedded database', async () => {
    const Note = connection.model(
      'Note',
      new Schema({ tenantId: { type: String, required: true }, text: String, tags: [String], at: Date }),
    );
    await Note.init();
    const at = new Date('2026-01-02T03:04:05.000Z');
    const created = await Note.create({ tenantId: 't1', text: 'héllo 👋', tags: ['a', 'b'], at });
    const found = await Note.findById(created._id).lean();
    expect(found).toMatchObject({ tenantId: 't1', text: 'héllo 👋', tags: ['a', 'b'], at });
    expect(await Note.countDocuments({ tenantId: 't1' })).toBe(1);
  });

  it('enforces unique indexes', async () => {
    const Key = connection.model('Key', new Schema({ key: { type: String, unique: true } }));
    await Key.init();
    await Key.create({ key: 'k' });
    await expect(Key.create({ key: 'k' })).rejects.toMatchObject({ code: 11000 });
  });

  it('answers a ping', async () => {
    await expect(pingDatabase(connection)).resolves.toBeUndefined();
  });

  it('never logs a password', () => {
    expect(redactUri('mongodb+srv://user:secret@cluster.example.net/db')).toBe('mongodb+srv://***@cluster.example.net/db');
  });
});
