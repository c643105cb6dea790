/// <reference types="astro/client" />

declare namespace App {
  /** Built by src/app-context.ts (`pageLocals`) and passed by src/server.ts to Astro's handler for every on-demand page. */
  interface Locals {
    database?: import('./db/client.ts').Database;
    version?: string;
    /** The feedback channel (src/services/context.ts), shared with the API. */
    channel?: import('./services/context.ts').ChannelContext;
    /** Stored files: evidence photos and documents (src/services/attachments.ts). */
    attachments?: import('./services/attachments.ts').AttachmentStore;
    /** Trust X-Forwarded-For for the client address (rate limits). */
    trustProxy?: boolean;
    /** The staff console (src/staff/context.ts). */
    staff?: import('./staff/context.ts').StaffContext;
    /** The public half of the audit checkpoints' signing key (/data/audit-checkpoint.json). */
    auditKey?: { keyId: string; publicKey: string };
    /** The signed-in staff member's session, set by src/middleware.ts on /staff/ paths. */
    staffSession?: import('./staff/auth.ts').StaffSession | undefined;
    /** The disclosure upload's multipart form, read (capped) and CSRF-checked by src/middleware.ts. */
    staffUpload?: FormData;
  }
}

/** DEMO at build time (astro.config.mjs `define`): the demo banner and notices are shown only when true. */
declare const __DEMO__: boolean;
