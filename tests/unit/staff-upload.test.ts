import { describe, expect, test } from 'vitest';
import { readUploadBody, uploadTokenValid } from '../../src/staff/upload.ts';

/** The upload body cap: a declared length is refused unread; a chunked body is cut off as it passes the cap. */
const stream = (chunks: number, size: number, pulled: { n: number }) =>
  new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (pulled.n >= chunks) {
          controller.close();
          return;
        }
        pulled.n++;
        controller.enqueue(new Uint8Array(size));
      },
    },
    { highWaterMark: 0 },
  );

describe('staff upload body', () => {
  test('a declared Content-Length over the cap is refused without reading a byte', async () => {
    const pulled = { n: 0 };
    const request = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-length': '2000', 'content-type': 'multipart/form-data; boundary=b' },
      body: stream(10, 200, pulled),
      duplex: 'half',
    } as RequestInit);
    expect(await readUploadBody(request, 1000)).toEqual({ ok: false, status: 413 });
    expect(pulled.n).toBe(0);
  });

  test('a chunked body is read only until it passes the cap', async () => {
    const pulled = { n: 0 };
    const request = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=b' },
      body: stream(1000, 100, pulled),
      duplex: 'half',
    } as RequestInit);
    expect(await readUploadBody(request, 1000)).toEqual({ ok: false, status: 413 });
    expect(pulled.n).toBeLessThan(20);
  });

  test('a body within the cap is parsed; the token must match', async () => {
    const form = new FormData();
    form.set('_csrf', 'token-1');
    form.set('file', new Blob(['a,b']), 'a.csv');
    const read = await readUploadBody(new Request('http://x/', { method: 'POST', body: form }));
    expect(read.ok).toBe(true);
    if (!read.ok) return;
    expect((read.form.get('file') as File).name).toBe('a.csv');
    expect(uploadTokenValid(read.form, 'token-1')).toBe(true);
    expect(uploadTokenValid(read.form, 'token-2')).toBe(false);
  });

  test('a malformed multipart body is a 400, not an exception', async () => {
    const request = new Request('http://x/', {
      method: 'POST',
      headers: { 'content-type': 'multipart/form-data; boundary=zzz' },
      body: 'not multipart at all',
    });
    expect(await readUploadBody(request)).toEqual({ ok: false, status: 400 });
  });
});
