import { solveChallenge, type Challenge } from 'altcha-lib';
import { deriveKey } from 'altcha-lib/algorithms/web/sha';

/**
 * Progressive enhancement for the feedback forms: fetch a proof-of-work challenge, solve it in the
 * background with WebCrypto, and put the payload in the hidden `altcha` field. Without JavaScript (or if
 * this fails) the form still posts; the server then applies its stricter no-proof-of-work rate limit.
 */
async function solve(): Promise<string | null> {
  try {
    const res = await fetch('/api/altcha/challenge', {
      headers: { accept: 'application/json' },
      credentials: 'same-origin',
    });
    if (!res.ok) return null;
    const challenge = (await res.json()) as Challenge;
    const solution = await solveChallenge({ challenge, deriveKey, timeout: 20_000 });
    return solution ? btoa(JSON.stringify({ challenge, solution })) : null;
  } catch {
    return null;
  }
}

for (const input of document.querySelectorAll<HTMLInputElement>('input[data-altcha]')) {
  const form = input.form;
  if (!form) continue;
  const pending = solve().then((payload) => {
    if (payload) input.value = payload;
    return payload;
  });
  let waited = false;
  form.addEventListener('submit', (event) => {
    if (input.value || waited) return;
    event.preventDefault();
    waited = true;
    const status = form.querySelector<HTMLElement>('[data-altcha-status]');
    if (status) status.textContent = status.dataset.waiting ?? '';
    // Wait for the proof briefly; submit either way, so nobody is blocked by it.
    void Promise.race([pending, new Promise((r) => setTimeout(r, 5_000))]).then(() => form.requestSubmit());
  });
}
