/**
 * Progressive enhancement for a rebuild's progress page (/staff/builds/<id>/): while the build is not finished,
 * re-read the page every 3 s and put its progress part in place of this one (the container is a polite live
 * region, so the new state is announced). Stops when the build is live or failed, or when a read fails; the
 * page's own link reloads it without JavaScript.
 */
const INTERVAL_MS = 3_000;
const progress = document.querySelector<HTMLElement>('[data-build-progress]');

async function update(): Promise<void> {
  if (!progress || progress.dataset.finished !== 'false') return;
  const res = await fetch(location.pathname, { credentials: 'same-origin', headers: { accept: 'text/html' } });
  if (!res.ok) return;
  const next = new DOMParser()
    .parseFromString(await res.text(), 'text/html')
    .querySelector<HTMLElement>('[data-build-progress]');
  if (!next) return;
  progress.innerHTML = next.innerHTML;
  progress.dataset.finished = next.dataset.finished ?? 'true';
  if (progress.dataset.finished === 'false') setTimeout(() => void update().catch(() => undefined), INTERVAL_MS);
}

if (progress?.dataset.finished === 'false') setTimeout(() => void update().catch(() => undefined), INTERVAL_MS);
