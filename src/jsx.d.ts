// Astro types a template element as `HTMLElement | any`, and without a global JSX namespace
// typescript-eslint sees the templates of .astro files as error-typed; this gives them a real type.
import 'astro/astro-jsx';

declare global {
  namespace JSX {
    type Element = HTMLElement;
  }
}
