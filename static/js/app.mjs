// Enhances GOV.UK Frontend components (error summary focus, password reveal, menu toggle,
// notification banner focus, radios that reveal more questions). Every page works
// without it.
import { initAll } from "../govuk/govuk-frontend.min.js";

// GOV.UK Frontend's radios mark each radio that reveals more questions with
// aria-expanded, which ARIA does not allow on a radio (axe-core's aria-allowed-attr; the
// revealed questions follow the radio, and its aria-controls stays). Take the attribute
// off whenever the component sets it.
const radios = ".govuk-radios__input[aria-expanded]";
const dropExpanded = () =>
  document.querySelectorAll(radios).forEach((input) => input.removeAttribute("aria-expanded"));
new MutationObserver(dropExpanded).observe(document.body, {
  attributes: true,
  attributeFilter: ["aria-expanded"],
  subtree: true,
});

initAll();
