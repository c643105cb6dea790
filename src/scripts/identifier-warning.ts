import { findIdentifiers, type IdentifierKind } from '../domain/privacy/identifiers.ts';

/**
 * Progressive enhancement for the feedback forms (issue 13): while the person types, run the same
 * identifier detector the server uses and say, in the live region next to the field, which kinds of
 * identifier the text seems to hold. The warning never blocks sending; the server masks what it finds
 * before anything is public. Without JavaScript the field's hint carries the same advice.
 */
for (const region of document.querySelectorAll<HTMLElement>('[data-identifier-warning]')) {
  const field = document.getElementById(region.dataset.identifierWarning ?? '');
  if (!(field instanceof HTMLTextAreaElement || field instanceof HTMLInputElement)) continue;
  const labels = JSON.parse(region.dataset.labels ?? '{}') as Partial<Record<IdentifierKind, string>>;
  const template = region.dataset.template ?? '';
  const separator = region.dataset.separator ?? ', ';
  let shown = '';
  let timer: ReturnType<typeof setTimeout> | undefined;
  const check = () => {
    const kinds = [...new Set(findIdentifiers(field.value).map((f) => f.kind))];
    const names = kinds.map((k) => labels[k as IdentifierKind]).filter((n): n is string => Boolean(n));
    const text = names.length > 0 ? template.replace('{kinds}', names.join(separator)) : '';
    if (text === shown) return;
    shown = text;
    const p = document.createElement('p');
    p.className = 'notice warning';
    p.textContent = text;
    region.replaceChildren(...(text ? [p] : []));
  };
  field.addEventListener('input', () => {
    clearTimeout(timer);
    timer = setTimeout(check, 400);
  });
  check();
}
