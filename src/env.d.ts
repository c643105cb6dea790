/// <reference types="astro/client" />

declare namespace App {
  /** Passed by src/server.ts to Astro's handler for every on-demand page. */
  interface Locals {
    database?: import('./db/client.ts').Database;
    version?: string;
    /** The feedback channel (src/services/context.ts), shared with the API. */
    channel?: import('./services/context.ts').ChannelContext;
    /** Trust X-Forwarded-For for the client address (rate limits). */
    trustProxy?: boolean;
  }
}
