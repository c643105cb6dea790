import type http from 'node:http';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { lookup as mimeLookup } from 'mrmime';

/** Files up to this size are kept in memory; larger ones and Range requests go to sirv. */
export const MEMORY_MAX_BYTES = 256 * 1024;
/** Past this total the rest of the site is served from disk by sirv (a big site stays bounded). */
export const MEMORY_TOTAL_BYTES = 128 * 1024 * 1024;

interface MemoryFile {
  body: Buffer;
  headers: Record<string, string | number>;
  etag: string;
}

/**
 * Serve the prerendered site from memory. The build is small (hundreds of files, < 1 MB at the
 * foundation stage) and immutable while the process runs, and `npm run bench` measured a
 * per-request `createReadStream` (what sirv does) at ~0.6x a bare static server: file open/close
 * and 64 KiB stream buffers forced full GCs in a process whose heap also holds Astro. Lookup order,
 * headers, ETag/304 and `Vary` follow sirv so both paths answer alike.
 * Returns a handler that answers and returns true, or returns false to fall through.
 */
export function memoryFiles(dir: string, cacheControlFor: (pathname: string) => string) {
  const files = new Map<string, MemoryFile>();
  let total = 0;
  const walk = (rel: string) => {
    for (const entry of readdirSync(join(dir, rel), { withFileTypes: true })) {
      if (entry.name.startsWith('.')) continue;
      const name = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(name);
        continue;
      }
      const st = statSync(join(dir, name));
      if (!entry.isFile() || st.size > MEMORY_MAX_BYTES || total + st.size > MEMORY_TOTAL_BYTES) continue;
      total += st.size;
      const encoding = name.endsWith('.br') ? 'br' : name.endsWith('.gz') ? 'gzip' : undefined;
      let type = mimeLookup(encoding ? name.slice(0, -3) : name) ?? 'application/octet-stream';
      // Text the site writes is UTF-8; saying so keeps browsers and spreadsheet importers from guessing.
      if (type === 'text/html' || type === 'text/csv') type += ';charset=utf-8';
      const etag = `W/"${st.size}-${st.mtime.getTime()}"`;
      const headers: Record<string, string | number> = {
        'Content-Length': st.size,
        'Content-Type': type,
        'Last-Modified': st.mtime.toUTCString(),
        ETag: etag,
        Vary: 'Accept-Encoding',
      };
      if (encoding) headers['Content-Encoding'] = encoding;
      files.set(name, { body: readFileSync(join(dir, name)), headers, etag });
    }
  };
  walk('');

  return (req: http.IncomingMessage, res: http.ServerResponse): boolean => {
    if (req.headers.range) return false;
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    let pathname = q === -1 ? url : url.slice(0, q);
    if (pathname.includes('%')) {
      try {
        pathname = decodeURI(pathname);
      } catch {
        return false;
      }
    }
    const accept = req.headers['accept-encoding'] ?? '';
    const exts: string[] = [];
    if (/(br|brotli)/i.test(accept)) exts.push('html.br', 'br');
    if (accept.includes('gzip')) exts.push('html.gz', 'gz');
    exts.push('', 'html');
    const base = pathname.endsWith('/') ? pathname.slice(0, -1) : pathname;
    let file: MemoryFile | undefined;
    for (const ext of exts) {
      const x = ext ? `.${ext}` : '';
      if ((base && (file = files.get(base + x))) || (file = files.get(`${base}/index${x}`))) break;
    }
    if (!file) return false;
    res.setHeader('Cache-Control', cacheControlFor(pathname));
    if (req.headers['if-none-match'] === file.etag) {
      res.writeHead(304, { ETag: file.etag, Vary: 'Accept-Encoding' });
      res.end();
      return true;
    }
    res.writeHead(200, file.headers);
    res.end(req.method === 'HEAD' ? undefined : file.body);
    return true;
  };
}
