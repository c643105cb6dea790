/**
 * Progressive enhancement for the receipt: a copy button next to the tracking code and the query secret.
 * The buttons are in the page, hidden; this shows them and copies the text of the element they name.
 * Without JavaScript, or without the Clipboard API (plain HTTP), the codes are still there to write down.
 */
for (const button of document.querySelectorAll<HTMLButtonElement>('button[data-copy]')) {
  const target = document.getElementById(button.dataset.copy ?? '');
  // Absent on plain HTTP, whatever the DOM types say.
  if (!target || !('clipboard' in navigator)) continue;
  const label = button.textContent;
  button.hidden = false;
  button.addEventListener('click', () => {
    navigator.clipboard.writeText(target.textContent.trim()).then(
      () => {
        button.textContent = button.dataset.copied ?? label;
        setTimeout(() => (button.textContent = label), 2000);
      },
      () => {
        button.textContent = button.dataset.failed ?? label;
      },
    );
  });
}
