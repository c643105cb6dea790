/**
 * Progressive enhancement of the statistics pages: each `figure[data-chart]` is shown, and drawn with
 * Chart.js once it comes near the viewport. Chart.js is a separate chunk loaded by the dynamic import
 * below, so a page whose charts are never scrolled to never downloads it. The table under each chart
 * carries the same numbers for readers without JavaScript.
 */
const figures = [...document.querySelectorAll<HTMLElement>('figure[data-chart]')];

async function draw(figure: HTMLElement): Promise<void> {
  const { drawChart } = await import('./chart-render.ts');
  drawChart(figure);
}

if (figures.length > 0) {
  for (const f of figures) f.hidden = false;
  if ('IntersectionObserver' in window) {
    const observer = new IntersectionObserver(
      (entries) => {
        for (const e of entries) {
          if (!e.isIntersecting) continue;
          observer.unobserve(e.target);
          void draw(e.target as HTMLElement);
        }
      },
      { rootMargin: '200px 0px' },
    );
    for (const f of figures) observer.observe(f);
  } else {
    for (const f of figures) void draw(f);
  }
}
