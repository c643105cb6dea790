import { z } from 'zod';

/**
 * Attachments of stored disclosures (issue 12 "Attachments"): the files an approved version carries, as the
 * build and the public file route see them. The rule for which files are public is here, once:
 * `attachmentsInForce`.
 */
export const attachmentMimes = ['application/pdf', 'image/jpeg', 'image/png'] as const;

export const DisclosureAttachment = z.strictObject({
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  /** The display name (the original file name, trimmed, checked by the identifier detector). */
  name: z.string().min(1),
  mime: z.enum(attachmentMimes),
  size: z.number().int().min(1),
});
export type DisclosureAttachment = z.infer<typeof DisclosureAttachment>;

/** The public path of a stored disclosure's file. */
export const attachmentHref = (sha256: string): string => `/disclosures/files/${sha256}`;

/**
 * The files in force after a series of approved versions (oldest first): a publication sets them; a
 * correction (or a 4+2 record's progress) sent with files replaces them, one sent without any keeps the ones
 * before; a withdrawal takes them all offline.
 */
export function attachmentsInForce<A>(
  versions: readonly {
    change: 'publish' | 'correction' | 'progress' | 'withdrawal';
    attachments: readonly A[];
  }[],
): readonly A[] {
  let inForce: readonly A[] = [];
  for (const v of versions) {
    if (v.change === 'withdrawal') inForce = [];
    else if (v.change === 'publish' || v.attachments.length > 0) inForce = v.attachments;
  }
  return inForce;
}

/** A name without its extension (`contract.pdf` → `contract`), the form a procurement's document title takes. */
export const nameWithoutExtension = (name: string): string => name.replace(/\.[A-Za-z0-9]{1,5}$/, '').trim();

/**
 * The attachment a procurement document links to: the first one whose name without extension equals the
 * document's title (both trimmed), or undefined (the document is then listed without a link, or with its own url).
 */
export const attachmentForDocument = <A extends { name: string }>(
  title: string,
  attachments: readonly A[],
): A | undefined => attachments.find((a) => nameWithoutExtension(a.name) === title.trim());
