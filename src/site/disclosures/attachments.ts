import type { DisclosureAttachment } from '../../domain/disclosures/attachments.ts';
import { t } from '../../i18n/t.ts';

/** The size in KB, rounded up (a file is never shown as 0 KB). */
const kb = (size: number): string => t('disclosures.attachments.kb', { n: Math.max(1, Math.ceil(size / 1024)) });

/** What a listed attachment says after its name: its type, its size, and for a PDF that it downloads. */
export const attachmentNote = (a: Pick<DisclosureAttachment, 'mime' | 'size'>): string =>
  a.mime === 'application/pdf'
    ? t('disclosures.attachments.pdf', { size: kb(a.size) })
    : t('disclosures.attachments.image', { size: kb(a.size) });
