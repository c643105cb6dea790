/**
 * The one script of every page (bundled by Astro from Layout.astro), enhancement only; without it
 * every page reads and works the same at the default text size.
 *
 * - The larger-text switch (issue 16, for older readers): the choice is kept in localStorage under
 *   TEXT_SIZE_KEY and applied to <html data-text-size="large">, which global.css scales by 125 %.
 *   The button is `hidden` in the HTML, so a reader without JavaScript never sees a switch that
 *   does nothing.
 * - Wide tables: marks each .table-wrap whose table is wider than the box (data-overflowing), which
 *   shows its "swipe sideways" hint line.
 */
export const TEXT_SIZE_KEY = 'qinglian.textSize';

function storedLarge(): boolean {
  try {
    return localStorage.getItem(TEXT_SIZE_KEY) === 'large';
  } catch {
    // Storage can be switched off (private mode, some in-app browsers): the default size it is.
    return false;
  }
}

function store(large: boolean): void {
  try {
    if (large) localStorage.setItem(TEXT_SIZE_KEY, 'large');
    else localStorage.removeItem(TEXT_SIZE_KEY);
  } catch {
    // Not kept across pages then; this page still switches.
  }
}

function applyTextSize(large: boolean): void {
  if (large) document.documentElement.dataset['textSize'] = 'large';
  else delete document.documentElement.dataset['textSize'];
  for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-text-size-toggle]')) {
    button.setAttribute('aria-pressed', String(large));
  }
}

function markOverflowing(wrap: HTMLElement): void {
  const table = wrap.querySelector('table');
  if (!table) return;
  wrap.toggleAttribute('data-overflowing', table.offsetWidth > wrap.clientWidth + 1);
}

applyTextSize(storedLarge());
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-text-size-toggle]')) {
  button.hidden = false;
  button.addEventListener('click', () => {
    const large = document.documentElement.dataset['textSize'] !== 'large';
    store(large);
    applyTextSize(large);
  });
}

const wraps = [...document.querySelectorAll<HTMLElement>('.table-wrap')];
if (wraps.length > 0) {
  const observer = new ResizeObserver((entries) => {
    for (const e of entries) markOverflowing(e.target as HTMLElement);
  });
  for (const wrap of wraps) {
    markOverflowing(wrap);
    observer.observe(wrap);
  }
}
