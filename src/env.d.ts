/// <reference types="astro/client" />

declare namespace App {
  /** Passed by src/server.ts to Astro's handler for every on-demand page. */
  interface Locals {
    database?: import('./db/client.ts').Database;
    version?: string;
  }
}
